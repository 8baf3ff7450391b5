/**
 * Background sync against a real `warp listen` process on 127.0.0.1: real folders, real folder watchers,
 * real pushes through the transfer engine. Each test starts its own listener and stops it (peers.ts kills
 * leftovers after each test).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addJob, readState, setJobPaused, stateFilePath, type SyncEvent } from '../../src/engine/sync/index.ts';
import { manager, prng, pushes, read, setup, sleep, waitFor } from './sync-helpers.ts';
import { warp } from '../helpers/cli.ts';

describe('SyncManager against a real warp listen peer', () => {
  it('pushes a changed file; the peer gets identical bytes and only the changed chunks move', async () => {
    const big = prng(7, 1_500_000);
    const s = await setup({ 'big.bin': big, 'notes/a.txt': 'hello\n' });
    const { m, events } = manager(s);
    const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox' });
    expect(events[0]).toMatchObject({ type: 'sync.job-added', id: job.id });
    await m.start();
    await waitFor('the first push', () => pushes(events).length === 1);
    await m.idle();
    expect(read(path.join(s.peerFolder, 'big.bin'))!.equals(big)).toBe(true);
    expect(read(path.join(s.peerFolder, 'notes/a.txt'))!.toString()).toBe('hello\n');
    expect(pushes(events)[0].fetchedBytes).toBeGreaterThanOrEqual(big.length);

    // Change 64 bytes in the middle of the big file.
    const edited = Buffer.from(big);
    prng(99, 64).copy(edited, 700_000);
    fs.writeFileSync(path.join(s.folder, 'big.bin'), edited);
    await waitFor('the second push', () => pushes(events).length === 2);
    await m.idle();
    expect(read(path.join(s.peerFolder, 'big.bin'))!.equals(edited)).toBe(true);
    const p = pushes(events)[1];
    // Only the chunks around the edit moved (16 KiB average chunks: well under 200 KB of 1.5 MB).
    expect(p.fetchedBytes).toBeGreaterThan(0);
    expect(p.fetchedBytes).toBeLessThan(200_000);
    expect(p.localChunks).toBeGreaterThan(10);
    expect(p.unchangedFiles).toBe(1);
    expect(events.some((e) => e.type === 'sync.change' && e.paths.includes('big.bin'))).toBe(true);
    const st = m.status(job.id);
    expect(st).toMatchObject({
      state: 'idle',
      pending: false,
      pendingChanges: 0,
      syncedFiles: 2,
      syncedBytes: edited.length + 6,
      lastPush: { fetchedBytes: p.fetchedBytes },
    });
    const states = events.filter((e) => e.type === 'sync.state').map((e) => (e as { state: string }).state);
    expect(states).toEqual(expect.arrayContaining(['scanning', 'pushing', 'idle']));
    await s.listener.stop();
  }, 90_000);

  it('debounce: a burst of writes becomes one push', async () => {
    const s = await setup({ 'log.txt': 'start\n' });
    const { m, events } = manager(s, { debounceMs: 50, maxWaitMs: 20_000 });
    m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox', debounceMs: 800 }); // the job's own debounce wins
    await m.start();
    await waitFor('the first push', () => pushes(events).length === 1);
    await m.idle();
    let text = 'start\n';
    for (let i = 0; i < 12; i++) {
      text += `line ${i}\n`;
      fs.writeFileSync(path.join(s.folder, 'log.txt'), text);
      fs.writeFileSync(path.join(s.folder, `burst-${i % 3}.txt`), `burst ${i}\n`);
      await sleep(40);
    }
    await waitFor('the burst push', () => pushes(events).length === 2);
    await m.idle();
    await sleep(1500); // nothing else is pending: no further push may follow
    expect(pushes(events).length).toBe(2);
    expect(read(path.join(s.peerFolder, 'log.txt'))!.toString()).toBe(text);
    expect(read(path.join(s.peerFolder, 'burst-2.txt'))!.toString()).toBe('burst 11\n');
    const changes = events.filter((e) => e.type === 'sync.change');
    expect(changes.length).toBe(1);
    await s.listener.stop();
  }, 90_000);

  it('a file changed on both sides keeps both copies: newer wins, the loser becomes <name>.conflict-<timestamp> on both sides', async () => {
    const s = await setup({ 'doc.txt': 'v0 doc\n', 'other.txt': 'v0 other\n' });
    const { m, events } = manager(s);
    const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox' });
    await m.start();
    await waitFor('the first push', () => pushes(events).length === 1);
    await m.idle();
    m.pause(job.id);
    const now = Date.now() / 1000;
    // doc.txt: the peer's edit is newer. other.txt: the local edit is newer.
    fs.writeFileSync(path.join(s.peerFolder, 'doc.txt'), 'peer doc\n');
    fs.utimesSync(path.join(s.peerFolder, 'doc.txt'), now + 120, now + 120);
    fs.writeFileSync(path.join(s.peerFolder, 'other.txt'), 'peer other\n');
    fs.utimesSync(path.join(s.peerFolder, 'other.txt'), now - 120, now - 120);
    fs.writeFileSync(path.join(s.folder, 'doc.txt'), 'local doc\n');
    fs.writeFileSync(path.join(s.folder, 'other.txt'), 'local other\n');
    await sleep(400);
    m.resume(job.id);
    await waitFor(
      'two conflicts and a push',
      () => events.filter((e) => e.type === 'sync.conflict').length === 2 && pushes(events).length === 2,
    );
    await m.idle();
    const conflicts = events.filter(
      (e): e is Extract<SyncEvent, { type: 'sync.conflict' }> => e.type === 'sync.conflict',
    );
    const doc = conflicts.find((c) => c.path === 'doc.txt')!;
    const other = conflicts.find((c) => c.path === 'other.txt')!;
    expect(doc.winner).toBe('remote');
    expect(other.winner).toBe('local');
    expect(doc.keptAs).toMatch(/^doc\.txt\.conflict-\d{8}T\d{6}Z$/);
    for (const side of [s.folder, s.peerFolder]) {
      expect(read(path.join(side, 'doc.txt'))!.toString(), side).toBe('peer doc\n');
      expect(read(path.join(side, doc.keptAs))!.toString(), side).toBe('local doc\n');
      expect(read(path.join(side, 'other.txt'))!.toString(), side).toBe('local other\n');
      expect(read(path.join(side, other.keptAs))!.toString(), side).toBe('peer other\n');
    }
    // No staging folders or part files left behind.
    expect(fs.readdirSync(s.folder).filter((n) => n.startsWith('.'))).toEqual([]);

    // The resolver: mine and theirs side by side (from the CLI too), keep mine of one, both of the other.
    const pairs = m.conflicts(job.id);
    expect(pairs.map((p) => p.path).sort()).toEqual(['doc.txt', 'other.txt']);
    const docPair = pairs.find((p) => p.path === 'doc.txt')!;
    expect(docPair.mine).toMatchObject({ path: doc.keptAs, size: 'local doc\n'.length });
    expect(docPair.theirs).toMatchObject({ path: 'doc.txt', size: 'peer doc\n'.length });
    const cli = warp(['--json', 'sync', 'conflicts', job.id], { home: s.homeA });
    expect(cli.json.at(-1)).toEqual({ type: 'result', conflicts: 2 });
    const r = m.resolveConflict(job.id, doc.keptAs, 'mine');
    expect(r.versioned).toMatch(/^doc~\d{8}-\d{6}(-\d+)?\.txt$/);
    expect(read(path.join(s.folder, '.warp-versions', r.versioned!))!.toString()).toBe('peer doc\n');
    m.resolveConflict(job.id, 'other.txt', 'both');
    expect(m.conflicts(job.id)).toEqual([]);
    await m.syncNow(job.id);
    for (const side of [s.folder, s.peerFolder]) {
      expect(read(path.join(side, 'doc.txt'))!.toString(), side).toBe('local doc\n');
      expect(fs.existsSync(path.join(side, doc.keptAs)), side).toBe(false);
      expect(read(path.join(side, other.keptAs))!.toString(), side).toBe('peer other\n');
    }
    await s.listener.stop();
  }, 120_000);

  it('outside the schedule window nothing is pushed; inside it the pending change is', async () => {
    const s = await setup({ 'a.txt': 'scheduled\n' });
    let clock = Date.UTC(2026, 10, 23, 12, 0); // Monday 12:00 UTC
    const { m, events } = manager(s, { now: () => clock });
    const job = m.add({
      folder: s.folder,
      peer: s.listener.addr,
      remotePath: '/inbox',
      schedule: [{ start: '00:00', end: '01:00' }],
    });
    await m.start();
    await waitFor('waiting-window', () => m.status(job.id).state === 'waiting-window');
    fs.writeFileSync(path.join(s.folder, 'b.txt'), 'also\n');
    await sleep(1200);
    expect(pushes(events)).toEqual([]);
    expect(fs.existsSync(path.join(s.root, 'inbox'))).toBe(false);
    expect(m.status(job.id)).toMatchObject({ state: 'waiting-window', pending: true });
    clock = Date.UTC(2026, 10, 24, 0, 30); // Tuesday 00:30: inside
    await waitFor('the push inside the window', () => pushes(events).length === 1);
    await m.idle();
    expect(read(path.join(s.peerFolder, 'a.txt'))!.toString()).toBe('scheduled\n');
    expect(read(path.join(s.peerFolder, 'b.txt'))!.toString()).toBe('also\n');
    await s.listener.stop();
  }, 90_000);

  it('pauses on battery (pauseOnBattery) and pushes once back on mains; user pause likewise', async () => {
    const s = await setup({ 'a.txt': 'battery\n' });
    const { m, events } = manager(s);
    m.setPowerState({ onBattery: true });
    const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox', pauseOnBattery: true });
    await m.start();
    expect(m.status(job.id)).toMatchObject({ state: 'paused', reason: 'on battery', pending: true });
    await sleep(1000);
    expect(pushes(events)).toEqual([]);
    expect(fs.existsSync(path.join(s.root, 'inbox'))).toBe(false);
    m.setPowerState({ onBattery: false });
    await waitFor('the push on mains', () => pushes(events).length === 1);
    await m.idle();
    expect(read(path.join(s.peerFolder, 'a.txt'))!.toString()).toBe('battery\n');

    // A metered network does not pause a job that did not ask for it.
    m.setPowerState({ metered: true });
    expect(m.status(job.id).state).toBe('idle');
    // The user's pause holds changes back until resume.
    m.pause(job.id);
    fs.writeFileSync(path.join(s.folder, 'a.txt'), 'changed while paused\n');
    await sleep(1000);
    expect(pushes(events).length).toBe(1);
    expect(m.status(job.id)).toMatchObject({
      state: 'paused',
      reason: 'paused by the user',
      pending: true,
      pendingChanges: 1,
    });
    m.resume(job.id);
    await waitFor('the push after resume', () => pushes(events).length === 2);
    expect(read(path.join(s.peerFolder, 'a.txt'))!.toString()).toBe('changed while paused\n');
    await s.listener.stop();
  }, 90_000);

  it('state survives a restart: changes made while stopped are pushed on start', async () => {
    const s = await setup({ 'keep.txt': 'first\n' });
    const first = manager(s);
    const job = first.m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox', conflict: 'newer-wins' });
    await first.m.start();
    await waitFor('the first push', () => pushes(first.events).length === 1);
    await first.m.idle();
    await first.m.stop();
    const saved = readState(stateFilePath(s.homeA)).jobs[0];
    expect(saved.job.id).toBe(job.id);
    expect(Object.keys(saved.snapshot ?? {})).toEqual(['keep.txt']);

    // While nothing runs: one file changes, one appears.
    fs.writeFileSync(path.join(s.folder, 'keep.txt'), 'second\n');
    fs.writeFileSync(path.join(s.folder, 'new.txt'), 'made while stopped\n');
    const second = manager(s);
    expect(second.m.list().map((j) => j.id)).toEqual([job.id]);
    await second.m.start();
    await waitFor('the catch-up push', () => pushes(second.events).length === 1);
    await second.m.idle();
    expect(read(path.join(s.peerFolder, 'keep.txt'))!.toString()).toBe('second\n');
    expect(read(path.join(s.peerFolder, 'new.txt'))!.toString()).toBe('made while stopped\n');
    expect(second.events.some((e) => e.type === 'sync.conflict')).toBe(false);
    expect(Object.keys(readState(stateFilePath(s.homeA)).jobs[0].snapshot ?? {}).sort()).toEqual([
      'keep.txt',
      'new.txt',
    ]);

    // Removing the job forgets it in the file too.
    expect(await second.m.remove(job.id)).toBe(true);
    expect(readState(stateFilePath(s.homeA)).jobs).toEqual([]);
    await s.listener.stop();
  }, 90_000);

  it('an unreachable peer is an error state with a retry, not a crash', async () => {
    const s = await setup({ 'a.txt': 'x\n' });
    await s.listener.stop();
    const { m, events } = manager(s, { retryMs: 60_000 });
    const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox' });
    await m.start();
    await waitFor('the error', () => events.some((e) => e.type === 'sync.error'), 60_000);
    expect(m.status(job.id)).toMatchObject({ state: 'error', pending: true });
    expect(m.status(job.id).lastError).toMatch(/./);
  }, 90_000);
});

describe('SyncManager and the state file edited by another process', () => {
  it('picks up a job added and a pause set through the file (as `warp sync add|pause` do)', async () => {
    const s = await setup({ 'x.txt': 'external\n' });
    const { m, events } = manager(s);
    await m.start();
    const rec = addJob(
      stateFilePath(s.homeA),
      { folder: s.folder, peer: s.listener.addr, remotePath: '/inbox' },
      Date.now(),
    );
    await waitFor('the job added elsewhere to be pushed', () => pushes(events).length === 1, 30_000);
    expect(events.some((e) => e.type === 'sync.job-added' && e.id === rec.job.id)).toBe(true);
    expect(read(path.join(s.peerFolder, 'x.txt'))!.toString()).toBe('external\n');
    await m.idle();
    setJobPaused(stateFilePath(s.homeA), rec.job.id, true);
    await waitFor('the pause set elsewhere', () => m.status(rec.job.id).state === 'paused', 30_000);
    await s.listener.stop();
  }, 90_000);
});

describe('SyncManager when the folder goes missing', () => {
  it('is an error while the folder is gone, and syncs and watches it again once it is back', async () => {
    const s = await setup({ 'a.txt': 'before\n' });
    const { m, events } = manager(s, { retryMs: 300 });
    const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox' });
    fs.rmSync(s.folder, { recursive: true });
    await m.start();
    await waitFor('the error', () => m.status(job.id).state === 'error');
    expect(m.status(job.id)).toMatchObject({ lastErrorCode: 'E_INPUT_NOT_FOUND' });
    fs.mkdirSync(s.folder);
    fs.writeFileSync(path.join(s.folder, 'a.txt'), 'back\n');
    await waitFor('the push once the folder is back', () => pushes(events).length === 1);
    await m.idle();
    fs.writeFileSync(path.join(s.folder, 'b.txt'), 'watched again\n');
    await waitFor('the change seen by the new watcher', () => pushes(events).length === 2);
    expect(read(path.join(s.peerFolder, 'b.txt'))!.toString()).toBe('watched again\n');
    await s.listener.stop();
  }, 90_000);

  it('ignore rules: the job presets and patterns and the folder .warpignore leave paths out of the push, and the watcher does not wake for them', async () => {
    const s = await setup({
      'keep.txt': 'k\n',
      '.warpignore': '*.tmp\n',
      'scratch.tmp': 't',
      '.git/HEAD': 'ref',
      'out/x.o': 'o',
      'notes/b.txt': 'b\n',
    });
    const { m, events } = manager(s);
    expect(() =>
      m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox', ignore: { patterns: ['[bad'] } }),
    ).toThrow(/never closed/);
    const job = m.add({
      folder: s.folder,
      peer: s.listener.addr,
      remotePath: '/inbox',
      ignore: { presets: ['vcs'], patterns: ['out/'] },
    });
    expect(readState(stateFilePath(s.homeA)).jobs[0].job.ignore).toEqual({ presets: ['vcs'], patterns: ['out/'] });
    await m.start();
    await waitFor('the first push', () => pushes(events).length === 1);
    await m.idle();
    expect(fs.readdirSync(s.peerFolder, { recursive: true }).map(String).sort()).toEqual([
      '.warpignore',
      'keep.txt',
      'notes',
      'notes/b.txt',
    ]);
    // Writes to ignored paths: no change event, no push.
    fs.writeFileSync(path.join(s.folder, 'other.tmp'), 'x');
    fs.writeFileSync(path.join(s.folder, '.git', 'index'), 'x');
    fs.mkdirSync(path.join(s.folder, 'out', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(s.folder, 'out', 'deep', 'y.o'), 'x');
    await sleep(1200);
    expect(events.filter((e) => e.type === 'sync.change')).toEqual([]);
    // Editing .warpignore takes effect for the watcher and the next push: *.tmp is included again.
    fs.writeFileSync(path.join(s.folder, '.warpignore'), '# nothing\n');
    await waitFor('the push after .warpignore changed', () => pushes(events).length === 2);
    await m.idle();
    expect(read(path.join(s.peerFolder, 'scratch.tmp'))!.toString()).toBe('t');
    fs.writeFileSync(path.join(s.folder, 'late.tmp'), 'late');
    await waitFor('the push of a no-longer-ignored file', () => pushes(events).length === 3);
    await m.idle();
    expect(read(path.join(s.peerFolder, 'late.tmp'))!.toString()).toBe('late');
    expect(fs.existsSync(path.join(s.peerFolder, '.git'))).toBe(false);
    expect(m.status(job.id).state).toBe('idle');
    await s.listener.stop();
  }, 90_000);

  it('deletions propagate both ways into .warp-versions; a rename is applied as a rename; delete vs edit keeps the edit', async () => {
    const big = prng(3, 400_000);
    const s = await setup({
      'a.txt': 'a\n',
      'b.txt': 'b\n',
      'sub/c.txt': 'c\n',
      'big.bin': big,
      'edited.txt': 'v1\n',
      'x.txt': 'x\n',
      'y.txt': 'y\n',
    });
    const { m, events } = manager(s);
    const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox' });
    await m.start();
    await waitFor('the first push', () => pushes(events).length === 1);
    await m.idle();
    m.pause(job.id);
    fs.rmSync(path.join(s.folder, 'a.txt')); // deleted here
    fs.rmSync(path.join(s.folder, 'sub'), { recursive: true }); // a folder deleted here
    fs.rmSync(path.join(s.peerFolder, 'b.txt')); // deleted on the peer
    fs.mkdirSync(path.join(s.folder, 'media'));
    fs.renameSync(path.join(s.folder, 'big.bin'), path.join(s.folder, 'media', 'big-renamed.bin')); // renamed here
    fs.rmSync(path.join(s.folder, 'edited.txt')); // deleted here while the peer edits it
    fs.writeFileSync(path.join(s.peerFolder, 'edited.txt'), 'v2 from the peer\n');
    await sleep(300);
    m.resume(job.id);
    await waitFor('the second sync', () => pushes(events).length === 2);
    await m.idle();
    const p = pushes(events)[1];
    expect(p).toMatchObject({ deleted: 2, renamed: 1, deletedHere: 1, pulled: 1 });
    expect(p.fetchedBytes).toBeLessThan(big.length / 4); // the rename moved no file data
    for (const side of [s.folder, s.peerFolder]) {
      const names = fs
        .readdirSync(side, { recursive: true })
        .map(String)
        .filter((n) => !n.startsWith('.warp-versions'))
        .sort();
      expect(names, side).toEqual(['edited.txt', 'media', 'media/big-renamed.bin', 'x.txt', 'y.txt']);
      expect(read(path.join(side, 'edited.txt'))!.toString()).toBe('v2 from the peer\n');
      expect(read(path.join(side, 'media', 'big-renamed.bin'))!.equals(big)).toBe(true);
    }
    const kept = (root: string): string[] =>
      fs
        .readdirSync(path.join(root, '.warp-versions'), { recursive: true })
        .map(String)
        .filter((n) => n.includes('~'))
        .sort();
    expect(kept(s.peerFolder).map((n) => n.replace(/~\d{8}-\d{6}/, ''))).toEqual(['a.txt', 'sub/c.txt']);
    expect(kept(s.folder).map((n) => n.replace(/~\d{8}-\d{6}/, ''))).toEqual(['b.txt']);
    expect(read(path.join(s.peerFolder, '.warp-versions', kept(s.peerFolder)[0]))!.toString()).toBe('a\n');
    await s.listener.stop();
  }, 90_000);

  it('the deletion guard: a mass delete or an emptied folder pauses and asks; nothing is deleted until confirmed', async () => {
    const files = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}.txt`, `file ${i}\n`]));
    const s = await setup(files);
    const { m, events } = manager(s);
    const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox' });
    await m.start();
    await waitFor('the first push', () => pushes(events).length === 1);
    await m.idle();
    for (let i = 0; i < 6; i++) fs.rmSync(path.join(s.folder, `f${i}.txt`));
    await waitFor('the guard', () => events.some((e) => e.type === 'sync.guard'));
    const g = events.find((e): e is Extract<SyncEvent, { type: 'sync.guard' }> => e.type === 'sync.guard')!;
    expect(g.report).toMatchObject({ deletions: 6, deleteThere: 6, files: 10 });
    expect(m.status(job.id)).toMatchObject({
      state: 'paused',
      reason: expect.stringContaining('deletion guard'),
      guard: { deletions: 6 },
    });
    expect(fs.readdirSync(s.peerFolder).length).toBe(10); // nothing deleted on the peer
    expect(readState(stateFilePath(s.homeA)).jobs[0].guard).toMatchObject({ deletions: 6 });
    // A change meanwhile does not get past the guard either.
    fs.writeFileSync(path.join(s.folder, 'f9.txt'), 'edited\n');
    await sleep(800);
    expect(pushes(events).length).toBe(1);
    m.confirmDeletions(job.id);
    await waitFor('the confirmed sync', () => pushes(events).length === 2);
    await m.idle();
    expect(
      fs
        .readdirSync(s.peerFolder)
        .filter((n) => n !== '.warp-versions')
        .sort(),
    ).toEqual(['f6.txt', 'f7.txt', 'f8.txt', 'f9.txt']);
    expect(read(path.join(s.peerFolder, 'f9.txt'))!.toString()).toBe('edited\n');
    expect(m.status(job.id).state).toBe('idle');
    // The folder emptied (an unmounted disk leaves an empty mount point): never synced as "everything deleted".
    for (const n of fs.readdirSync(s.folder))
      if (n !== '.warp-versions') fs.rmSync(path.join(s.folder, n), { recursive: true });
    await waitFor('the guard again', () => events.filter((e) => e.type === 'sync.guard').length === 2);
    expect(m.status(job.id).reason).toMatch(/unmounted disk/);
    expect(fs.readdirSync(s.peerFolder).filter((n) => n !== '.warp-versions').length).toBe(4);
    await s.listener.stop();
  }, 90_000);
});
