/** The speed a transfer row shows: live rate only while running, network average when done, none when paused. */
import { describe, expect, it } from 'vitest';
import { displayStatus } from '../../src/renderer/store/jobs.ts';
import { transferSpeed } from '../../src/renderer/transfer-speed.ts';

const p = {
  bytes: 10 * 1024 ** 3,
  totalBytes: 10 * 1024 ** 3,
  files: 1,
  totalFiles: 1,
  rate: 3 * 1024 ** 2,
  etaSeconds: 5,
  elapsedSeconds: 2,
};

describe('transfer speed text', () => {
  it('shows the live rate only while running', () => {
    expect(transferSpeed('running', p, 0)).toBe('3.00 MiB/s');
    expect(transferSpeed('paused', p, 0)).toBe('paused');
    expect(transferSpeed('queued', p, 0)).toBe('waiting');
    expect(transferSpeed('failed', p, 0)).toBe('');
  });
  it('averages the bytes that crossed the network, not the ones already here', () => {
    expect(transferSpeed('done', p, 0)).toBe('nothing needed moving');
    expect(transferSpeed('done', p, 4 * 1024 ** 2)).toBe('avg 2.00 MiB/s over the network');
    expect(transferSpeed('done', p, undefined)).toBe('avg 5.00 GiB/s');
  });
  it('a verify that found damage is not shown as done', () => {
    expect(displayStatus({ kind: 'archive.verify', status: 'done', result: { ok: false } })).toBe('damaged');
    expect(displayStatus({ kind: 'archive.verify', status: 'done', result: { ok: true } })).toBe('done');
    expect(displayStatus({ kind: 'archive.extract', status: 'done', result: { ok: false } })).toBe('done');
  });
});
