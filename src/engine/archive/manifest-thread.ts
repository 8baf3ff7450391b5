/**
 * Runs loadStoredManifest (manifest-load.ts) in a worker thread of its own. Only the main thread imports
 * this module: a bundler puts code shared with the worker in a shared chunk, where import.meta.url would
 * no longer be next to the worker entry (see worker-url.ts).
 */
import { Worker } from 'node:worker_threads';
import { ErrorCodes, WarpError, type ErrorCode } from '../core/errors.ts';
import { workerUrl } from '../core/worker-url.ts';
import { Manifest, type ManifestTransfer } from '../model/manifest.ts';
import { manifestPlainLimit, type StoredManifest } from './manifest-load.ts';

/** A fresh worker's heap limit for a manifest of `storedBytes`: a crafted one that still balloons dies alone. */
function workerHeapMb(storedBytes: number): number {
  return Math.min(16 * 1024, 256 + 8 * Math.ceil(manifestPlainLimit(storedBytes) / (1024 * 1024)));
}

/**
 * loadStoredManifest in a worker thread of its own (terminated afterwards): the caller's event loop only
 * receives the validated columns. For long-lived processes that serve requests (the daemon).
 */
export async function loadStoredManifestInWorker(s: StoredManifest): Promise<Manifest> {
  const worker = new Worker(workerUrl('manifest-worker', import.meta.url), {
    workerData: s,
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: workerHeapMb(s.length) },
  });
  try {
    const reply = await new Promise<{
      ok: boolean;
      manifest?: ManifestTransfer;
      error?: { code?: ErrorCode; message: string; details?: Record<string, unknown> };
    }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the manifest worker exited with code ${code}`)));
    }).catch((e: unknown) => {
      const oom = (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      throw new WarpError(
        oom ? ErrorCodes.MANIFEST_CORRUPT : ErrorCodes.INTERNAL,
        oom
          ? `${s.path}: the manifest needs more memory than its size allows; refusing it`
          : `${s.path}: reading the manifest failed: ${(e as Error).message}`,
      );
    });
    if (!reply.ok)
      throw new WarpError(
        reply.error?.code ?? ErrorCodes.INTERNAL,
        reply.error?.message ?? 'reading the manifest failed',
        { details: reply.error?.details },
      );
    return Manifest.fromTransfer(reply.manifest!);
  } finally {
    await worker.terminate();
  }
}
