/**
 * A sender that dies while it sends its manifest (a real process killing itself with SIGKILL halfway through the
 * push frame, test/helpers/hostile-peer.ts `die-mid-push`): the listener writes nothing, says why with a stable
 * code, and goes on serving. The fetch direction (a listener dying halfway through the manifest it answers) is in
 * hostile-listener.test.ts.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { readTree, tmpDir, writeTree } from '../helpers/tmp.ts';
import { hostile, until } from '../net/listener-load.ts';
import { peerIdOf, startListener } from './peers.ts';

describe('a manifest from a sender that dies halfway', () => {
  it('the listener writes nothing, logs the failure with a stable code and keeps serving', async () => {
    const dir = tmpDir('warp-halfman-');
    const root = path.join(dir, 'root');
    fs.mkdirSync(root);
    const homeA = path.join(dir, 'A');
    const l = await startListener(path.join(dir, 'B'), root, ['--allow', peerIdOf(homeA)]);
    try {
      const r = await hostile('die-mid-push', homeA, l.addr, 3000, 0);
      expect(r.sent as number).toBeLessThan((r.manifestBytes as number) + 200);
      expect(r.manifestBytes as number).toBeGreaterThan(20_000);
      const log = (): string => l.stderr() + l.stdout();
      // QUIC notices the dead peer by its idle timeout: the stream's read fails as a lost connection.
      expect(await until(() => /\[E_PEER_UNREACHABLE\] the connection .* was lost/.test(log()), 90_000), log()).toBe(
        true,
      );
      expect(log()).not.toMatch(/E_INTERNAL|\n\s+at /);
      expect(fs.readdirSync(root)).toEqual([]);
      // The listener goes on: a real send from the same peer completes.
      const src = path.join(dir, 'src', 'data');
      writeTree(src, { 'a.bin': crypto.randomBytes(100_000), 'b.txt': 'b' });
      const ok = warp(['send', src, `${l.addr}:/in`], { home: homeA });
      expect(ok.status, ok.stderr).toBe(0);
      expect(readTree(path.join(root, 'in', 'data'))).toEqual(readTree(src));
    } finally {
      await l.stop();
    }
  }, 240_000);
});
