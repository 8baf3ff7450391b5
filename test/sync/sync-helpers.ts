/**
 * Shared set-up of the sync tests against a real `warp listen` process on 127.0.0.1: a local folder, a peer
 * root, the listener trusting this side, a TransferEnv, managers stopped after each test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import { loadIdentity } from '../../src/engine/net/identity.ts';
import { TrustStore } from '../../src/engine/net/trust.ts';
import { ChunkStore } from '../../src/engine/store/chunk-store.ts';
import { FileIndex } from '../../src/engine/store/file-index.ts';
import type { TransferEnv } from '../../src/engine/model/transfer-env.ts';
import { SyncManager, type SyncEvent, type SyncManagerOptions } from '../../src/engine/sync/index.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { peerIdOf, startListener, type Listener } from '../transfer/peers.ts';

/** Deterministic incompressible bytes. */
export function prng(seed: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let s = seed >>> 0;
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

export interface Setup {
  homeA: string;
  /** The listener's home (its sync/incoming.json lists this side's job). */
  homeB: string;
  root: string;
  folder: string;
  /** The folder as the peer holds it: <root>/inbox/photos. */
  peerFolder: string;
  listener: Listener;
  env: TransferEnv;
}

const managers: SyncManager[] = [];
const envs: TransferEnv[] = [];
afterEach(async () => {
  for (const m of managers.splice(0)) await m.stop();
  for (const e of envs.splice(0)) e.index?.close();
});

export async function setup(files: Record<string, string | Buffer> = {}): Promise<Setup> {
  const dir = tmpDir('warp-sync-');
  const homeA = path.join(dir, 'homeA');
  const homeB = path.join(dir, 'homeB');
  const root = path.join(dir, 'root');
  const folder = path.join(dir, 'local', 'photos');
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(folder, { recursive: true });
  for (const [rel, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, rel)), { recursive: true });
    fs.writeFileSync(path.join(folder, rel), data);
  }
  const idA = peerIdOf(homeA);
  const listener = await startListener(homeB, root, ['--allow', idA]);
  const env: TransferEnv = {
    home: homeA,
    identity: await loadIdentity(homeA),
    trust: new TrustStore(homeA),
    index: new FileIndex(path.join(homeA, 'store')),
    store: new ChunkStore(path.join(homeA, 'store', 'chunks')),
    chunking: paramsForAverage(16 * 1024),
    streams: 4,
    window: 64,
    compress: false,
    transport: 'auto',
  };
  envs.push(env);
  return { homeA, homeB, root, folder, peerFolder: path.join(root, 'inbox', 'photos'), listener, env };
}

export function manager(s: Setup, o: Partial<SyncManagerOptions> = {}): { m: SyncManager; events: SyncEvent[] } {
  const m = new SyncManager({ env: s.env, debounceMs: 200, maxWaitMs: 3000, retryMs: 1000, windowCheckMs: 100, ...o });
  managers.push(m);
  const events: SyncEvent[] = [];
  m.events.on((e) => events.push(e));
  return { m, events };
}

export async function waitFor(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const pushes = (events: SyncEvent[]): Array<Extract<SyncEvent, { type: 'sync.push' }>> =>
  events.filter((e): e is Extract<SyncEvent, { type: 'sync.push' }> => e.type === 'sync.push');
export const read = (p: string): Buffer | undefined => (fs.existsSync(p) ? fs.readFileSync(p) : undefined);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
