/**
 * The share store's ids: the CLI takes them as arguments, so none may begin with '-' (commander would read
 * `warp share extend -Xy… --expires 1h` as an unknown option, exit 2: the cause of a once-flaky CLI test).
 */
import { describe, expect, it } from 'vitest';
import { SHARE_ID } from '../../src/engine/share/format.ts';
import { ShareStore } from '../../src/engine/share/store.ts';
import { warp } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('share ids', () => {
  it('are share ids and never begin with a dash (20 000 drawn; 1 in 64 did before)', () => {
    const store = new ShareStore(tmpDir('warp-share-ids-'));
    const ids = Array.from({ length: 20_000 }, () => store.newId());
    for (const id of ids) {
      expect(id).toMatch(SHARE_ID);
      expect(id[0]).not.toBe('-');
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("a share whose id begins with '-' (made before the fix) is reached after '--'", () => {
    const home = tmpDir('warp-share-dash-');
    const id = '-AAAAAAAAAAAAAAAAAAAAA';
    const store = new ShareStore(home);
    const staging = store.staging(id);
    store.publish(id, staging, {
      id,
      createdAt: Date.now(),
      state: 'active',
      expiresAt: null,
      maxDownloads: null,
      files: 0,
      totalBytes: 0,
      storedBytes: 0,
      chunks: 0,
    });
    expect(warp(['share', 'pause', id], { home }).stderr).toMatch(/unknown option/);
    const r = warp(['--json', 'share', 'pause', '--', id], { home });
    expect(r.status, r.stderr).toBe(0);
    expect(r.json[0]).toMatchObject({ id, status: 'paused' });
  });
});
