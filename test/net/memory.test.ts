/**
 * A paired but hostile peer against a real `warp listen` (issue 13 item 2): half-sent 250 MB frames, control
 * frames piled up during a push that is never served, a push stalled for good, and chunk streams that ask and
 * never read, all at once, while another paired peer fetches. The listener's RSS must stay under 300 MB.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir, writeTree } from '../helpers/tmp.ts';
import { peerIdOf, spawnWarp, startListener } from '../transfer/peers.ts';
import { hostile, sample, until, watch } from './listener-load.ts';
import { LISTENER_BUDGET } from '../../src/engine/net/budget.ts';

describe('a listener against a paired hostile peer', () => {
  it('bounds memory (RSS within its budgets) and cuts the hostile peer off with clear errors; others keep working', async () => {
    const homeA = tmpDir();
    const homeB = tmpDir();
    const homeH = tmpDir();
    const root = tmpDir();
    writeTree(root, { 'data/a.bin': Buffer.alloc(300_000, 9), 'data/b.txt': 'hello\n'.repeat(5000) });
    const idA = peerIdOf(homeA);
    const idH = peerIdOf(homeH);
    // The listener runs as `warp` does through bin/warp.js's shebang (two malloc arenas, an 8 MB semi-space):
    // spawned as plain `node bin/warp.js` its peak measured 283-314 MB here, against 269-281 MB as installed.
    const asInstalled = { MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--max-semi-space-size=8' };
    const l = await startListener(homeB, root, ['--allow', idA, '--allow', idH], {
      ...asInstalled,
      WARP_PUSH_STALL_MS: '3000',
    });
    const pid = l.proc.pid!;
    await new Promise((r) => setTimeout(r, 1000));
    const before = sample(pid);
    const peak = watch(pid, 50);
    const attacks = Promise.all([
      hostile('half-frames', homeH, l.addr, 3, 0),
      hostile('ctl-queue', homeH, l.addr, 400, 30_000),
      hostile('stall-push', homeH, l.addr, 0, 30_000),
      hostile('stream-flood', homeH, l.addr, 20, 0),
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    const out = path.join(tmpDir(), 'o');
    const f = await spawnWarp(homeA, ['fetch', `${l.addr}:/data`, out]).done;
    const [half, queue, stalled, flood] = await attacks;
    const during = peak.stop();
    await until(() => sample(pid).fds <= before.fds + 4, 20_000);
    const after = sample(pid);
    console.log('paired hostile figures', JSON.stringify({ before, during, after, half, queue, stalled, flood }));
    expect(f.status, f.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'data', 'a.bin')).equals(Buffer.alloc(300_000, 9))).toBe(true);
    // Bounded by the listener's budgets, not by the 1.15 GB the attacks send: what it may hold (all peers' reads,
    // both peers' unsent writes) over its own baseline, plus room for the allocator and the GC's slack. Before the
    // budgets the peak was the baseline + 772 MB; with them runs measured + 156-259 MB (259: a CI run at eae3e7f,
    // 201 the same test quiet right after: glibc's arenas and the GC's timing, not the budgets, make the spread).
    // The slack keeps a regression to unbounded (+772 MB) well outside the bound.
    const budgetMB = (LISTENER_BUDGET.readTotal + 2 * LISTENER_BUDGET.writePerPeer) / 1e6;
    expect(during.rssMB).toBeLessThan(before.rssMB + budgetMB + 160);
    // Each attack is cut off, not served: no 250 MB frame is taken half way, the piled-up frames end the stream.
    // (or, once the first frame is refused, the connection closes and the other streams with it)
    expect(JSON.stringify(half)).toMatch(/E_PROTOCOL|closed/);
    // Refused for what it piles up (E_PROTOCOL), or given up as stalled first (E_PEER_UNREACHABLE): never kept.
    expect(String(queue.end)).toMatch(/E_PROTOCOL|E_PEER_UNREACHABLE/);
    expect(String(stalled.end)).toMatch(/E_PEER_UNREACHABLE/);
    expect(l.stderr()).toMatch(/sent no chunk for 3 s/);
    expect(after.fds).toBeLessThanOrEqual(before.fds + 4);
    expect(l.proc.exitCode).toBe(null);
    await l.stop();
  }, 120_000);

  it('a probe of a few bytes cannot make the listener send more than 64 MiB a frame, 256 MiB a minute', async () => {
    const homeB = tmpDir();
    const homeH = tmpDir();
    const l = await startListener(homeB, tmpDir(), ['--allow', peerIdOf(homeH)]);
    const r = await hostile('probe', homeH, l.addr, 6, 0);
    console.log('probe figures', JSON.stringify(r));
    expect(r.blocks).toBe(256);
    expect(String(r.end)).toMatch(/probe limit/);
    expect(String(r.big)).toMatch(/E_PROTOCOL/);
    await l.stop();
  }, 60_000);
});
