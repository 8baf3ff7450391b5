/** The SyncManager -> contract adapter main hosts, over a real SyncManager (not started: nothing is pushed). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/engine/config/index.ts';
import { daemonTransferEnv } from '../../src/engine/daemon/env.ts';
import { SyncManager } from '../../src/engine/sync/index.ts';
import type { TransferEnv } from '../../src/engine/transfer/client.ts';
import { syncBackend, syncEventDto, syncStateDto } from '../../src/main/sync-backend.ts';
import { tmpDir } from '../helpers/tmp.ts';

let env: TransferEnv;
let manager: SyncManager;

beforeAll(async () => {
  const home = tmpDir();
  env = await daemonTransferEnv(home, defaultConfig());
  manager = new SyncManager({ env, home });
});
afterAll(async () => { await manager?.stop(); env?.index?.close(); });

describe('sync backend adapter', () => {
  it('adds, lists, pauses, resumes and removes jobs in the contract shape, resolving the peer', async () => {
    const folder = tmpDir();
    const peerAddr = `${env.identity.peerId}@127.0.0.1:9`;
    const resolved: string[] = [];
    const b = syncBackend(manager, (p) => { resolved.push(p); return p === 'laptop' ? peerAddr : p; });
    const job = await b.add({ localPath: folder, peer: 'laptop', remotePath: 'docs', windows: [{ start: '22:00', end: '06:00', days: [1, 2] }], pauseOnBattery: true });
    expect(resolved).toEqual(['laptop']);
    expect(job).toMatchObject({ localPath: folder, peer: peerAddr, remotePath: '/docs', windows: [{ start: '22:00', end: '06:00', days: [1, 2] }], pauseOnBattery: true, pauseOnMetered: false, paused: false, pendingChanges: expect.any(Number) as number, syncedFiles: 0 });
    expect(['idle', 'scanning', 'syncing', 'paused', 'waiting', 'error']).toContain(job.state);
    expect((await b.list()).map((j) => j.id)).toEqual([job.id]);
    const paused = await b.pause(job.id);
    expect(paused).toMatchObject({ id: job.id, paused: true });
    expect(await b.resume(job.id)).toMatchObject({ id: job.id, paused: false });
    expect(await b.remove(job.id)).toBe(true);
    expect(await b.list()).toEqual([]);
  });

  it('maps the engine state names to the contract', () => {
    expect(syncStateDto('pushing')).toBe('syncing');
    expect(syncStateDto('waiting-window')).toBe('waiting');
    expect(syncStateDto('error')).toBe('error');
  });

  it('maps engine events to the contract, dropping those it has no shape for', () => {
    expect(syncEventDto({ type: 'sync.state', id: 'a', state: 'pushing' })).toEqual({ type: 'sync.state', id: 'a', state: 'syncing' });
    expect(syncEventDto({ type: 'sync.state', id: 'a', state: 'paused', reason: 'battery' })).toEqual({ type: 'sync.state', id: 'a', state: 'paused', reason: 'battery' });
    expect(syncEventDto({ type: 'sync.conflict', id: 'a', path: 'x.txt', keptAs: 'x.conflict-1.txt', winner: 'local' })).toEqual({ type: 'sync.conflict', id: 'a', path: 'x.txt', keptAs: 'x.conflict-1.txt' });
    expect(syncEventDto({ type: 'sync.pulled', id: 'a', path: 'y' })).toBeUndefined();
    expect(syncEventDto({ type: 'sync.job-removed', id: 'a' })).toBeUndefined();
  });
});
