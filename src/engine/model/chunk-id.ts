/**
 * Chunk ids (32-byte BLAKE3 hashes) as keys: the one map and the one set every package uses. Both key by
 * `idNumberKey` (codec/blake3.ts: the id's first 6 bytes as a number, no string per chunk) and compare the
 * full id on every hit, so ids sharing a prefix are told apart, never confused. Ids are copied into one
 * packed table (32 bytes each, no object per entry): a caller may pass views into buffers it reuses.
 * The store's file index and the archive writer's dedup keep their own multi-maps over ids they already
 * hold, keyed by the same function.
 */
import { HASH_BYTES, idNumberKey } from '../codec/blake3.ts';

/** Whether the ids at a[at, at + 32) and b[bt, bt + 32) are equal. */
export function sameChunkId(a: Uint8Array, at: number, b: Uint8Array, bt = 0): boolean {
  for (let i = HASH_BYTES - 1; i >= 0; i--) if (a[at + i] !== b[bt + i]) return false;
  return true;
}

/** Packed ids and their number keys; an entry is its insertion index. */
class ChunkIdTable {
  private readonly byKey = new Map<number, number | number[]>();
  private table = new Uint8Array(HASH_BYTES * 64);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The entry holding the id at ids[at, at + 32), or -1. */
  find(ids: Uint8Array, at = 0): number {
    const hit = this.byKey.get(idNumberKey(ids, at));
    if (hit === undefined) return -1;
    if (typeof hit === 'number') return sameChunkId(this.table, hit * HASH_BYTES, ids, at) ? hit : -1;
    for (const e of hit) if (sameChunkId(this.table, e * HASH_BYTES, ids, at)) return e;
    return -1;
  }

  /** Adds the id (which must not be present) and returns its entry. */
  insert(ids: Uint8Array, at = 0): number {
    const e = this.count++;
    if (this.count * HASH_BYTES > this.table.length) {
      const grown = new Uint8Array(this.table.length * 2);
      grown.set(this.table);
      this.table = grown;
    }
    this.table.set(ids.subarray(at, at + HASH_BYTES), e * HASH_BYTES);
    const key = idNumberKey(ids, at);
    const hit = this.byKey.get(key);
    if (hit === undefined) this.byKey.set(key, e);
    else if (typeof hit === 'number') this.byKey.set(key, [hit, e]);
    else hit.push(e);
    return e;
  }
}

/** A map from chunk id to V. `at`: where the id starts in the array passed (default 0). */
export class ChunkIdMap<V> {
  private readonly ids = new ChunkIdTable();
  private readonly values: V[] = [];

  get size(): number {
    return this.ids.size;
  }

  get(id: Uint8Array, at = 0): V | undefined {
    const e = this.ids.find(id, at);
    return e < 0 ? undefined : this.values[e];
  }

  has(id: Uint8Array, at = 0): boolean {
    return this.ids.find(id, at) >= 0;
  }

  set(id: Uint8Array, value: V, at = 0): void {
    const e = this.ids.find(id, at);
    this.values[e < 0 ? this.ids.insert(id, at) : e] = value;
  }
}

/** A set of chunk ids. */
export class ChunkIdSet {
  private readonly ids = new ChunkIdTable();

  constructor(ids?: Iterable<Uint8Array>) {
    if (ids) for (const id of ids) this.add(id);
  }

  get size(): number {
    return this.ids.size;
  }

  has(id: Uint8Array, at = 0): boolean {
    return this.ids.find(id, at) >= 0;
  }

  add(id: Uint8Array, at = 0): void {
    if (this.ids.find(id, at) < 0) this.ids.insert(id, at);
  }
}
