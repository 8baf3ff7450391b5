/**
 * Where the receiver already holds a chunk (a destination file's old version, a resumed part file): the first
 * place seen per id, keyed by idNumberKey with the full id compared on lookup.
 */
import { HASH_BYTES, idNumberKey } from '../codec/blake3.ts';
import type { ChunkPlace } from './tree.ts';

function sameId(ids: Uint8Array, at: number, id: Uint8Array): boolean {
  for (let i = HASH_BYTES - 1; i >= 0; i--) if (ids[at + i] !== id[i]) return false;
  return true;
}

export class ChunkPlaces {
  private readonly map = new Map<number, { ids: Uint8Array; at: number; place: ChunkPlace }>();

  /**
   * Records a place for the id at ids[at, at + 32) unless one is known. `ids` is kept, not copied: it must not
   * change (a manifest's or a file record's id table).
   */
  addIfAbsent(ids: Uint8Array, at: number, abs: string, offset: number, length: number): void {
    const k = idNumberKey(ids, at);
    // A different id with the same 6-byte prefix keeps the first: one dedup chance lost, never a wrong chunk.
    if (!this.map.has(k)) this.map.set(k, { ids, at, place: { abs, offset, length } });
  }

  get(id: Uint8Array): ChunkPlace | undefined {
    const e = this.map.get(idNumberKey(id));
    return e && sameId(e.ids, e.at, id) ? e.place : undefined;
  }
}
