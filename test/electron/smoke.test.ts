/**
 * Electron smoke test: builds the app (electron-vite) and starts it where an Electron binary exists; where
 * it does not (ELECTRON_SKIP_BINARY_DOWNLOAD installs, machines without the download), it is skipped and
 * says why. The binary is located without require('electron'), which would try to download it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const pkg = path.join(root, 'node_modules', 'electron');

function electronBinary(): string | undefined {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return fs.existsSync(p) ? p : undefined;
  }
  const pathFile = path.join(pkg, 'path.txt');
  if (!fs.existsSync(pathFile)) return undefined;
  const p = path.join(pkg, 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(p) ? p : undefined;
}

const binary = electronBinary();
const skipReason = 'no Electron binary here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its download is not reachable)';
if (!binary) console.warn(`Electron smoke test skipped: ${skipReason}`);

describe('Electron app', () => {
  it.skipIf(!binary)('builds and opens its window', () => {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'pipe' });
    const headless = process.platform === 'linux' && !process.env.DISPLAY;
    const cmd = headless ? 'xvfb-run' : binary!;
    const args = [...(headless ? ['-a', binary!] : []), '--no-sandbox', path.join(root, 'out', 'main', 'index.js')];
    const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, WARP_ELECTRON_SMOKE: '1' } });
    expect(r.stdout, r.stderr).toMatch(/WARP_SMOKE_OK electron=\d+/);
  }, 120_000);
});
