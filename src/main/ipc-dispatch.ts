/**
 * What serves each IPC method (the service's dispatch table, src/engine/service/dispatch.ts, the same one the
 * HTTP daemon serves), and how a failure becomes the ErrorDto the renderer sees. No Electron here; exercised in
 * test/main/ipc-dispatch.test.ts.
 */
import { isWarpError } from '../engine/core/errors.ts';
import { serviceOperations } from '../engine/service/dispatch.ts';
import type { WarpService } from '../engine/service/warp-service.ts';
import type { ErrorDto } from '../shared/events.ts';
import type { IpcArgs, IpcEnvelope, IpcMethod, IpcResult } from '../shared/ipc.ts';
import type { OperationHandlers } from '../shared/operations.ts';
import { validateIpcArgs } from './ipc-validate.ts';

export type IpcDispatch = OperationHandlers;

/** The service's dispatch table as main serves it: the daemon's, with main's facts (no uploads: it has paths). */
export function serviceDispatch(s: WarpService): IpcDispatch {
  return serviceOperations(s, { host: 'electron', upload: false });
}

/**
 * A failure as the renderer sees it: the engine's WarpError code, or the API-level code it carries in details
 * (SYNC_UNAVAILABLE; BAD_REQUEST for the InputError of invalid input), INTERNAL for anything unexpected (with
 * the message, which is all there is to act on).
 */
export function toErrorDto(e: unknown): ErrorDto {
  if (isWarpError(e)) {
    const daemonCode = typeof e.details.code === 'string' ? e.details.code : undefined;
    return { code: daemonCode ?? e.code, message: e.message };
  }
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message || e.name };
  return { code: 'INTERNAL', message: String(e) };
}

/** Validates, calls the facade and wraps the outcome: what every `warp:<method>` handler returns. */
export async function handleIpc<M extends IpcMethod>(
  dispatch: IpcDispatch,
  method: M,
  args: unknown[],
): Promise<IpcEnvelope<IpcResult<M>>> {
  try {
    const valid = validateIpcArgs(method, args);
    const fn = dispatch[method] as (...a: IpcArgs<M>) => IpcResult<M> | Promise<IpcResult<M>>;
    return { ok: true, value: await fn(...valid) };
  } catch (e) {
    return { ok: false, error: toErrorDto(e) };
  }
}
