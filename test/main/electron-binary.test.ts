/** How `npm start` and the smoke test find Electron and decide to rebuild (scripts/electron-binary.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinary, isStale, newestMtime } from '../../scripts/electron-binary.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

const exe =
  process.platform === 'win32'
    ? 'electron.exe'
    : process.platform === 'darwin'
      ? 'Electron.app/Contents/MacOS/Electron'
      : 'electron';

describe('electron binary', () => {
  it('is absent when the package was installed without its download (no path.txt) or the file is missing', () => {
    const root = tmpDir();
    expect(electronBinary(root, {})).toBeUndefined();
    writeTree(root, { 'node_modules/electron/path.txt': exe });
    expect(electronBinary(root, {})).toBeUndefined();
  });

  it('is found through path.txt, or ELECTRON_OVERRIDE_DIST_PATH which wins', () => {
    const root = tmpDir();
    writeTree(root, {
      'node_modules/electron/path.txt': `${exe}\n`,
      [`node_modules/electron/dist/${exe}`]: '#!/bin/sh\n',
    });
    expect(electronBinary(root, {})).toBe(path.join(root, 'node_modules/electron/dist', exe));
    const other = tmpDir();
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: other })).toBeUndefined();
    writeTree(other, { [exe]: '#!/bin/sh\n' });
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: other })).toBe(path.join(other, exe));
  });
});

describe('staleness', () => {
  it('a missing output is stale; an output newer than every input is fresh; a newer input makes it stale', () => {
    const d = tmpDir();
    writeTree(d, { 'src/a.ts': 'a', 'src/deep/b.ts': 'b', 'out/index.js': 'x' });
    const t0 = Date.now() / 1000;
    fs.utimesSync(path.join(d, 'src/a.ts'), t0 - 100, t0 - 100);
    fs.utimesSync(path.join(d, 'src/deep/b.ts'), t0 - 90, t0 - 90);
    fs.utimesSync(path.join(d, 'out/index.js'), t0 - 50, t0 - 50);
    expect(Math.abs(newestMtime([path.join(d, 'src')]) - (t0 - 90) * 1000)).toBeLessThan(2);
    expect(isStale([path.join(d, 'out/index.js')], [path.join(d, 'src')])).toBe(false);
    expect(isStale([path.join(d, 'out/index.js'), path.join(d, 'out/missing.js')], [path.join(d, 'src')])).toBe(true);
    fs.utimesSync(path.join(d, 'src/deep/b.ts'), t0, t0);
    expect(isStale([path.join(d, 'out/index.js')], [path.join(d, 'src')])).toBe(true);
  });
});
