/** Turns whatever a transport rejects with into a BridgeError (an Error with a stable `code`). */
import type { BridgeError } from '../../shared/bridge.ts';

export function bridgeError(code: string, message: string, status?: number): BridgeError {
  const err = new Error(message) as BridgeError;
  err.name = 'BridgeError';
  err.code = code;
  if (status !== undefined) err.status = status;
  return err;
}

/**
 * Electron's ipcRenderer.invoke loses custom properties: the message arrives as
 * "Error invoking remote method 'x': Error: [E_CODE] text". Recover the code when the preload did not.
 */
export function normalizeError(err: unknown): BridgeError {
  if (err instanceof Error && typeof (err as Partial<BridgeError>).code === 'string') return err as BridgeError;
  const raw = err instanceof Error ? err.message : String(err);
  const stripped = raw.replace(/^Error invoking remote method '[^']+': (?:\w*Error: )?/, '');
  const m = /^\[([A-Z][A-Z0-9_]+)\]\s*(.*)$/s.exec(stripped) ?? /^([A-Z][A-Z0-9_]{2,}):\s*(.*)$/s.exec(stripped);
  return m ? bridgeError(m[1], m[2]) : bridgeError('INTERNAL', stripped);
}

export function errorText(err: unknown): string {
  const e = normalizeError(err);
  return e.code && e.code !== 'INTERNAL' ? `${e.message} (${e.code})` : e.message;
}
