/**
 * peers.json changed by several processes at once (a daemon learning addresses while `warp pair` adds a peer):
 * every change of every process is kept (a lock file around each read-modify-write); a lock left by a process that
 * is gone is taken over; one held by a live process makes a writer wait, then fail with words, never write blind.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/engine/core/file-lock.ts';
import { TrustStore } from '../../src/engine/net/trust.ts';
import { tmpDir } from '../helpers/tmp.ts';

const WRITER = path.resolve(import.meta.dirname, '../helpers/trust-writer.ts');

function writer(home: string, tag: string, n: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [WRITER, home, tag, String(n)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(err))));
  });
}

describe('peers.json under concurrent writers', () => {
  it('three processes adding, learning and renaming at once lose nothing', async () => {
    const home = tmpDir('warp-trust-lock-');
    const n = 40;
    const added = await Promise.all(['x', 'y', 'z'].map((tag) => writer(home, tag, n)));
    const peers = new TrustStore(home).list();
    expect(peers.length).toBe(3 * n);
    expect(new Set(peers.map((p) => p.id))).toEqual(new Set(added.flat()));
    for (const [k, tag] of ['x', 'y', 'z'].entries()) {
      const first = peers.find((p) => p.id === added[k][0])!;
      expect(first.name).toBe(`${tag}-first`);
      expect(first.addresses).toEqual([`127.0.0.1:${3000 + n - 1}`]);
      expect(peers.find((p) => p.id === added[k][n - 1])!.name).toBe(`${tag}-${n - 1}`);
    }
    expect(fs.readdirSync(home).filter((f) => f.includes('.lock') || f.includes('.tmp-'))).toEqual([]);
  }, 120_000);

  it("a dead process's lock is taken over; a live one's makes the writer fail with words after its wait", () => {
    const home = tmpDir('warp-trust-lock-');
    const file = path.join(home, 'peers.json');
    fs.mkdirSync(home, { recursive: true });
    // A pid that is not running: the lock is a leftover.
    fs.writeFileSync(`${file}.lock`, `2147483646 ${Date.now()}\n`);
    expect(withFileLock(file, () => 'ran', 2000)).toBe('ran');
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    // Held by a live process (this test's parent): waited for, then refused.
    fs.writeFileSync(`${file}.lock`, `${process.ppid} ${Date.now()}\n`);
    let ran = false;
    expect(() =>
      withFileLock(
        file,
        () => {
          ran = true;
        },
        300,
      ),
    ).toThrow(expect.objectContaining({ code: 'E_OUTPUT_UNWRITABLE' }));
    expect(ran).toBe(false);
    fs.rmSync(`${file}.lock`);
  });
});
