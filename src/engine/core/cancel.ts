/** Cancellation is the platform's AbortSignal; this turns an abort into the engine's own error. */
import { ErrorCodes, WarpError } from './errors.ts';

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new WarpError(ErrorCodes.CANCELLED, 'the operation was cancelled');
}
