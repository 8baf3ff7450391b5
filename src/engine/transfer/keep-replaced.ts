/**
 * Before a changed file replaces its old version at the destination, the old version's chunks that the new
 * tree does not use go to the chunk store (bounded, least recently used evicted), so undoing the edit on the
 * sender later moves nothing: the receiver finds those chunks in its store. Only small edits are worth it: the
 * bytes kept per transfer are capped by a budget (a file rewritten whole would otherwise be copied into the
 * store in full).
 */
import type { ChunkStore } from '../store/chunk-store.ts';
import { HASH_BYTES } from '../codec/blake3.ts';
import { RangeReader } from './local-files.ts';

export interface KeepBudget {
  bytes: number;
}

/** Returns the bytes stored. `used(id)`: whether the new tree has that chunk. Never throws (the store is a cache). */
export function keepReplacedChunks(store: ChunkStore, abs: string, old: { ids: Uint8Array; lens: Uint32Array }, used: (id: Uint8Array) => boolean, budget: KeepBudget): number {
  if (store.maxBytes === 0 || budget.bytes <= 0) return 0;
  const reader = new RangeReader(1);
  let kept = 0;
  try {
    let off = 0;
    for (let k = 0; k < old.lens.length; k++) {
      const len = old.lens[k];
      const id = old.ids.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES);
      if (len <= budget.bytes && !used(id) && !store.has(id)) {
        const data = reader.read(abs, off, len);
        try {
          // put() verifies the bytes against the id: an old copy that changed behind the index is not stored.
          if (data && store.put(id, data)) { kept += len; budget.bytes -= len; }
        } catch { /* mismatch or full disk: nothing kept */ }
      }
      off += len;
    }
  } finally {
    reader.close();
  }
  return kept;
}
