/**
 * The e2e tests drive the built UI the daemon serves (out/renderer). Rebuild once per test file when the
 * build is missing or older than any renderer/shared source (a stale UI would test yesterday's code).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
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

export function ensureUiBuilt(): void {
  const index = path.join(UI_DIR, 'index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'src', 'renderer')), newestMtime(path.join(ROOT, 'src', 'shared')),
    newestMtime(path.join(ROOT, 'src', 'engine', 'sched')), fs.statSync(path.join(ROOT, 'electron.vite.config.ts')).mtimeMs,
  );
  if (built >= sources) return;
  // npm puts the pinned Node first on PATH; electron-vite builds main, preload and the renderer.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', timeout: 180_000 });
}
