/**
 * The local-chunks planner: before anything is pulled, what the receiver can take from its own disk.
 *  - `examineDestination`: a file already complete at the destination is skipped (metadata only); a changed one
 *    lends its chunks (it is chunked, or its chunk list comes from the file index when its identity is unchanged)
 *    and, in a sync push, is kept as a version or conflict copy before anything replaces it (keep-old.ts).
 *  - `resumeParts`: a part file left by an interrupted run of this session keeps every range that still hashes right.
 *  - `planMissing`: for each chunk still missing, a copy from a destination file just chunked is planned (made
 *    later in one pass per file and checked by the whole-file hash, assemble.ts); one from any other file the
 *    index knows or from the chunk store is read, verified by BLAKE3 and written now; the rest is returned: the
 *    chunks to pull.
 * All three are synchronous loops over every file and chunk: they let the network breathe (core/breather.ts).
 */
import fs from 'node:fs';
import { Breather } from '../core/breather.ts';
import { throwIfCancelled } from '../core/cancel.ts';
import { HASH_BYTES, blake3 } from '../codec/blake3.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import { chunkFile } from '../store/chunk-file.ts';
import type { FileIndex } from '../store/file-index.ts';
import { CopyPlan } from './assemble.ts';
import type { KeepOld } from './keep-old.ts';
import { ChunkPlaces } from './chunk-places.ts';
import { readAt } from './local-files.ts';
import { MachineChunks } from './machine-chunks.ts';
import type { ReceivedFiles } from './received-files.ts';

export interface LocalChunksOptions {
  index?: FileIndex;
  store?: ChunkStore;
  signal?: AbortSignal;
  /** A sync push: a file about to be replaced is kept as a version or conflict copy first (keep-old.ts). */
  keepOld?: KeepOld;
}

export class LocalChunks {
  /** Copies from destination files, made after the pull (assemble-planned.ts). */
  readonly plan: CopyPlan;
  private readonly files: ReceivedFiles;
  private readonly o: LocalChunksOptions;
  private readonly places = new ChunkPlaces();
  private readonly breather = new Breather();

  constructor(files: ReceivedFiles, o: LocalChunksOptions) {
    this.files = files;
    this.o = o;
    this.plan = new CopyPlan(files.table.size);
  }

  /** `stats[slot]`: what lies at the file's final name now (prepare-tree.ts), if anything. */
  async examineDestination(stats: ReadonlyArray<fs.Stats | undefined>): Promise<void> {
    const { files } = this;
    const m = files.m;
    for (let slot = 0; slot < files.count; slot++) {
      const pause = this.breather.breathe();
      if (pause) await pause;
      const st = stats[slot];
      if (!st?.isFile()) continue;
      const final = files.finalOf(slot);
      let r;
      try {
        r = chunkFile(final, m.chunking, this.o.index, st);
      } catch {
        continue;
      }
      this.plan.trusted.add(final);
      const e = m.entry(files.fileEntries[slot]);
      if (r.size === e.size && Buffer.from(r.hash).equals(Buffer.from(e.hash!))) files.unchanged(slot, st);
      else {
        this.o.keepOld?.beforeReplace(e.path, r.hash);
        files.replacing(slot, r);
      }
      let off = 0;
      for (let k = 0; k < r.lens.length; k++) {
        this.places.addIfAbsent(r.ids, k * HASH_BYTES, final, off, r.lens[k]);
        off += r.lens[k];
      }
    }
  }

  /** Keeps the verified ranges of the part files an interrupted run of this session left. */
  resumeParts(): void {
    const { files } = this;
    for (let slot = 0; slot < files.count; slot++) {
      if (files.isFinalized(slot) || files.table.pending(slot) === 0) continue;
      const size = partSize(files.parts.partOf(slot));
      if (size > 0) this.resumePart(slot, size);
    }
    const t = files.table;
    for (let c = 0; c < t.chunks; c++) if (t.isPlaced(c) && t.isDone(c)) files.tally.doneChunks++;
  }

  private resumePart(slot: number, size: number): void {
    const { files } = this;
    const m = files.m;
    const fd = files.parts.fdOf(slot);
    const part = files.parts.partOf(slot);
    let off = 0;
    const touched = new Set<number>();
    for (const c of files.refsOf(slot)) {
      const len = m.chunkRawSize(c);
      if (off + len <= size && !touched.has(off)) {
        touched.add(off);
        const data = readAt(fd, off, len);
        if (data && blake3(data).equals(Buffer.from(m.chunkId(c)))) {
          const p = files.table.positionOf(c, slot, off);
          if (p >= 0 && !files.table.isPositionDone(p)) {
            files.markDone(p, len, false);
            files.tally.resumedBytes += len;
          }
          // Other files that need the same chunk can take it from here.
          this.places.addIfAbsent(m.chunkId(c), 0, part, off, len);
        }
      }
      off += len;
    }
  }

  /** Plans or makes the local copies of every chunk still missing; returns the chunks to pull, in manifest order. */
  async planMissing(): Promise<number[]> {
    const { files } = this;
    const t = files.table;
    const need: number[] = [];
    const machine = new MachineChunks(this.o);
    try {
      for (let c = 0; c < t.chunks; c++) {
        throwIfCancelled(this.o.signal);
        const pause = this.breather.breathe();
        if (pause) await pause;
        if (!t.isPlaced(c) || t.isDone(c)) continue;
        if (!this.copyLocal(c, machine)) need.push(c);
      }
    } finally {
      machine.close();
    }
    return need;
  }

  /** Plans or makes a local copy of chunk c; false when there is none. */
  private copyLocal(c: number, machine: MachineChunks): boolean {
    const { files } = this;
    const t = files.table;
    const id = files.m.chunkId(c);
    const len = files.m.chunkRawSize(c);
    const hit = this.places.get(id);
    if (hit && hit.length === len && this.plan.trusted.has(hit.abs)) {
      // In a destination file just chunked or indexed: copied in the one-pass rebuild, checked by the file hash.
      for (let p = t.start(c); p < t.end(c); p++)
        if (!t.isPositionDone(p)) this.plan.add(p, t.slotOf(p), hit.abs, hit.offset);
    } else {
      const data = machine.read(id, len, hit ? [hit] : []);
      if (!data) return false;
      files.writeChunk(c, data);
    }
    files.tally.localChunks++;
    files.tally.localBytes += len;
    return true;
  }
}

/** The size of a part file that is a regular file, else 0. */
function partSize(part: string): number {
  try {
    const st = fs.lstatSync(part);
    return st.isFile() ? st.size : 0;
  } catch {
    return 0;
  }
}
