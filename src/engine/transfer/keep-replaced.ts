/**
 * Before a changed file replaces its old version at the destination, the old version's chunks that its new
 * version does not use go to the chunk store (bounded, least recently used evicted), so undoing the edit on the
 * sender later moves nothing: the receiver finds those chunks in its store. Only small edits are worth it: the
 * bytes kept per transfer are capped by a budget (a file rewritten whole would otherwise be copied into the
 * store in full).
 *
 * The old bytes must be read before the rename; storing them (a hash check and a small file per chunk, ~0.1 s
 * per 17 MB) is not on the transfer's critical path: `flush()` runs after the transfer has answered, and
 * only up to DEFER_BYTES wait in memory (past that, chunks are stored at once).
 */
import type { ChunkStore } from '../store/chunk-store.ts';
import { HASH_BYTES } from '../codec/blake3.ts';
import { RangeReader } from './local-files.ts';

const DEFER_BYTES = 64 * 1024 * 1024;

export class ReplacedChunks {
  private readonly store: ChunkStore;
  private budget: number;
  private held: Array<{ id: Uint8Array; data: Buffer }> = [];
  private heldBytes = 0;

  constructor(store: ChunkStore) {
    this.store = store;
    this.budget = Math.min(256 * 1024 * 1024, store.maxBytes / 4);
  }

  /** Reads the chunks of `abs` (its old version, described by `old`) that `keep(id)` accepts. Never throws. */
  take(abs: string, old: { ids: Uint8Array; lens: Uint32Array }, keep: (id: Uint8Array) => boolean): void {
    if (this.store.maxBytes === 0 || this.budget <= 0) return;
    const reader = new RangeReader(1);
    try {
      let off = 0;
      for (let k = 0; k < old.lens.length; k++) {
        const len = old.lens[k];
        const id = old.ids.subarray(k * HASH_BYTES, (k + 1) * HASH_BYTES);
        if (len <= this.budget && keep(id) && !this.store.has(id)) {
          const data = reader.read(abs, off, len);
          if (data) {
            this.budget -= len;
            this.held.push({ id: Uint8Array.from(id), data });
            this.heldBytes += len;
            if (this.heldBytes > DEFER_BYTES) this.flush();
          }
        }
        off += len;
      }
    } finally {
      reader.close();
    }
  }

  /** Stores what was taken. put() verifies each against its id: an old copy that changed behind the index is not stored. */
  flush(): void {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const h of held) {
      try {
        this.store.put(h.id, h.data);
      } catch {
        /* mismatch or full disk: the store is a cache */
      }
    }
  }
}
