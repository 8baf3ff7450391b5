/**
 * The e2e tests drive the built UI the daemon serves (out/renderer). Rebuild once per test file when the
 * build is missing or older than any renderer/shared source (a stale UI would test yesterday's code).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const UI_DIR = path.join(ROOT, 'out', 'renderer');

function newestMtime(dir: string): number {
  let max = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    max = Math.max(max, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return max;
}

function isStale(): boolean {
  const index = path.join(UI_DIR, 'index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'src', 'renderer')),
    newestMtime(path.join(ROOT, 'src', 'shared')),
    newestMtime(path.join(ROOT, 'src', 'engine', 'sched')),
    fs.statSync(path.join(ROOT, 'electron.vite.config.ts')).mtimeMs,
  );
  return built < sources;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Test files run in parallel processes: one builds while the others wait on a lock directory (mkdir is atomic),
 * then they see a fresh build. A lock older than the build timeout is taken as abandoned.
 */
export function ensureUiBuilt(): void {
  if (!isStale()) return;
  // Outside out/: the build empties its output folders.
  const lock = path.join(
    os.tmpdir(),
    `warp-e2e-build-${crypto.createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`,
  );
  const deadline = Date.now() + 200_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`another process holds ${lock}; remove it if no build runs`);
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 180_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      sleep(250);
    }
  }
  try {
    // npm puts the pinned Node first on PATH; electron-vite builds main, preload and the renderer.
    if (isStale()) execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', timeout: 180_000 });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
