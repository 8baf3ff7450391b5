import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warpBytes } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { peerIdOf, spawnWarp } from '../transfer/peers.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');

function pipe(
  home: string,
  args: string[],
  input: Buffer,
): Promise<{ status: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, WARP_HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    p.on('exit', (status) => resolve({ status, stdout: Buffer.concat(out), stderr: err }));
    p.stdin.end(input);
  });
}

describe('stream encrypt | decrypt', () => {
  it('round-trips any length (0, 1, one chunk exactly, many chunks + a tail); wrong password and truncation fail', async () => {
    const dir = tmpDir('warp-stream-');
    const home = path.join(dir, 'h');
    const pw = path.join(dir, 'pw');
    fs.writeFileSync(pw, 'correct horse\n');
    const bad = path.join(dir, 'bad');
    fs.writeFileSync(bad, 'wrong\n');
    for (const n of [0, 1, 65536, 3 * 65536 + 17]) {
      const data = crypto.randomBytes(n);
      const enc = await pipe(home, ['stream', 'encrypt', '--password-file', pw], data);
      expect(enc.status, enc.stderr).toBe(0);
      expect(enc.stdout.length).toBeGreaterThan(n);
      const dec = await pipe(home, ['stream', 'decrypt', '--password-file', pw], enc.stdout);
      expect(dec.status, dec.stderr).toBe(0);
      expect(dec.stdout.equals(data), `length ${n}`).toBe(true);
      if (n === 3 * 65536 + 17) {
        const wrong = await pipe(home, ['stream', 'decrypt', '--password-file', bad], enc.stdout);
        expect(wrong.status).toBe(4);
        const cut = await pipe(
          home,
          ['stream', 'decrypt', '--password-file', pw],
          enc.stdout.subarray(0, enc.stdout.length - 70000),
        );
        expect(cut.status).toBe(3);
        expect(cut.stderr).toMatch(/truncated/);
        const flipped = Buffer.from(enc.stdout);
        flipped[100_000] ^= 1;
        expect((await pipe(home, ['stream', 'decrypt', '--password-file', pw], flipped)).status).toBe(3);
      }
    }
    // Two encryptions of the same input differ (fresh salt, so fresh key and nonces).
    const a = await pipe(home, ['stream', 'encrypt', '--password-file', pw], Buffer.from('same'));
    const b = await pipe(home, ['stream', 'encrypt', '--password-file', pw], Buffer.from('same'));
    expect(a.stdout.equals(b.stdout)).toBe(false);
  });
});

describe('stream send | recv between real processes', () => {
  it('delivers standard input to standard output in order, byte for byte; an unpaired sender is refused', async () => {
    const dir = tmpDir('warp-stream-');
    const homeA = path.join(dir, 'A');
    const homeB = path.join(dir, 'B');
    const idA = peerIdOf(homeA);
    const recv = spawnWarp(homeB, ['stream', 'recv', '--port', '0', '--host', '127.0.0.1', '--allow', idA]);
    const chunks: Buffer[] = [];
    recv.proc.stdout!.removeAllListeners('data');
    recv.proc.stdout!.on('data', (d: Buffer) => chunks.push(d));
    const info = await new Promise<{ peerId: string; port: number }>((resolve) => {
      let err = '';
      recv.proc.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const line = err.split('\n').find((l) => l.startsWith('{"type":"listening"'));
        if (line) resolve(JSON.parse(line) as { peerId: string; port: number });
      });
    });
    const data = crypto.randomBytes(5 * 1024 * 1024 + 12345);
    const send = await pipe(homeA, ['--json', 'stream', 'send', `${info.peerId}@127.0.0.1:${info.port}`], data);
    expect(send.status, send.stderr).toBe(0);
    const r = await recv.done;
    expect(r.status, r.stderr).toBe(0);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect(JSON.parse(send.stdout.toString().trim().split('\n').at(-1)!).chunks).toBe(Math.ceil(data.length / 65536));

    // A receiver that does not trust the sender refuses it.
    const recv2 = spawnWarp(homeB, ['stream', 'recv', '--port', '0', '--host', '127.0.0.1']);
    const info2 = await new Promise<{ peerId: string; port: number }>((resolve) => {
      let err = '';
      recv2.proc.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const line = err.split('\n').find((l) => l.startsWith('{"type":"listening"'));
        if (line) resolve(JSON.parse(line) as { peerId: string; port: number });
      });
    });
    const refused = await pipe(
      homeA,
      ['stream', 'send', `${info2.peerId}@127.0.0.1:${info2.port}`],
      Buffer.from('nope'),
    );
    expect(refused.status).toBe(9);
    recv2.proc.kill('SIGTERM');
    void warpBytes;
  });
});
