/**
 * Turns whatever a transport rejects with into a BridgeError: a WarpError on the renderer's side, made from the
 * wire's ErrorDto. Its code is any code the engine or the daemon answers with (E_* codes, and
 * API-level ones such as BAD_REQUEST or UNREACHABLE), so it is not typed to the engine's ErrorCode.
 */
import type { BridgeError as BridgeErrorShape } from '../../shared/bridge.ts';
import { WarpError } from '../../engine/core/errors.ts';

/** A WarpError whose code set is the wire's (engine codes and API-level ones); `status` is the HTTP status. */
export class BridgeError extends WarpError<string> implements BridgeErrorShape {
  readonly status?: number;

  constructor(code: string, message: string, status?: number) {
    super(code, message, status === undefined ? {} : { details: { status } });
    this.name = 'BridgeError';
    if (status !== undefined) this.status = status;
  }
}

export function bridgeError(code: string, message: string, status?: number): BridgeError {
  return new BridgeError(code, message, status);
}

/**
 * Electron's ipcRenderer.invoke loses custom properties: the message arrives as
 * "Error invoking remote method 'x': Error: [E_CODE] text". Recover the code when the preload did not.
 */
export function normalizeError(err: unknown): BridgeError {
  if (err instanceof BridgeError) return err;
  if (err instanceof Error && typeof (err as Partial<BridgeErrorShape>).code === 'string')
    return bridgeError((err as BridgeErrorShape).code, err.message, (err as BridgeErrorShape).status);
  const raw = err instanceof Error ? err.message : String(err);
  const stripped = raw.replace(/^Error invoking remote method '[^']+': (?:\w*Error: )?/, '');
  const m = /^\[([A-Z][A-Z0-9_]+)\]\s*(.*)$/s.exec(stripped) ?? /^([A-Z][A-Z0-9_]{2,}):\s*(.*)$/s.exec(stripped);
  return m ? bridgeError(m[1], m[2]) : bridgeError('INTERNAL', stripped);
}

export function errorText(err: unknown): string {
  const e = normalizeError(err);
  return e.code && e.code !== 'INTERNAL' ? `${e.message} (${e.code})` : e.message;
}
