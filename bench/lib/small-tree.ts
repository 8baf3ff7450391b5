/**
 * The small-files data set of `npm run bench:small` (bench:real's `--small-files=N`): N files of 1-48 KiB
 * (uniform sizes from a fixed seed) in 30 directories of up to ~100 files, half of them text-like (compressible)
 * and half incompressible bytes, so neither the wire compression nor dedup decides the figure. The same seed gives
 * the same tree byte for byte, so runs on different days compare.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ByteStream, Rng } from './archive-prng.ts';

const WORDS = 'the of and to in is for on that with as by this be are from or at it an not which'.split(' ');

/** Writes the tree under `root` (removed first) and returns it; `seed` fixes names, sizes and contents. */
export function makeSmallTree(root: string, count: number, seed = 11): string {
  fs.rmSync(root, { recursive: true, force: true });
  const rng = new Rng(seed);
  const dirs = Math.max(1, Math.ceil(count / 100));
  for (let d = 0; d < dirs; d++) fs.mkdirSync(path.join(root, `d${String(d).padStart(3, '0')}`), { recursive: true });
  for (let i = 0; i < count; i++) {
    const size = rng.int(1024, 48 * 1024);
    const dir = path.join(root, `d${String(i % dirs).padStart(3, '0')}`);
    const text = rng.float() < 0.5;
    fs.writeFileSync(
      path.join(dir, `f${i}.${text ? 'txt' : 'bin'}`),
      text ? textOf(rng, size) : new ByteStream(seed, `f${i}`).next(size),
    );
  }
  return root;
}

function textOf(rng: Rng, size: number): Buffer {
  let s = `file ${rng.u32()}\n`;
  while (s.length < size) s += `${rng.pick(WORDS)} ${rng.pick(WORDS)} ${rng.u32().toString(36)}\n`;
  return Buffer.from(s.slice(0, size));
}
