/**
 * Finding the Electron binary and deciding whether a build output is stale, for `npm start` (start.ts) and the
 * Electron smoke test. The binary is located the way the electron package's own index.js does (path.txt under
 * node_modules/electron, or ELECTRON_OVERRIDE_DIST_PATH) but without require('electron'), which throws when the
 * binary was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD=1 installs, machines without the download).
 */
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..');

export function electronBinary(root = repoRoot, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const exe =
    process.platform === 'win32'
      ? 'electron.exe'
      : process.platform === 'darwin'
        ? 'Electron.app/Contents/MacOS/Electron'
        : 'electron';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, exe);
    return fs.existsSync(p) ? p : undefined;
  }
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathFile)) return undefined;
  const p = path.join(pkg, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(p) ? p : undefined;
}

export const NO_ELECTRON_REASON =
  'no Electron binary in node_modules/electron (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its download was not reachable)';

/** Newest modification time (ms) of any file under the given files or folders; 0 when none exist. */
export function newestMtime(paths: readonly string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p))
        if (name !== 'node_modules' && !name.startsWith('.')) visit(path.join(p, name));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

/** True when an output is missing or older than the newest input. */
export function isStale(outputs: readonly string[], inputs: readonly string[]): boolean {
  let oldest = Infinity;
  for (const o of outputs) {
    try {
      oldest = Math.min(oldest, fs.statSync(o).mtimeMs);
    } catch {
      return true;
    }
  }
  return newestMtime(inputs) > oldest;
}

/** What `electron-vite build` reads and writes (out/ serves both Electron and the daemon's web UI). */
export function appBuildPaths(root = repoRoot): { inputs: string[]; outputs: string[] } {
  return {
    inputs: [
      'src/main',
      'src/preload',
      'src/renderer',
      'src/shared',
      'src/engine',
      'electron.vite.config.ts',
      'package.json',
    ].map((p) => path.join(root, p)),
    outputs: ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => path.join(root, p)),
  };
}

/** What scripts/build-cli.ts reads and writes (dist/, which bin/warp.js runs). */
export function cliBuildPaths(root = repoRoot): { inputs: string[]; outputs: string[] } {
  return {
    inputs: ['src/cli', 'src/engine', 'src/shared', 'scripts/build-cli.ts'].map((p) => path.join(root, p)),
    outputs: [path.join(root, 'dist', 'cli', 'main.js')],
  };
}
