/**
 * `mkdir -p` one level at a time. Node's `mkdirSync(p, { recursive: true })` never returns where mkdir
 * answers ENOENT for a parent that exists (under /proc: `warp archive extract a.warp -C /proc/x` spun at full
 * CPU forever); here each missing level is made once and any error is thrown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { systemCode } from './errors.ts';

export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    let exists = true;
    try {
      fs.statSync(p);
    } catch (e) {
      if (systemCode(e) !== 'ENOENT') throw e;
      exists = false;
    }
    if (exists || path.dirname(p) === p) break;
    missing.push(p);
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      fs.mkdirSync(missing[i]);
    } catch (e) {
      if (systemCode(e) !== 'EEXIST') throw e;
    }
  }
  // As mkdir -p: `dir` itself existing as something else is EEXIST (a file in the way of a parent is ENOTDIR above).
  if (!fs.statSync(dir).isDirectory())
    throw Object.assign(new Error(`${dir} exists and is not a directory`), { code: 'EEXIST' });
}
