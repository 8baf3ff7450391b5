/** Worker-thread entry: loads one stored manifest off the caller's event loop (see manifest-load.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { WarpError } from '../core/errors.ts';
import { loadStoredManifest, type StoredManifest } from './manifest-load.ts';

try {
  const m = loadStoredManifest(workerData as StoredManifest);
  parentPort!.postMessage({ ok: true, manifest: m.toTransfer() });
} catch (e) {
  const error = e instanceof WarpError ? e.toJSON() : { message: e instanceof Error ? e.message : String(e) };
  parentPort!.postMessage({ ok: false, error });
}
