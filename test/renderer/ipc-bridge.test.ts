/**
 * The desktop transport's wrapper over the preload's `window.warp`: every call passes through, errors that lost
 * their code crossing contextBridge get it back, web-only calls are absent, pathForFile stays.
 */
import { describe, expect, it } from 'vitest';
import { createIpcBridge } from '../../src/renderer/bridge/ipc.ts';
import type { WarpEventListener } from '../../src/shared/events.ts';
import type { ElectronBridge } from '../../src/shared/ipc.ts';

function fakePreload(calls: string[]): ElectronBridge {
  const ok =
    (name: string, value: unknown = {}) =>
    async (...args: unknown[]) => {
      calls.push(`${name}:${JSON.stringify(args)}`);
      return value;
    };
  const fail = (msg: string) => async () => {
    throw new Error(msg);
  };
  return {
    info: ok('info', { version: '0.1.0' }),
    archive: {
      create: ok('archive.create', { job: 'j1' }),
      extract: fail('[E_WRONG_KEY] the password is wrong'),
      verify: ok('archive.verify'),
      list: ok('archive.list'),
      info: ok('archive.info'),
    },
    jobs: { list: ok('jobs.list', []), get: ok('jobs.get'), cancel: ok('jobs.cancel') },
    transfers: {
      start: ok('transfers.start', { id: 't' }),
      list: ok('transfers.list', []),
      get: ok('transfers.get'),
      cancel: ok('transfers.cancel'),
      pause: ok('transfers.pause'),
      resume: ok('transfers.resume'),
    },
    peers: {
      self: ok('peers.self'),
      list: ok('peers.list', []),
      pairStart: ok('peers.pairStart'),
      pairJoin: fail('boom without a code'),
      remove: ok('peers.remove'),
    },
    swarm: { status: ok('swarm.status') },
    sync: {
      list: ok('sync.list', []),
      add: ok('sync.add'),
      remove: ok('sync.remove'),
      pause: ok('sync.pause'),
      resume: ok('sync.resume'),
    },
    config: { get: ok('config.get'), set: ok('config.set') },
    onEvent: (l: WarpEventListener) => {
      l({ type: 'daemon.heartbeat', t: 1 });
      return () => calls.push('unsubscribed');
    },
    pathForFile: (f: File) => `/abs/${f.name}`,
  } as unknown as ElectronBridge;
}

describe('IPC bridge client', () => {
  it('passes calls through, restores error codes, keeps pathForFile, has no web-only calls', async () => {
    const calls: string[] = [];
    const b = createIpcBridge(fakePreload(calls));
    expect(await b.archive.create({ inputs: ['/a'], output: '/a.warp' })).toEqual({ job: 'j1' });
    expect(calls[0]).toBe('archive.create:[{"inputs":["/a"],"output":"/a.warp"}]');
    await expect(b.archive.extract({ archive: '/a.warp', target: '/t' })).rejects.toMatchObject({
      code: 'E_WRONG_KEY',
      message: 'the password is wrong',
    });
    await expect(b.peers.pairJoin({ code: 'x', address: 'y' })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'boom without a code',
    });
    expect(b.archive.upload).toBeUndefined();
    expect(b.archive.downloadUrl).toBeUndefined();
    expect(b.pathForFile?.({ name: 'x.warp' } as File)).toBe('/abs/x.warp');
    const seen: string[] = [];
    const off = b.onEvent((e) => seen.push(e.type));
    off();
    expect(seen).toEqual(['daemon.heartbeat']);
    expect(calls.at(-1)).toBe('unsubscribed');
  });
});
