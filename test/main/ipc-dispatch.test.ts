/**
 * The IPC path main runs for every renderer call (validate -> facade -> envelope), against the real service
 * facade over a temporary WARP_HOME: only Electron's transport is absent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/engine/config/index.ts';
import { ErrorCodes, WarpError } from '../../src/engine/core/errors.ts';
import { serviceTransferEnv } from '../../src/engine/service/service-env.ts';
import { WarpService } from '../../src/engine/service/warp-service.ts';
import { handleIpc, serviceDispatch, toErrorDto, type IpcDispatch } from '../../src/main/ipc-dispatch.ts';
import { IPC_METHODS } from '../../src/shared/ipc.ts';
import type { JobDto, WarpEvent } from '../../src/shared/events.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

let service: WarpService;
let dispatch: IpcDispatch;
let home: string;

beforeAll(async () => {
  home = tmpDir();
  const config = defaultConfig();
  service = await WarpService.start({
    home,
    config,
    env: await serviceTransferEnv(home, config),
    configPath: path.join(home, 'config.toml'),
  });
  dispatch = serviceDispatch(service);
});
afterAll(async () => {
  await service?.stop();
});

describe('IPC dispatch over the real service facade', () => {
  it('maps every IPC method to the facade', () => {
    expect(Object.keys(dispatch).sort()).toEqual([...IPC_METHODS].sort());
  });

  it('info() reports the Electron host and this installation', async () => {
    const r = await handleIpc(dispatch, 'info', []);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      host: 'electron',
      features: expect.objectContaining({ upload: false }) as object,
      home,
      version: expect.any(String) as string,
      peerId: expect.stringMatching(/^12D3/) as string,
    });
  });

  it('invalid input never reaches the engine: BAD_REQUEST naming the field', async () => {
    const r = await handleIpc(dispatch, 'archive.create', [
      { inputs: ['relative/dir'], output: path.join(home, 'x.warp') },
    ]);
    expect(r).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/inputs\[0\].*absolute/) as string },
    });
    expect(fs.existsSync(path.join(home, 'x.warp'))).toBe(false);
  });

  it('engine errors keep their stable code', async () => {
    const missing = await handleIpc(dispatch, 'archive.create', [
      { inputs: [path.join(home, 'nope')], output: path.join(home, 'x.warp') },
    ]);
    expect(missing).toMatchObject({ ok: false, error: { code: ErrorCodes.INPUT_NOT_FOUND } });
    const unknownJob = await handleIpc(dispatch, 'jobs.get', ['no-such-job']);
    expect(unknownJob.ok).toBe(false);
    if (!unknownJob.ok) expect(unknownJob.error.code).toMatch(/^[A-Z_]+$/);
  });

  it('archive.create runs as a job whose events reach an onEvent subscriber, and the archive verifies', async () => {
    const src = path.join(home, 'src');
    writeTree(src, { 'a.txt': 'hello '.repeat(1000), 'sub/b.bin': Buffer.alloc(200_000, 7) });
    const out = path.join(home, 'out', 'src.warp');
    const events: WarpEvent[] = [];
    const off = service.onEvent((e) => events.push(e));
    const done = (job: string) =>
      new Promise<JobDto>((resolve) => {
        const stop = service.onEvent((e) => {
          if (e.type === 'job.update' && e.job.id === job && ['done', 'failed', 'cancelled'].includes(e.job.status)) {
            stop();
            resolve(e.job);
          }
        });
      });
    const r = await handleIpc(dispatch, 'archive.create', [{ inputs: [src], output: out }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const job = await done(r.value.job);
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    expect(events.some((e) => e.type === 'archive.done' && e.job === r.value.job)).toBe(true);
    const info = await handleIpc(dispatch, 'archive.info', [{ archive: out }]);
    expect(info).toMatchObject({ ok: true, value: { files: 2, bytes: 6000 + 200_000 } });
    const v = await handleIpc(dispatch, 'archive.verify', [{ archive: out }]);
    expect(v.ok).toBe(true);
    if (v.ok) expect((await done(v.value.job)).status).toBe('done');
    off();
  });
});

describe('toErrorDto', () => {
  it('prefers the daemon-level code a WarpError carries, then its own code', () => {
    expect(toErrorDto(new WarpError(ErrorCodes.USAGE, 'sync off', { details: { code: 'SYNC_UNAVAILABLE' } }))).toEqual({
      code: 'SYNC_UNAVAILABLE',
      message: 'sync off',
    });
    expect(toErrorDto(new WarpError(ErrorCodes.INPUT_NOT_FOUND, 'gone'))).toEqual({
      code: ErrorCodes.INPUT_NOT_FOUND,
      message: 'gone',
    });
  });

  it('anything unexpected is INTERNAL with its message', () => {
    expect(toErrorDto(new TypeError('x is undefined'))).toEqual({ code: 'INTERNAL', message: 'x is undefined' });
    expect(toErrorDto('boom')).toEqual({ code: 'INTERNAL', message: 'boom' });
  });
});
