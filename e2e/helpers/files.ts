/** Test data and tree comparison for the e2e tests. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Deterministic incompressible bytes (a SHA-256 chain), fast enough for tens of MiB. */
export function pseudoRandom(n: number, seed: string): Buffer {
  const out = Buffer.alloc(n);
  let block = crypto.createHash('sha512').update(seed).digest();
  for (let o = 0; o < n; o += block.length) {
    block.copy(out, o);
    block = crypto.createHash('sha512').update(block).digest();
  }
  return out;
}

export function writeFiles(root: string, files: Record<string, Buffer | string>): void {
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data);
  }
}

/** Relative path ('/'-separated) → SHA-256 of every regular file under root. */
export function hashTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(root)) return out;
  for (const rel of fs.readdirSync(root, { recursive: true }).map(String)) {
    const abs = path.join(root, rel);
    if (fs.statSync(abs).isFile())
      out[rel.split(path.sep).join('/')] = crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
  }
  return out;
}

/** The folder under `root` whose tree equals `expected` (the receiver may nest the sent folder by name). */
export function findMatchingTree(root: string, expected: Record<string, string>): string | undefined {
  const want = JSON.stringify(Object.entries(expected).sort());
  const visit = (dir: string, depth: number): string | undefined => {
    if (JSON.stringify(Object.entries(hashTree(dir)).sort()) === want) return dir;
    if (depth >= 3) return undefined;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        const hit = visit(path.join(dir, e.name), depth + 1);
        if (hit) return hit;
      }
    }
    return undefined;
  };
  return fs.existsSync(root) ? visit(root, 0) : undefined;
}
