/**
 * Chunks this machine already holds outside what is being received: in places the caller knows (a file at the
 * destination, a part file), in files the file index has seen holding them, and in the chunk store. A peer
 * fetch (local-chunks.ts) and a share-link fetch (share/fetch.ts) both ask here before the network, so both find
 * the same bytes. Every read is checked against the chunk's id: the index and the places are hints about files
 * that may have changed since, never trusted as they stand. One instance keeps a few descriptors open (runs of
 * chunks mostly come from one file); `close()` releases them.
 */
import { blake3 } from '../codec/blake3.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import type { FileIndex } from '../store/file-index.ts';
import { RangeReader } from './local-files.ts';
import type { ChunkPlace } from './tree.ts';

export interface MachineChunkSources {
  index?: FileIndex;
  store?: ChunkStore;
}

export class MachineChunks {
  private readonly reader = new RangeReader();
  private readonly sources: MachineChunkSources;

  constructor(sources: MachineChunkSources) {
    this.sources = sources;
  }

  /** Chunk `id` (`length` bytes): from `places` first, then the file index's places, then the chunk store. */
  read(id: Uint8Array, length: number, places: Iterable<ChunkPlace> = []): Uint8Array | undefined {
    const want = Buffer.from(id);
    for (const p of places) {
      const data = this.readPlace(p, length, want);
      if (data) return data;
    }
    for (const l of this.sources.index?.locate(id) ?? []) {
      const data = this.readPlace({ abs: l.path, offset: l.offset, length: l.length }, length, want);
      if (data) return data;
    }
    // The store checks the id itself when it reads (store/chunk-store.ts).
    const stored = this.sources.store?.get(id);
    return stored && stored.length === length ? stored : undefined;
  }

  close(): void {
    this.reader.close();
  }

  private readPlace(p: ChunkPlace, length: number, want: Buffer): Uint8Array | undefined {
    if (p.length !== length) return undefined;
    const data = this.reader.read(p.abs, p.offset, length);
    return data && blake3(data).equals(want) ? data : undefined;
  }
}
