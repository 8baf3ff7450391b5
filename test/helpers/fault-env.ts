/** The environment that gives a real `warp` process the test fault hook of chunk-faults.ts. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const PRELOAD = pathToFileURL(path.join(import.meta.dirname, 'chunk-faults.ts')).href;

/** `corrupt`: the first N chunks served are corrupted; `delayMs`: each chunk served waits this long. */
export function faultEnv(o: { corrupt?: number; delayMs?: number }): Record<string, string> {
  return {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${PRELOAD}`.trim(),
    ...(o.corrupt ? { WARP_FAULT_CORRUPT_CHUNKS: String(o.corrupt) } : {}),
    ...(o.delayMs ? { WARP_FAULT_CHUNK_DELAY_MS: String(o.delayMs) } : {}),
  };
}
