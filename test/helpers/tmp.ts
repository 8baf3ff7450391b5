import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const d of made) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch (e) {
      console.warn(`could not remove ${d}: ${(e as Error).message}`);
    }
  }
});

/** A fresh temporary directory removed after the test file. */
export function tmpDir(prefix = 'warp-test-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

/** Relative path -> content (string/Buffer), `null` for an empty directory, `{ link }` for a symlink. */
export type TreeSpec = Record<string, string | Buffer | null | { link: string }>;

export function writeTree(root: string, spec: TreeSpec): void {
  for (const [rel, v] of Object.entries(spec)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    if (v === null) fs.mkdirSync(abs, { recursive: true });
    else if (typeof v === 'object' && !Buffer.isBuffer(v)) fs.symlinkSync(v.link, abs);
    else fs.writeFileSync(abs, v);
  }
}

/**
 * A time in whole ms, as the manifest keeps it. utimes takes seconds as a double, whose precision at today's
 * dates is ~240 ns: a time restored as 202 ms can stat back as 201.9999 ms, so a microsecond is added before
 * flooring (the CI run that showed it: 'small/d0/f7.txt' 1796669927202 vs 1796669927201).
 */
function wholeMs(ms: number): number {
  return Math.floor(ms + 1e-3);
}

/** Every entry under root: type, content (files), link target (symlinks), mode and mtime (ms). */
export function readTree(
  root: string,
): Record<string, { type: string; data?: string; link?: string; mode: number; mtimeMs: number }> {
  const out: ReturnType<typeof readTree> = {};
  const visit = (abs: string, rel: string): void => {
    const st = fs.lstatSync(abs);
    if (st.isSymbolicLink()) out[rel] = { type: 'symlink', link: fs.readlinkSync(abs), mode: 0, mtimeMs: 0 };
    else if (st.isDirectory()) {
      if (rel) out[rel] = { type: 'dir', mode: st.mode & 0o7777, mtimeMs: wholeMs(st.mtimeMs) };
      for (const n of fs.readdirSync(abs)) visit(path.join(abs, n), rel ? `${rel}/${n}` : n);
    } else
      out[rel] = {
        type: 'file',
        data: fs.readFileSync(abs).toString('base64'),
        mode: st.mode & 0o7777,
        mtimeMs: wholeMs(st.mtimeMs),
      };
  };
  visit(root, '');
  return out;
}

export function listFiles(root: string): string[] {
  return fs.readdirSync(root, { recursive: true }).map(String).sort();
}
