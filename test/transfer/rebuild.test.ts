/**
 * The receiver rebuilds a changed file from its old copy in one pass, trusting the file index for where the
 * old chunks lie and checking the result by its whole-file hash. When the old copy changed behind the
 * index's back (same size, mtime and inode), the hash does not match and it falls back to verifying chunk by
 * chunk and fetching what is wrong: the result is still byte-identical.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';
import { peerIdOf, startListener } from './peers.ts';

const SMALL_CHUNKS = { WARP_TRANSFER_CHUNK_AVG: '16KiB' };

const sha = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

describe('one-pass rebuild of changed files', () => {
  it('an old copy changed without its identity changing is caught by the file hash and repaired', async () => {
    const dir = tmpDir('warp-rebuild-');
    const homeA = path.join(dir, 'homeA');
    const homeB = path.join(dir, 'homeB');
    const root = path.join(dir, 'root');
    const src = path.join(dir, 'src', 'data');
    fs.mkdirSync(root, { recursive: true });
    writeTree(src, { 'a.bin': crypto.randomBytes(2_000_000), 'b.bin': crypto.randomBytes(1_500_000) });
    // Whole-second mtimes, which the receiver copies and which can be put back exactly below.
    for (const n of ['a.bin', 'b.bin']) fs.utimesSync(path.join(src, n), 1_700_000_000, 1_700_000_000);
    const idA = peerIdOf(homeA);
    const l = await startListener(homeB, root, ['--allow', idA], SMALL_CHUNKS);
    try {
      const first = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env: SMALL_CHUNKS });
      expect(first.status, first.stderr).toBe(0);
      const dst = path.join(root, 'in', 'data');

      // Sender: a small edit in each file. Receiver: a.bin's old copy is damaged in place, then its mtime is
      // put back, so the receiver's index still vouches for it.
      for (const n of ['a.bin', 'b.bin']) {
        const fd = fs.openSync(path.join(src, n), 'r+');
        fs.writeSync(fd, crypto.randomBytes(4000), 0, 4000, 700_000);
        fs.closeSync(fd);
        fs.utimesSync(path.join(src, n), 1_700_000_100, 1_700_000_100);
      }
      const victim = path.join(dst, 'a.bin');
      const st = fs.statSync(victim);
      const fd = fs.openSync(victim, 'r+');
      fs.writeSync(fd, Buffer.alloc(300_000, 0x41), 0, 300_000, 1_200_000);
      fs.closeSync(fd);
      fs.utimesSync(victim, 1_700_000_000, 1_700_000_000);
      expect(fs.statSync(victim).mtimeMs).toBe(st.mtimeMs);

      const again = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env: SMALL_CHUNKS });
      expect(again.status, again.stderr).toBe(0);
      for (const n of ['a.bin', 'b.bin']) expect(sha(path.join(dst, n))).toBe(sha(path.join(src, n)));
      const r = again.json.at(-1)!;
      // The edits and the damaged range moved; the rest came from the old copies.
      expect(r.fetchedBytes as number).toBeGreaterThan(300_000); // without the damage: two small edits, < 200 kB
      expect(r.fetchedBytes as number).toBeLessThan(1_000_000);
      expect(fs.readdirSync(dst).filter((n) => n.includes('warp-part'))).toEqual([]);
    } finally {
      await l.stop();
    }
  });

  it('a changed file made of one chunk repeated many times (zeros) is rebuilt identically', async () => {
    const dir = tmpDir('warp-rebuild-zeros-');
    const homeA = path.join(dir, 'homeA');
    const homeB = path.join(dir, 'homeB');
    const root = path.join(dir, 'root');
    const src = path.join(dir, 'src', 'data');
    fs.mkdirSync(root, { recursive: true });
    // 6 MB of zeros (~90 identical max-size chunks) with random islands.
    const z = Buffer.alloc(6_000_000);
    for (const at of [100_000, 2_500_000, 5_000_000]) crypto.randomBytes(30_000).copy(z, at);
    writeTree(src, { 'z.bin': z });
    const idA = peerIdOf(homeA);
    const l = await startListener(homeB, root, ['--allow', idA], SMALL_CHUNKS);
    try {
      const first = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env: SMALL_CHUNKS });
      expect(first.status, first.stderr).toBe(0);
      crypto.randomBytes(20_000).copy(z, 3_700_000); // an island in the zeros
      z.fill(0, 2_500_000, 2_530_000); // and one gone
      fs.writeFileSync(path.join(src, 'z.bin'), z);
      const again = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env: SMALL_CHUNKS });
      expect(again.status, again.stderr).toBe(0);
      expect(sha(path.join(root, 'in', 'data', 'z.bin'))).toBe(sha(path.join(src, 'z.bin')));
      expect(again.json.at(-1)!.fetchedBytes as number).toBeLessThan(500_000);
    } finally {
      await l.stop();
    }
  });

  it('unchanged files of repeated chunks, and copies sharing them, are recognised without moving a byte', async () => {
    const dir = tmpDir('warp-unchanged-zeros-');
    const homeA = path.join(dir, 'homeA');
    const homeB = path.join(dir, 'homeB');
    const root = path.join(dir, 'root');
    const src = path.join(dir, 'src', 'data');
    fs.mkdirSync(root, { recursive: true });
    // One chunk repeated hundreds of times in each file, and in several files: the positions of that chunk
    // span every file, and each file's run of them is found by binary search (receive.ts, step 3a).
    const z = Buffer.alloc(8_000_000);
    crypto.randomBytes(10_000).copy(z, 4_000_000);
    writeTree(src, {
      'z1.bin': z,
      'z2.bin': z,
      'sub/z3.bin': Buffer.alloc(3_000_000),
      'r.bin': crypto.randomBytes(200_000),
    });
    const idA = peerIdOf(homeA);
    const l = await startListener(homeB, root, ['--allow', idA], SMALL_CHUNKS);
    try {
      const first = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env: SMALL_CHUNKS });
      expect(first.status, first.stderr).toBe(0);
      const again = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env: SMALL_CHUNKS });
      expect(again.status, again.stderr).toBe(0);
      const r = again.json.at(-1)!;
      expect(r.unchangedFiles).toBe(4);
      expect(r.fetchedBytes).toBe(0);
      for (const n of ['z1.bin', 'z2.bin', 'sub/z3.bin', 'r.bin'])
        expect(sha(path.join(root, 'in', 'data', n))).toBe(sha(path.join(src, n)));
    } finally {
      await l.stop();
    }
  });
});
