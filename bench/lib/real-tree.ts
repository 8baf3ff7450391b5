/**
 * The real data set of `npm run bench:real`: the Linux 6.1 source tree (Debian package `linux-source-6.1`),
 * found where it is already unpacked or unpacked from the package's tarball into the benchmark cache; and a
 * deterministic "1 % edit" of a private copy of it.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { walkFiles } from './archive-measure.ts';

const TREE = 'linux-source-6.1';
const TARBALL = `/usr/src/${TREE}.tar.xz`;

export interface RealTree {
  root: string;
  files: number;
  bytes: number;
  /** How it was found, for the report. */
  origin: string;
}

export function summarize(root: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const f of walkFiles(root)) {
    files++;
    bytes += fs.lstatSync(f).size;
  }
  return { files, bytes };
}

/** Installs the package with apt where the tarball is missing; returns why it could not, or undefined. */
function installPackage(): string | undefined {
  if (fs.existsSync(TARBALL)) return undefined;
  if (process.getuid?.() !== 0)
    return `${TARBALL} is missing and installing needs root: run \`apt-get install -y ${TREE}\``;
  console.log(`${TARBALL} is missing: apt-get install -y ${TREE} …`);
  const r = spawnSync('apt-get', ['install', '-y', TREE], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0 && fs.existsSync(TARBALL)
    ? undefined
    : `\`apt-get install -y ${TREE}\` failed (status ${r.status}); no Linux tree to measure`;
}

/**
 * `--tree=DIR` if given; else /work/data/linux-source-6.1 or <cache>/linux-source-6.1 where unpacked (a
 * `.complete` marker guards against a half-unpacked cache); else the package's tarball unpacked into <cache>.
 */
export function findRealTree(cacheDir: string, explicit?: string): RealTree {
  if (explicit) {
    if (!fs.statSync(explicit, { throwIfNoEntry: false })?.isDirectory())
      throw new Error(`--tree=${explicit}: no directory there`);
    return { root: path.resolve(explicit), ...summarize(explicit), origin: 'given with --tree' };
  }
  const candidates = [path.join('/work/data', TREE), path.join(cacheDir, TREE)];
  for (const c of candidates) {
    const marker = c.startsWith(cacheDir) ? path.join(cacheDir, `${TREE}.complete`) : undefined;
    if (fs.existsSync(path.join(c, 'Makefile')) && (!marker || fs.existsSync(marker)))
      return { root: c, ...summarize(c), origin: `found at ${c}` };
  }
  const why = installPackage();
  if (why) throw new Error(why);
  console.log(`unpacking ${TARBALL} into ${cacheDir} …`);
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.rmSync(path.join(cacheDir, TREE), { recursive: true, force: true });
  const r = spawnSync('tar', ['-C', cacheDir, '-xJf', TARBALL], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tar -xJf ${TARBALL} failed (status ${r.status})`);
  fs.writeFileSync(path.join(cacheDir, `${TREE}.complete`), '');
  const root = path.join(cacheDir, TREE);
  return { root, ...summarize(root), origin: `unpacked from ${TARBALL}` };
}

/**
 * Overwrites ~`fraction` of the tree's bytes, 16 KiB (or the whole file, if smaller) at a time, in files spread
 * evenly over the sorted file list (a stride, so every part of the tree is touched). Sizes stay; mtimes change.
 * On the Linux tree 1 % is ~800 files, so it is also ~1 % of the files. Returns the bytes overwritten.
 */
export function editTree(root: string, fraction: number, seed: string): { bytes: number; files: number } {
  const files = [...walkFiles(root)].sort();
  const total = files.reduce((n, f) => n + fs.lstatSync(f).size, 0);
  const target = total * fraction;
  const rng = crypto.createHash('sha256').update(seed).digest();
  const start = rng.readUInt32BE(0) % files.length;
  const region = 16 * 1024;
  const stride = Math.max(1, Math.floor(files.length / Math.ceil(target / (region / 2))));
  let edited = 0;
  let count = 0;
  for (let i = 0; edited < target && i < files.length; i++) {
    const f = files[(start + i * stride) % files.length];
    const size = fs.lstatSync(f).size;
    if (size === 0) continue;
    const len = Math.min(region, size);
    const off = size > len ? crypto.randomInt(0, size - len) : 0;
    const fd = fs.openSync(f, 'r+');
    fs.writeSync(fd, crypto.randomBytes(len), 0, len, off);
    fs.closeSync(fd);
    edited += len;
    count++;
  }
  return { bytes: edited, files: count };
}
