/**
 * The CPU work of the pipeline, as batch functions that run inside worker threads (chunk-worker.ts) and
 * inline in tests. A batch is many chunks in one buffer: one message per batch instead of per chunk keeps
 * 100k small files cheap.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { fileTime } from '../core/file-time.ts';
import { NonceDomain, TAG_BYTES, aead, makeNonce } from './aead.ts';
import fs from 'node:fs';
import { Blake3Stream, blake3 } from './blake3.ts';
import { compressChunk, decompressChunk, type LevelName } from './compress.ts';

export interface EncodeTask {
  op: 'encode';
  /** The memory the items point into (the pipeline's slabs). */
  srcs: Array<SharedArrayBuffer | ArrayBuffer>;
  /** Quadruples: index in srcs, offset, length, chunk index. */
  items: Float64Array;
  /**
   * How many consecutive items each stored unit holds, in order (format version 2): a unit's items are
   * compressed as one zstd frame and sealed once, with its first chunk's index as the AEAD nonce counter.
   */
  units: Uint32Array;
  level: LevelName;
  key?: Uint8Array;
}

export interface EncodeResult {
  /** Stored bytes of every unit in order, in out[0, length). */
  out: ArrayBuffer;
  length: number;
  /** Per unit. */
  storedSizes: Uint32Array;
  codecs: Uint8Array;
}

export interface DecodeTask {
  op: 'decode';
  src: ArrayBuffer;
  /** Per stored unit, quintuples: offset in src, stored length, raw size, codec, nonce counter (its first chunk). */
  units: Float64Array;
  /**
   * Every chunk of those units in order (a unit's chunks are consecutive), triples: unit slot, raw size,
   * chunk index. Each is checked against its id: a unit decoded is a unit verified.
   */
  chunks: Float64Array;
  /** Expected BLAKE3 of each chunk, 32 bytes each, in chunk-slot order. */
  ids: Uint8Array;
  key?: Uint8Array;
  /** Chunk slots to hand back, in output order (a slot may repeat); absent: nothing (verify). */
  out?: Uint32Array;
  /** Files wholly inside `out` that the worker finishes itself; their bytes are not returned. */
  files?: WorkerFile[];
}

/**
 * A file the worker finishes: its whole-file hash is checked and, with `write`, it is restored under a
 * temporary name and renamed into place (see extract.ts for the rules).
 */
export interface WorkerFile {
  entry: number;
  /** Its positions in the task's `out`: [first, first + count). */
  first: number;
  count: number;
  /** Expected whole-file BLAKE3. */
  hash: Uint8Array;
  write?: WorkerWrite;
}

/**
 * Where and how the worker writes a file. With `temp`, under that name and renamed over `final` (replacing
 * a file); without, straight under `final`, created exclusively (a new file: the extract's journal covers a
 * kill mid-write, see archive/extract-journal.ts). `umask` lets the worker skip fchmod when the create mode
 * already gives the file its mode.
 */
export interface WorkerWrite {
  final: string;
  temp?: string;
  mode: number;
  mtimeMs: number;
  umask: number;
}

export interface WorkerFileResult {
  entry: number;
  ok: boolean;
  /** Set when not ok: the damaged chunk, a hash mismatch, or a write error (errno code in `errno`). */
  reason?: string;
  errno?: string;
}

export interface BadChunk {
  /** The chunk's slot in the task. */
  item: number;
  chunk: number;
  reason: string;
}

export interface DecodeResult {
  /** Bytes of every `out` position not finished by the worker, concatenated in order (zeros where bad). */
  out: ArrayBuffer;
  bad: BadChunk[];
  files?: WorkerFileResult[];
}

export type ChunkTask = EncodeTask | DecodeTask;

/**
 * Each node:zlib sync call builds a whole stream object; V8 collects them lazily, so thousands of small
 * chunks grew a worker by ~150 MB and ran slower. Workers install a minor-GC hook that runs every 64
 * chunks or 8 MiB (measured on 200k 8 KB chunks: RSS 183 -> 76 MB, 18.8 -> 16.2 us per call).
 */
let collectYoung: (() => void) | undefined;
let chunksSinceCollect = 0;
let bytesSinceCollect = 0;
export function installYoungCollector(fn: () => void): void {
  collectYoung = fn;
}
/** Collects every 64 chunks or 8 MiB of chunk data, whichever comes first (large chunks leave large garbage). */
function afterChunk(bytes: number): void {
  bytesSinceCollect += bytes;
  if (collectYoung && (++chunksSinceCollect >= 64 || bytesSinceCollect >= 8 * 1024 * 1024)) {
    chunksSinceCollect = 0;
    bytesSinceCollect = 0;
    collectYoung();
  }
}

/** Per worker: units of several chunks are gathered here before compression (grown as needed, reused). */
let gather = new Uint8Array(0);

export function encodeBatch(t: EncodeTask): EncodeResult {
  const srcs = t.srcs.map((b) => new Uint8Array(b));
  const view = (k: number): Uint8Array => {
    const off = t.items[k * 4 + 1];
    return srcs[t.items[k * 4]].subarray(off, off + t.items[k * 4 + 2]);
  };
  // Stored bytes never exceed raw bytes plus the tag, so one buffer holds the whole batch: each result is
  // copied in at once and no per-unit output stays alive until the batch ends.
  let bound = 0;
  for (let k = 0; k < t.items.length / 4; k++) bound += t.items[k * 4 + 2];
  const out = new Uint8Array(bound + t.units.length * TAG_BYTES);
  const storedSizes = new Uint32Array(t.units.length);
  const codecs = new Uint8Array(t.units.length);
  let at = 0;
  let k = 0;
  for (let u = 0; u < t.units.length; u++) {
    const n = t.units[u];
    let raw: Uint8Array;
    if (n === 1) raw = view(k);
    else {
      let len = 0;
      for (let j = k; j < k + n; j++) len += t.items[j * 4 + 2];
      if (gather.length < len) gather = new Uint8Array(len);
      let g = 0;
      for (let j = k; j < k + n; j++) {
        const v = view(j);
        gather.set(v, g);
        g += v.length;
      }
      raw = gather.subarray(0, len);
    }
    const c = compressChunk(raw, t.level);
    const stored = t.key ? aead.seal(t.key, makeNonce(NonceDomain.CHUNK, t.items[k * 4 + 3]), c.data) : c.data;
    out.set(stored, at);
    at += stored.length;
    storedSizes[u] = stored.length;
    codecs[u] = c.codec;
    afterChunk(raw.length);
    k += n;
  }
  // Right-sized: the writer may queue many results, and the bound is ~4x the stored size for text.
  return { out: out.buffer.slice(0, at), length: at, storedSizes, codecs };
}

/** Opens, decompresses and checks one unit; its raw bytes, or the reason it is unreadable. */
function decodeUnit(t: DecodeTask, src: Uint8Array, u: number): Uint8Array | string {
  const off = t.units[u * 5];
  const storedLen = t.units[u * 5 + 1];
  const raw = t.units[u * 5 + 2];
  const codec = t.units[u * 5 + 3];
  try {
    let stored: Uint8Array = src.subarray(off, off + storedLen);
    if (t.key) {
      if (storedLen < TAG_BYTES) throw new WarpError(ErrorCodes.CHUNK_CORRUPT, 'too short to be encrypted');
      const opened = aead.open(t.key, makeNonce(NonceDomain.CHUNK, t.units[u * 5 + 4]), stored);
      if (!opened) throw new WarpError(ErrorCodes.CHUNK_CORRUPT, 'authentication failed (damaged or tampered)');
      stored = opened;
    }
    return decompressChunk(codec, stored, raw);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    afterChunk(raw);
  }
}

export function decodeBatch(t: DecodeTask): DecodeResult {
  const src = new Uint8Array(t.src);
  const nChunks = t.chunks.length / 3;
  const bad: BadChunk[] = [];
  // Each chunk's bytes as a view into its decoded unit, or undefined when bad.
  const views: Array<Uint8Array | undefined> = new Array(nChunks);
  let unitBytes: Uint8Array | string = '';
  let unit = -1;
  let rawAt = 0;
  for (let s = 0; s < nChunks; s++) {
    const u = t.chunks[s * 3];
    const raw = t.chunks[s * 3 + 1];
    const chunk = t.chunks[s * 3 + 2];
    if (u !== unit) {
      unit = u;
      unitBytes = decodeUnit(t, src, u);
      rawAt = 0;
    }
    if (typeof unitBytes === 'string') {
      bad.push({ item: s, chunk, reason: unitBytes });
      continue;
    }
    const data = unitBytes.subarray(rawAt, rawAt + raw);
    rawAt += raw;
    if (data.length !== raw || !blake3(data).equals(t.ids.subarray(s * 32, s * 32 + 32)))
      bad.push({ item: s, chunk, reason: 'content hash mismatch' });
    else views[s] = data;
  }
  const order = t.out ?? new Uint32Array(0);
  const inWorker = new Uint8Array(order.length);
  for (const f of t.files ?? []) inWorker.fill(1, f.first, f.first + f.count);
  let total = 0;
  for (let k = 0; k < order.length; k++) if (!inWorker[k]) total += t.chunks[order[k] * 3 + 1];
  const out = new Uint8Array(total);
  let at = 0;
  for (let k = 0; k < order.length; k++) {
    if (inWorker[k]) continue;
    const v = views[order[k]];
    if (v) out.set(v, at);
    at += t.chunks[order[k] * 3 + 1];
  }
  const files = t.files?.map((f) => finishWorkerFile(f, order, views, t.ids, bad));
  return { out: out.buffer, bad, files };
}

function finishWorkerFile(
  f: WorkerFile,
  order: Uint32Array,
  views: Array<Uint8Array | undefined>,
  ids: Uint8Array,
  bad: BadChunk[],
): WorkerFileResult {
  for (let k = f.first; k < f.first + f.count; k++) {
    if (views[order[k]]) continue;
    const b = bad.find((x) => x.item === order[k]);
    return { entry: f.entry, ok: false, reason: `damaged chunk ${b?.chunk}: ${b?.reason}` };
  }
  // One chunk: its id was just checked against the bytes, so the file hash is the id. Several: hash them.
  let actual: Uint8Array;
  if (f.count === 1) actual = ids.subarray(order[f.first] * 32, order[f.first] * 32 + 32);
  else {
    const h = new Blake3Stream();
    for (let k = f.first; k < f.first + f.count; k++) h.update(views[order[k]]!);
    actual = h.digest();
  }
  if (!Buffer.from(actual).equals(Buffer.from(f.hash)))
    return { entry: f.entry, ok: false, reason: 'whole-file hash mismatch' };
  if (!f.write) return { entry: f.entry, ok: true };
  return writeWorkerFile(f, order, views);
}

/** Writes a checked file (see WorkerWrite); on any error removes what it created and reports the errno. */
function writeWorkerFile(f: WorkerFile, order: Uint32Array, views: Array<Uint8Array | undefined>): WorkerFileResult {
  const w = f.write!;
  const name = w.temp ?? w.final;
  const perm = w.mode & 0o7777;
  let fd = -1;
  let created = false;
  try {
    // 'wx' (O_EXCL): never through a link someone placed there, never over a file this extract did not plan to replace.
    fd = fs.openSync(name, 'wx', w.temp ? 0o600 : perm & 0o777);
    created = true;
    for (let k = f.first; k < f.first + f.count; k++) {
      const d = views[order[k]]!;
      let off = 0;
      while (off < d.length) off += fs.writeSync(fd, d, off, d.length - off);
    }
    if (w.temp || perm !== (perm & 0o777 & ~w.umask)) fs.fchmodSync(fd, perm);
    fs.futimesSync(fd, fileTime(w.mtimeMs), fileTime(w.mtimeMs));
    fs.closeSync(fd);
    fd = -1;
    if (w.temp) fs.renameSync(w.temp, w.final);
    return { entry: f.entry, ok: true };
  } catch (e) {
    if (fd >= 0)
      try {
        fs.closeSync(fd);
      } catch {
        /* already failing */
      }
    // Only a name this call created is removed: a failed exclusive open created nothing, and what is there is not ours.
    if (created)
      try {
        fs.rmSync(name, { force: true });
      } catch {
        /* nothing more to do: the extract fails and reports the first error */
      }
    const errno = (e as { code?: string }).code;
    return { entry: f.entry, ok: false, reason: e instanceof Error ? e.message : String(e), errno };
  }
}
