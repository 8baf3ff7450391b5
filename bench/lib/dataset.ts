/**
 * Deterministic mixed data set for the archive benchmark: the same seed and size give a byte-identical tree, so
 * Warp and the peer tools (and runs on different days) see exactly the same input.
 *
 * Composition of the mixed set, by share of the target size (see BENCHMARKS.md, "Archive"):
 *   text/        35%  JSON access logs, application logs, CSV metrics (~5x with zstd -1), 1-48 MiB files
 *   random/      25%  incompressible bytes (AES-CTR keystream), 1-48 MiB files
 *   compressed/  10%  gzip -1 (.gz, 1/3) and zstd -3 (.zst, 2/3) output of generated JSON logs, 256 KiB-8 MiB
 *   dup/         10%  exact copies of earlier text/random/compressed files under other names
 *   shifted/     10%  earlier text/random files with bytes inserted near the start and removed near the middle,
 *                     so content-defined chunking dedups all but a few chunks (fixed-size blocks would not)
 *   small/       10%  small files, 1 B-16 KiB (half log-uniform, half uniform; ~5 KiB mean), in two levels of
 *                     16 directories; 70% text, 30% random
 *   empty/            a few empty files and empty directories (edge cases for the archivers, no bytes)
 * The "many small files" mode writes only small/ (N files, log-uniform 1 B-16 KiB, ~1.7 KiB mean) plus empty/:
 * it exercises per-file overhead and peak RSS rather than throughput.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ByteStream, Rng } from './archive-prng.ts';
import { TEXT_STYLES, TextGen } from './archive-text.ts';

/** Bump when the generator's output changes, so cached trees under .bench-data/ are regenerated. */
const GENERATOR_VERSION = 1;
const MiB = 1024 * 1024;
const BLOCK = 4 * MiB;
/** Fixed mtime (2024-06-01) for every file: makes tar output and peers' metadata identical run to run. */
const MTIME = new Date(Date.UTC(2024, 5, 1));

export interface DatasetOptions {
  /** Target total bytes (mixed mode; ignored when smallFiles is set). */
  size: number;
  seed: number;
  /** When set: "many small files" mode with exactly this many small files. */
  smallFiles?: number;
  /** Parent directory for cached trees (e.g. <repo>/.bench-data). */
  cacheDir: string;
}

export interface CategoryStats {
  files: number;
  bytes: number;
}

export interface Dataset {
  /** Directory holding the tree (pass it to the archivers). */
  root: string;
  params: { version: number; mode: 'mixed' | 'small-files'; size: number; seed: number; smallFiles?: number };
  totalBytes: number;
  files: number;
  dirs: number;
  categories: Record<string, CategoryStats>;
  generatedSeconds: number;
  /** True when the tree came from the cache (marker matched) rather than being written now. */
  cached: boolean;
}

interface BigFile {
  rel: string;
  size: number;
  kind: 'text' | 'random' | 'compressed';
}

/** Writes the tree (or reuses a cached one whose marker has identical parameters) and describes it. */
export function ensureDataset(opts: DatasetOptions): Dataset {
  const mode = opts.smallFiles !== undefined ? 'small-files' : 'mixed';
  const params: Dataset['params'] =
    mode === 'mixed'
      ? { version: GENERATOR_VERSION, mode, size: opts.size, seed: opts.seed }
      : { version: GENERATOR_VERSION, mode, size: 0, seed: opts.seed, smallFiles: opts.smallFiles };
  const name = mode === 'mixed' ? `mixed-${opts.size}-s${opts.seed}` : `small-${opts.smallFiles}-s${opts.seed}`;
  const base = path.join(opts.cacheDir, name);
  const root = path.join(base, 'data');
  const marker = path.join(base, 'dataset.json');

  if (fs.existsSync(marker)) {
    try {
      const prev = JSON.parse(fs.readFileSync(marker, 'utf8')) as Dataset;
      if (JSON.stringify(prev.params) === JSON.stringify(params) && fs.existsSync(root))
        return { ...prev, root, cached: true };
    } catch (_) {
      // Unreadable marker: fall through and regenerate.
    }
  }
  // No marker means an interrupted or older generation: start clean rather than trust partial files.
  fs.rmSync(base, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });

  const t0 = performance.now();
  const w = new TreeWriter(root, opts.seed);
  if (mode === 'mixed') writeMixed(w, opts.size, opts.seed);
  else writeSmall(w, new Rng(opts.seed, 6), opts.smallFiles ?? 0, Infinity, 'log');
  writeEmpty(w);

  const ds: Dataset = {
    root,
    params,
    totalBytes: w.totalBytes,
    files: w.files,
    dirs: countDirs(root),
    categories: w.categories,
    generatedSeconds: (performance.now() - t0) / 1000,
    cached: false,
  };
  // The marker is written last: its presence means the tree is complete.
  fs.writeFileSync(marker, JSON.stringify({ ...ds, root: undefined }, null, 2) + '\n');
  return ds;
}

/** Every directory under root, root excluded (the writer only tracks the ones it created directly). */
function countDirs(root: string): number {
  let n = 0;
  const stack = [root];
  while (stack.length) {
    for (const e of fs.readdirSync(stack.pop() as string, { withFileTypes: true })) {
      if (e.isDirectory()) {
        n++;
        stack.push(path.join(e.parentPath, e.name));
      }
    }
  }
  return n;
}

/** File creation plus bookkeeping (per-category stats, created directories, the files later copies draw on). */
class TreeWriter {
  readonly root: string;
  readonly seed: number;
  readonly dirs = new Set<string>();
  readonly categories: Record<string, CategoryStats> = {};
  readonly big: BigFile[] = [];
  totalBytes = 0;
  files = 0;

  constructor(root: string, seed: number) {
    this.root = root;
    this.seed = seed;
  }

  private abs(rel: string): string {
    const p = path.join(this.root, rel);
    const dir = path.dirname(p);
    if (!this.dirs.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    return p;
  }

  private count(category: string, bytes: number): void {
    const c = (this.categories[category] ??= { files: 0, bytes: 0 });
    c.files++;
    c.bytes += bytes;
    this.files++;
    this.totalBytes += bytes;
  }

  /** Streams `produce(n)` blocks into a file until `size` bytes: big files never sit in memory whole. */
  stream(category: string, rel: string, size: number, produce: (n: number) => Buffer): void {
    const fd = fs.openSync(this.abs(rel), 'w');
    try {
      let left = size;
      while (left > 0) {
        const b = produce(Math.min(BLOCK, left));
        const part = b.length > left ? b.subarray(0, left) : b;
        fs.writeSync(fd, part);
        left -= part.length;
      }
      fs.futimesSync(fd, MTIME, MTIME);
    } finally {
      fs.closeSync(fd);
    }
    this.count(category, size);
  }

  write(category: string, rel: string, data: Uint8Array): void {
    const fd = fs.openSync(this.abs(rel), 'w');
    try {
      fs.writeSync(fd, data);
      fs.futimesSync(fd, MTIME, MTIME);
    } finally {
      fs.closeSync(fd);
    }
    this.count(category, data.length);
  }

  copy(category: string, fromRel: string, rel: string, size: number): void {
    const to = this.abs(rel);
    fs.copyFileSync(path.join(this.root, fromRel), to);
    fs.utimesSync(to, MTIME, MTIME);
    this.count(category, size);
  }

  read(rel: string): Buffer {
    return fs.readFileSync(path.join(this.root, rel));
  }

  mkdir(rel: string): void {
    fs.mkdirSync(path.join(this.root, rel), { recursive: true });
    this.dirs.add(path.join(this.root, rel));
  }
}

function writeMixed(w: TreeWriter, size: number, seed: number): void {
  const budget = (share: number): number => Math.floor(size * share);
  // Each category draws from its own Rng stream, so changing one category's logic leaves the others' bytes alone.
  writeText(w, new Rng(seed, 1), budget(0.35));
  writeRandom(w, new Rng(seed, 2), budget(0.25));
  writeCompressed(w, new Rng(seed, 3), budget(0.1));
  writeDuplicates(w, new Rng(seed, 4), budget(0.1));
  writeShifted(w, new Rng(seed, 5), budget(0.1));
  writeSmall(w, new Rng(seed, 6), Infinity, size - w.totalBytes, 'mixed');
}

/** Big-file sizes: log-uniform 1-48 MiB, capped by what is left (a small set still gets several files). */
function bigSize(rng: Rng, left: number, total: number): number {
  const cap = Math.max(64 * 1024, Math.min(48 * MiB, Math.floor(total / 4)));
  const n = rng.logInt(Math.min(MiB, cap), cap);
  return left - n < cap / 8 ? left : Math.min(n, left);
}

function writeText(w: TreeWriter, rng: Rng, budget: number): void {
  const exts = { json: 'jsonl', applog: 'log', csv: 'csv' } as const;
  for (let i = 0, left = budget; left > 0; i++) {
    const n = bigSize(rng, left, budget);
    const style = TEXT_STYLES[i % TEXT_STYLES.length];
    const gen = new TextGen(rng, style);
    const rel = `text/${style}/part-${String(i).padStart(4, '0')}.${exts[style]}`;
    w.stream('text', rel, n, (m) => gen.block(m));
    w.big.push({ rel, size: n, kind: 'text' });
    left -= n;
  }
}

function writeRandom(w: TreeWriter, rng: Rng, budget: number): void {
  for (let i = 0, left = budget; left > 0; i++) {
    const n = bigSize(rng, left, budget);
    const rel = `random/blob-${String(i).padStart(4, '0')}.bin`;
    const bytes = new ByteStream(w.seed, rel);
    w.stream('random', rel, n, (m) => bytes.next(m));
    w.big.push({ rel, size: n, kind: 'random' });
    left -= n;
  }
}

/**
 * Already-compressed files: compressors' output of fresh text (not of text/ files, which would make them dedup
 * against nothing but still be cheaper to generate). The size is whatever the compressor yields from an input
 * sized by the expected ratio; close enough for a 10% share.
 */
function writeCompressed(w: TreeWriter, rng: Rng, budget: number): void {
  for (let i = 0, left = budget; left > 0; i++) {
    const target = Math.min(left, rng.logInt(256 * 1024, 8 * MiB));
    // One in three gzip (zlib is the slow part of generation), the rest zstd; JSON text is the quickest to make.
    const gzip = i % 3 === 0;
    const gen = new TextGen(rng, 'json');
    const input = gen.block(target * (gzip ? 4 : 6));
    const out = gzip
      ? zlib.gzipSync(input, { level: 1 })
      : zlib.zstdCompressSync(input, { params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 } });
    // Kept whole (a valid stream) even if it overshoots; small/ fills whatever the total target leaves.
    const data = out;
    const rel = `compressed/archive-${String(i).padStart(4, '0')}.${gzip ? 'log.gz' : 'log.zst'}`;
    w.write('compressed', rel, data);
    w.big.push({ rel, size: data.length, kind: 'compressed' });
    left -= data.length;
  }
}

/** Exact copies of earlier files: whole-file dedup, the easiest case, which every tool should catch. */
function writeDuplicates(w: TreeWriter, rng: Rng, budget: number): void {
  const sources = [...w.big];
  let left = budget;
  for (let i = 0, misses = 0; left > 0 && misses < 64; i++) {
    const src = rng.pick(sources);
    // Let the last copy overshoot a little rather than never landing near the budget.
    if (src.size > left * 1.5 + 64 * 1024) {
      misses++;
      i--;
      continue;
    }
    const rel = `dup/${String(i).padStart(3, '0')}/copy-of-${path.basename(src.rel)}`;
    w.copy('duplicate', src.rel, rel, src.size);
    left -= src.size;
  }
}

/**
 * Shifted copies: an insertion of 1-512 random bytes somewhere in the first 64 KiB and a deletion of 1-512 bytes
 * around the middle. Every byte after the first edit moves, so fixed-block dedup finds nothing; content-defined
 * chunking loses only the chunks touching the two edits.
 */
function writeShifted(w: TreeWriter, rng: Rng, budget: number): void {
  const sources = w.big.filter((f) => f.kind !== 'compressed');
  let left = budget;
  for (let i = 0, misses = 0; left > 0 && misses < 64; i++) {
    const src = rng.pick(sources);
    if (src.size > left * 1.5 + 64 * 1024) {
      misses++;
      i--;
      continue;
    }
    const data = w.read(src.rel);
    const insAt = rng.int(0, Math.min(64 * 1024, data.length));
    const ins = new ByteStream(w.seed, `shift-${i}`).next(rng.int(1, 512));
    const delAt = Math.max(insAt, Math.floor(data.length / 2) + rng.int(-4096, 4096));
    const delLen = Math.min(rng.int(1, 512), Math.max(0, data.length - delAt));
    const out = Buffer.concat([
      data.subarray(0, insAt),
      ins,
      data.subarray(insAt, delAt),
      data.subarray(delAt + delLen),
    ]);
    const rel = `shifted/${String(i).padStart(3, '0')}/edited-${path.basename(src.rel)}`;
    w.write('shifted', rel, out);
    left -= out.length;
  }
}

/**
 * Small files in `small/dNN/dNN/` until `count` files or `budget` bytes. Sizes: 'mixed' is half log-uniform, half
 * uniform in 1 B-16 KiB (~5 KiB mean); 'log' is log-uniform only (~1.7 KiB mean, many tiny files).
 */
function writeSmall(w: TreeWriter, rng: Rng, count: number, budget: number, dist: 'mixed' | 'log'): void {
  const text = new TextGen(rng, 'applog');
  const bytes = new ByteStream(w.seed, 'small');
  const exts = ['txt', 'md', 'json', 'yaml', 'cfg', 'log'];
  let left = budget;
  for (let i = 0; i < count && left > 0; i++) {
    const n = Math.min(left, dist === 'log' || rng.float() < 0.5 ? rng.logInt(1, 16 * 1024) : rng.int(1, 16 * 1024));
    const isText = rng.float() < 0.7;
    const dir = `small/d${String(rng.int(0, 15)).padStart(2, '0')}/d${String(rng.int(0, 15)).padStart(2, '0')}`;
    const rel = `${dir}/f${String(i).padStart(6, '0')}.${isText ? rng.pick(exts) : 'bin'}`;
    w.write('small', rel, isText ? text.block(n).subarray(0, n) : bytes.next(n));
    left -= n;
  }
}

function writeEmpty(w: TreeWriter): void {
  for (let i = 0; i < 4; i++) w.write('empty', `empty/file-${i}.txt`, new Uint8Array(0));
  for (const d of ['empty/dir-a', 'empty/dir-b/nested', 'small/d00/empty-dir']) w.mkdir(d);
}
