/** Helpers for swarm tests: one tree copied to several real `warp listen` processes on 127.0.0.1. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { peerIdOf, startListener, type Listener } from '../transfer/peers.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** 64 KiB chunks keep the chunk count (and the test's work) small. */
export const SWARM_ENV = { WARP_TRANSFER_CHUNK_AVG: '64KiB' };

export function prng(seed: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

export interface SwarmSetup {
  dir: string;
  home: string;
  fetcherId: string;
  /** The source tree (`<dir>/src/data`). */
  src: string;
  roots: string[];
  homes: string[];
}

/** A tree of `files` incompressible files of `size` bytes, copied (mtimes kept) into `peers` listener roots. */
export function makeSwarm(peers: number, files: number, size: number): SwarmSetup {
  const dir = tmpDir('warp-swarm-');
  const src = path.join(dir, 'src', 'data');
  fs.mkdirSync(src, { recursive: true });
  for (let i = 0; i < files; i++) fs.writeFileSync(path.join(src, `f${i}.bin`), prng(1000 + i, size));
  const t = new Date('2026-01-01T00:00:00Z');
  for (const f of fs.readdirSync(src)) fs.utimesSync(path.join(src, f), t, t);
  const roots: string[] = [];
  const homes: string[] = [];
  for (let p = 0; p < peers; p++) {
    const root = path.join(dir, `root${p}`);
    fs.mkdirSync(root, { recursive: true });
    fs.cpSync(src, path.join(root, 'data'), { recursive: true, preserveTimestamps: true });
    roots.push(root);
    homes.push(path.join(dir, `home${p}`));
  }
  const home = path.join(dir, 'home');
  return { dir, home, fetcherId: peerIdOf(home), src, roots, homes };
}

export async function startPeers(s: SwarmSetup, args: string[][]): Promise<Listener[]> {
  return Promise.all(
    s.roots.map((root, i) => startListener(s.homes[i], root, ['--allow', s.fetcherId, ...(args[i] ?? [])], SWARM_ENV)),
  );
}

export function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function sameTree(a: string, b: string): boolean {
  const fa = fs.readdirSync(a).sort();
  const fb = fs.readdirSync(b).sort();
  return JSON.stringify(fa) === JSON.stringify(fb) && fa.every((f) => sha(path.join(a, f)) === sha(path.join(b, f)));
}

export type Json = Record<string, unknown>;
export const events = (lines: Json[], type: string): Json[] => lines.filter((e) => e.type === type);

export const parseLines = (stdout: string): Json[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Json);

/** Stops every listener still running (a killed one has a signal code, and `stop()` would wait for an exit already seen). */
export async function stopAll(peers: Listener[]): Promise<void> {
  await Promise.all(peers.filter((p) => p.proc.exitCode === null && p.proc.signalCode === null).map((p) => p.stop()));
}
