/**
 * Step 3d of receiving (after the pull): every file with planned local copies (assemble.ts) is written in one
 * pass and checked by its whole-file hash. A file that does not match falls back to chunk-by-chunk: each
 * planned chunk is read from its source and verified by BLAKE3; one that does not verify is taken from the
 * file index's other copies or the chunk store (verified), or else fetched from the first source.
 */
import fs from 'node:fs';
import { blake3 } from '../codec/blake3.ts';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import type { FileIndex } from '../store/file-index.ts';
import { checkChunkReply } from './chunk-reply.ts';
import { assembleFile, pushExtent, type CopyPlan, type Extent } from './assemble.ts';
import { RangeReader } from './local-files.ts';
import type { ChunkSource } from './source.ts';
import type { ReceivedFiles } from './received-files.ts';

/** What assembling needs: the files being received (table, part files, finishing) and where to read. */
export interface AssembleContext {
  files: ReceivedFiles;
  plan: CopyPlan;
  /** Other copies of a planned chunk that turned out wrong, verified before use. */
  index?: FileIndex;
  store?: ChunkStore;
  /** A planned chunk no local copy has any more is fetched from the first source. */
  sources: readonly ChunkSource[];
}

/** Files assembled at once: each alternates reads and writes in libuv's pool with hashing on this thread. */
const CONCURRENT_FILES = 2;

export async function assemblePlanned(x: AssembleContext): Promise<{ fallbackFiles: number }> {
  const { files, plan } = x;
  const { m, table } = files;
  let fallbackFiles = 0;
  // How many files still read each source: a file's old version must stay until none does.
  const order = [...plan.slots];
  const readers = new Int32Array(plan.sources.length);
  const sourcesOf = new Map<number, Set<number>>();
  for (const slot of order) {
    const used = new Set<number>();
    let off = 0;
    for (const c of files.refsOf(slot)) {
      const p = table.positionOf(c, slot, off);
      if (p >= 0 && plan.src[p] >= 0) used.add(plan.src[p]);
      off += m.chunkRawSize(c);
    }
    for (const s of used) readers[s]++;
    sourcesOf.set(slot, used);
  }
  const waiting: number[] = []; // complete, not yet released
  const completed = (slot: number): void => {
    for (const s of sourcesOf.get(slot)!) readers[s]--;
    waiting.push(slot);
    for (let k = waiting.length - 1; k >= 0; k--) {
      const s = plan.sourceIndex(files.finalOf(waiting[k]));
      if (s === undefined || readers[s] === 0) {
        files.release(waiting[k]);
        waiting.splice(k, 1);
      }
    }
  };

  const one = async (slot: number): Promise<void> => {
    const e = m.entry(files.fileEntries[slot]);
    const planned: Array<{ p: number; c: number; off: number; len: number }> = [];
    const extents: Extent[] = [];
    let off = 0;
    let complete = true;
    for (const c of files.refsOf(slot)) {
      const len = m.chunkRawSize(c);
      const p = table.positionOf(c, slot, off);
      if (p >= 0 && plan.src[p] >= 0) {
        planned.push({ p, c, off, len });
        pushExtent(extents, plan.src[p], plan.srcOff[p], off, len);
      } else if (p >= 0 && table.isPositionDone(p)) pushExtent(extents, -1, off, off, len);
      else complete = false;
      off += len;
    }
    files.parts.fdOf(slot); // creates the part file safely (never through a planted link)
    // A descriptor of its own: the receiver's descriptor cache may close cached ones while this one is in use.
    let fd: number;
    try {
      fd = fs.openSync(files.parts.partOf(slot), fs.constants.O_RDWR | (fs.constants.O_NOFOLLOW ?? 0));
    } catch (err) {
      return writeError(files, slot, err);
    }
    let h: Buffer | undefined;
    try {
      h = complete
        ? await assembleFile(fd, e.size, extents, plan.sources, (err) => writeError(files, slot, err))
        : undefined;
    } finally {
      fs.closeSync(fd);
    }
    if (h && h.equals(Buffer.from(e.hash!))) {
      for (const q of planned) {
        plan.src[q.p] = -1;
        files.markDone(q.p, q.len);
      }
      files.setHash(slot, h);
    } else {
      fallbackFiles++;
      await verifyOneByOne(x, slot, planned);
    }
    completed(slot);
  };

  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (next < order.length && failed === undefined) {
      const slot = order[next++];
      try {
        await one(slot);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_FILES, order.length) }, worker));
  if (failed !== undefined) throw failed;
  return { fallbackFiles };
}

async function verifyOneByOne(
  x: AssembleContext,
  slot: number,
  planned: Array<{ p: number; c: number; off: number; len: number }>,
): Promise<void> {
  const { files } = x;
  let fd: number;
  try {
    fd = fs.openSync(files.parts.partOf(slot), fs.constants.O_RDWR | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    return writeError(files, slot, err);
  }
  try {
    await verifyInto(x, slot, planned, fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function verifyInto(
  x: AssembleContext,
  slot: number,
  planned: Array<{ p: number; c: number; off: number; len: number }>,
  fd: number,
): Promise<void> {
  const { files, plan } = x;
  const m = files.m;
  const reader = new RangeReader();
  const write = (q: { p: number; off: number; len: number }, data: Uint8Array): void => {
    try {
      for (let w = 0; w < data.length;) w += fs.writeSync(fd, data, w, data.length - w, q.off + w);
    } catch (e) {
      writeError(files, slot, e);
    }
    files.markDone(q.p, q.len);
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
          if (d && blake3(d).equals(id)) {
            data = d;
            break;
          }
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
  if (!src)
    throw new WarpError(
      ErrorCodes.CHUNK_UNAVAILABLE,
      `${late.length} chunks of ${m.entry(files.fileEntries[slot]).path} changed locally while being copied and there is no source to fetch them from; run the command again`,
    );
  const lane = await src.openLane();
  try {
    for (let i = 0; i < late.length; i += 256) {
      const batch = late.slice(i, i + 256);
      await lane.request(batch.map((q) => m.chunkId(q.c)));
      for (const q of batch) {
        const r = await lane.next();
        const v = checkChunkReply(r, m.chunkId(q.c), q.len);
        if (!v.ok)
          throw new WarpError(
            ErrorCodes.CHUNK_UNAVAILABLE,
            `chunk ${q.c} of ${m.entry(files.fileEntries[slot]).path} could not be fetched again (${v.reason}); run the command again`,
          );
        write(q, v.data);
        files.tally.fetchedChunks++;
        files.tally.fetchedBytes += v.data.length;
        files.tally.wireBytes += v.wireBytes;
      }
    }
  } finally {
    await lane.close().catch(() => {});
  }
}

function writeError(files: ReceivedFiles, slot: number, e: unknown): never {
  throw fromSystemError(e, files.parts.partOf(slot), 'write');
}
