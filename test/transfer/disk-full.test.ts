import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { listFiles, tmpDir, writeTree } from '../helpers/tmp.ts';
import { peerIdOf, startListener } from './peers.ts';

describe('full disk on the receiver', () => {
  const dir = tmpDir('warp-full-');
  const mnt = path.join(dir, 'tiny');
  fs.mkdirSync(mnt);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', ['-l', mnt]);
  });

  it.skipIf(!mounted)(
    'fetch onto a full disk: a clear error, no file under its final name that is not complete',
    async () => {
      const homeA = path.join(dir, 'A');
      const root = path.join(dir, 'root');
      writeTree(root, { 'data/small.txt': 'fits\n', 'data/z-big.bin': crypto.randomBytes(4 * 1024 * 1024) });
      const l = await startListener(path.join(dir, 'B'), root, ['--allow', peerIdOf(homeA)]);
      const f = warp(['fetch', `${l.addr}:/data`, mnt], { home: homeA });
      expect(f.status).toBe(5);
      expect(f.stderr).toMatch(/E_DISK_FULL.*no space left/);
      expect(f.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
      expect(fs.existsSync(path.join(mnt, 'data', 'z-big.bin'))).toBe(false);
      for (const rel of listFiles(mnt)) {
        const abs = path.join(mnt, rel);
        if (fs.lstatSync(abs).isFile() && !rel.includes('.warp-part-'))
          expect(fs.readFileSync(abs).equals(fs.readFileSync(path.join(root, rel)))).toBe(true);
      }
      await l.stop();
    },
  );

  if (!mounted) console.warn('full-disk transfer test skipped: mounting a small tmpfs needs root');
});
