/**
 * Step 3d of receiving (after the pull): every file with planned local copies (assemble.ts) is written in one
 * pass and checked by its whole-file hash. A file that does not match falls back to chunk-by-chunk: each
 * planned chunk is read from its source and verified by BLAKE3; one that does not verify is taken from the
 * file index's other copies or the chunk store (verified), or else fetched from the first source.
 */
import fs from 'node:fs';
import type { Manifest } from '../archive/manifest.ts';
import { blake3 } from '../codec/blake3.ts';
import { decompressChunk } from '../codec/compress.ts';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import type { FileIndex } from '../store/file-index.ts';
import { assembleFile, pushExtent, type CopyPlan, type Extent } from './assemble.ts';
import type { ChunkPositions } from './positions.ts';
import { RangeReader } from './local-files.ts';
import type { ChunkSource } from './source.ts';

export interface AssembleContext {
  m: Manifest;
  fileEntries: readonly number[];
  pos: ChunkPositions;
  plan: CopyPlan;
  fdOf(slot: number): number;
  markDone(p: number, bytes: number): void;
  /** The file's verified whole-file hash (finalize need not read it back). */
  setHash(slot: number, hash: Buffer): void;
  onWriteError(slot: number, e: unknown): never;
  index?: FileIndex;
  store?: ChunkStore;
  sources: readonly ChunkSource[];
  /** The final path of a file slot (a planned copy may read the old version there). */
  finalOf(slot: number): string;
  /**
   * A file is complete and no file after it reads its old version: it may be renamed into place now, while
   * the next ones are assembled.
   */
  release?(slot: number): void;
  /** Called per planned chunk that turned out wrong and had to be fetched. */
  onFetched?(c: number, bytes: number, wireBytes: number, source: string): void;
}

function positionOf(pos: ChunkPositions, c: number, slot: number, off: number): number {
  for (let p = pos.posStart[c]; p < pos.posStart[c + 1]; p++) if (pos.posFile[p] === slot && pos.posOffset[p] === off) return p;
  return -1;
}

export async function assemblePlanned(x: AssembleContext): Promise<{ fallbackFiles: number }> {
  const { m, pos, plan } = x;
  let fallbackFiles = 0;
  // The last file (in assembly order) that reads each source: a file's old version must stay until then.
  const order = [...plan.slots];
  const lastUse = new Int32Array(plan.sources.length).fill(-1);
  order.forEach((slot, i) => {
    let off = 0;
    for (const c of m.refsOf(x.fileEntries[slot])) {
      const p = positionOf(pos, c, slot, off);
      if (p >= 0 && plan.src[p] >= 0) lastUse[plan.src[p]] = i;
      off += m.chunkRawSize(c);
    }
  });
  const done: number[] = [];
  const releaseReady = (i: number): void => {
    // Files done so far whose old version no later file needs.
    for (let k = done.length - 1; k >= 0; k--) {
      const s = plan.sourceIndex(x.finalOf(done[k]));
      if (s === undefined || lastUse[s] <= i) { x.release?.(done[k]); done.splice(k, 1); }
    }
  };
  for (const [i, slot] of order.entries()) {
    const ei = x.fileEntries[slot];
    const e = m.entry(ei);
    const planned: Array<{ p: number; c: number; off: number; len: number }> = [];
    const extents: Extent[] = [];
    let off = 0;
    let complete = true;
    for (const c of m.refsOf(ei)) {
      const len = m.chunkRawSize(c);
      const p = positionOf(pos, c, slot, off);
      if (p >= 0 && plan.src[p] >= 0) {
        planned.push({ p, c, off, len });
        pushExtent(extents, plan.src[p], plan.srcOff[p], off, len);
      } else if (p >= 0 && pos.posDone[p]) pushExtent(extents, -1, off, off, len);
      else complete = false;
      off += len;
    }
    const fd = x.fdOf(slot);
    const h = complete ? assembleFile(fd, e.size, extents, plan.sources, (err) => x.onWriteError(slot, err)) : undefined;
    if (h && h.equals(Buffer.from(e.hash!))) {
      for (const q of planned) { plan.src[q.p] = -1; x.markDone(q.p, q.len); }
      x.setHash(slot, h);
    } else {
      fallbackFiles++;
      await verifyOneByOne(x, slot, planned);
    }
    done.push(slot);
    releaseReady(i);
  }
  return { fallbackFiles };
}

async function verifyOneByOne(x: AssembleContext, slot: number, planned: Array<{ p: number; c: number; off: number; len: number }>): Promise<void> {
  const { m, plan } = x;
  const fd = x.fdOf(slot);
  const reader = new RangeReader();
  const write = (q: { p: number; off: number; len: number }, data: Uint8Array): void => {
    try {
      for (let w = 0; w < data.length;) w += fs.writeSync(fd, data, w, data.length - w, q.off + w);
    } catch (e) {
      x.onWriteError(slot, e);
    }
    x.markDone(q.p, q.len);
  };
  const late: typeof planned = [];
  try {
    for (const q of planned) {
      const s = plan.src[q.p];
      plan.src[q.p] = -1;
      const id = Buffer.from(m.chunkId(q.c));
      let data = reader.read(plan.sources[s], plan.srcOff[q.p], q.len);
      if (!data || !blake3(data).equals(id)) {
        data = undefined;
        for (const l of x.index?.locate(id) ?? []) {
          if (l.length !== q.len) continue;
          const d = reader.read(l.path, l.offset, l.length);
          if (d && blake3(d).equals(id)) { data = d; break; }
        }
        data ??= x.store?.get(id);
      }
      if (data) write(q, data);
      else late.push(q);
    }
  } finally {
    reader.close();
  }
  if (late.length === 0) return;
  const src = x.sources[0];
  if (!src) throw new WarpError(ErrorCodes.CHUNK_UNAVAILABLE, `${late.length} chunks of ${m.entry(x.fileEntries[slot]).path} changed locally while being copied and there is no source to fetch them from; run the command again`);
  const lane = await src.openLane();
  try {
    for (let i = 0; i < late.length; i += 256) {
      const batch = late.slice(i, i + 256);
      await lane.request(batch.map((q) => m.chunkId(q.c)));
      for (const q of batch) {
        const r = await lane.next();
        let data: Uint8Array | undefined;
        try { data = r.ok && r.rawSize === q.len ? decompressChunk(r.codec, r.data, r.rawSize) : undefined; } catch { data = undefined; }
        if (!r.ok || !data || !blake3(data).equals(Buffer.from(m.chunkId(q.c)))) {
          throw new WarpError(ErrorCodes.CHUNK_UNAVAILABLE, `chunk ${q.c} of ${m.entry(x.fileEntries[slot]).path} could not be fetched again; run the command again`);
        }
        write(q, data);
        x.onFetched?.(q.c, data.length, r.ok ? r.data.length : 0, src.name);
      }
    }
  } finally {
    await lane.close().catch(() => {});
  }
}
