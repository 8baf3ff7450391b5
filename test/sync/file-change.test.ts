import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchFileChanges } from '../../src/engine/sync/file-change.ts';
import { tmpDir } from '../helpers/tmp.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watchFileChanges (the sync state file edited by another process)', () => {
  it('sees a rename-replace made right after the call, once; an untouched file is never reported', async () => {
    const file = path.join(tmpDir('warp-fchange-'), 'sync.json');
    fs.writeFileSync(file, '{"jobs":[]}');
    let calls = 0;
    const stop = watchFileChanges(file, () => calls++, 50);
    // The same size, replaced by rename the way the state file is written, before any poll ran.
    fs.writeFileSync(`${file}.tmp`, '{"jobs":[1]}'.slice(0, 11));
    fs.renameSync(`${file}.tmp`, file);
    const end = Date.now() + 5000;
    while (calls === 0 && Date.now() < end) await sleep(20);
    expect(calls).toBe(1);
    await sleep(300);
    expect(calls).toBe(1);
    stop();
  });

  it('reports a file that appears after the call', async () => {
    const file = path.join(tmpDir('warp-fchange-'), 'sync.json');
    let calls = 0;
    const stop = watchFileChanges(file, () => calls++, 50);
    fs.writeFileSync(file, '{}');
    const end = Date.now() + 5000;
    while (calls === 0 && Date.now() < end) await sleep(20);
    expect(calls).toBe(1);
    stop();
  });
});
