/**
 * Adaptive wire compression with real processes on 127.0.0.1: a rate-limited listener (a slow link) compresses
 * text, an unlimited loopback listener (a link faster than zstd) sends it raw. transfer.compress = auto for both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { parseLines, sameTree } from '../swarm/swarm-peers.ts';
import { peerIdOf, spawnWarp, startListener } from './peers.ts';

const WORDS = 'the of and to in is for on that with this be are as it at by from or an data file chunk net'.split(' ');

/** Text-like bytes (words, numbers, newlines): zstd-1 shrinks them to well under half. */
function text(seed: number, size: number): Buffer {
  let x = seed >>> 0 || 1;
  const parts: string[] = [];
  let n = 0;
  while (n < size) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const w = (x & 7) === 0 ? `${x % 10000}\n` : `${WORDS[x % WORDS.length]} `;
    parts.push(w);
    n += w.length;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

async function fetchFrom(files: number, size: number, listenArgs: string[]): Promise<{ bytes: number; wire: number }> {
  const dir = tmpDir('warp-wire-');
  const root = path.join(dir, 'root');
  const src = path.join(root, 'data');
  fs.mkdirSync(src, { recursive: true });
  for (let i = 0; i < files; i++) fs.writeFileSync(path.join(src, `f${i}.txt`), text(7 + i, size));
  const home = path.join(dir, 'home');
  const l = await startListener(path.join(dir, 'lhome'), root, ['--allow', peerIdOf(home), ...listenArgs]);
  try {
    const out = path.join(dir, 'out');
    const r = await spawnWarp(home, ['--json', 'fetch', `${l.addr}:/data`, out]).done;
    expect(r.status, r.stderr).toBe(0);
    expect(sameTree(src, path.join(out, 'data'))).toBe(true);
    const res = parseLines(r.stdout).at(-1)!;
    return { bytes: res.bytes as number, wire: res.wireBytes as number };
  } finally {
    await l.stop();
  }
}

describe('adaptive wire compression (transfer.compress = auto)', () => {
  it('compresses text on a rate-limited (slow) link', async () => {
    const r = await fetchFrom(4, 1_500_000, ['--rate-limit', '2MB']);
    expect(r.bytes).toBe(6_000_000);
    expect(r.wire).toBeLessThan(r.bytes * 0.6);
  }, 120_000);

  it('sends raw on an unlimited loopback link (faster than the compressor)', async () => {
    const r = await fetchFrom(8, 3_000_000, []);
    expect(r.bytes).toBe(24_000_000);
    expect(r.wire).toBeGreaterThan(r.bytes * 0.75);
  }, 120_000);
});
