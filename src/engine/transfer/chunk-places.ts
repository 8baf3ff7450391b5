/**
 * Where the receiver already holds a chunk (a destination file's old version, a resumed part file): the first
 * place seen per id.
 */
import { ChunkIdMap } from '../model/chunk-id.ts';
import type { ChunkPlace } from './tree.ts';

export class ChunkPlaces {
  private readonly map = new ChunkIdMap<ChunkPlace>();

  /** Records a place for the id at ids[at, at + 32) unless one is known. */
  addIfAbsent(ids: Uint8Array, at: number, abs: string, offset: number, length: number): void {
    if (!this.map.has(ids, at)) this.map.set(ids, { abs, offset, length }, at);
  }

  get(id: Uint8Array): ChunkPlace | undefined {
    return this.map.get(id);
  }
}
