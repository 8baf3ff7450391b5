/**
 * The faults of issue 15, each against a real `warp listen` process on 127.0.0.1 (and, for the kills, a real
 * `warp sync run` process): edits on both sides at once, delete against edit, a rename during a pull, a peer that
 * goes away mid-sync, a folder root that vanishes, a file changed between the manifest and the pull or the push,
 * SIGKILL of either side mid-sync. Each ends by polling for convergence with generous timeouts (the machine is
 * loaded: nothing here depends on how fast a step is, only on where the sides end up), then checks that no
 * content was lost: every version a side ever held is in its folder, its conflict copies or its .warp-versions/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blake3 } from '../../src/engine/codec/blake3.ts';
import { manager, prng, pushes, read, setup, sleep, waitFor, type Setup } from './sync-helpers.ts';
import { peerIdOf, spawnWarp, startListener } from '../transfer/peers.ts';
import { warp } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';

const write = (file: string, data: string | Buffer): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
};
const text = (file: string): string | undefined => read(file)?.toString();
const hashOf = (b: Buffer): string => blake3(b).toString('hex');

/** Relative path -> content hash of a side's files, the versions folder and engine temporaries left out. */
function tree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(root)) return out;
  for (const rel of fs.readdirSync(root, { recursive: true }).map(String)) {
    const n = rel.split(path.sep).join('/');
    if (n.startsWith('.warp-versions') || /\.warp-part-|\.warp-sync-stage-/.test(n)) continue;
    const abs = path.join(root, rel);
    if (fs.lstatSync(abs).isFile()) out.set(n, hashOf(fs.readFileSync(abs)));
  }
  return out;
}

/** Content hashes of everything a side holds: its files, its conflict copies and its versions folder. */
function everything(root: string): Set<string> {
  const out = new Set(tree(root).values());
  const v = path.join(root, '.warp-versions');
  if (fs.existsSync(v))
    for (const rel of fs.readdirSync(v, { recursive: true }).map(String)) {
      const abs = path.join(v, rel);
      if (fs.lstatSync(abs).isFile()) out.add(hashOf(fs.readFileSync(abs)));
    }
  return out;
}

const same = (a: Map<string, string>, b: Map<string, string>): boolean =>
  a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** Both sides hold the same files (the versions folders may differ). */
async function converged(s: { folder: string; peerFolder: string }, ms = 90_000): Promise<Map<string, string>> {
  await waitFor('both sides to hold the same files', () => same(tree(s.folder), tree(s.peerFolder)), ms);
  return tree(s.folder);
}

async function firstSync(
  s: Setup,
): Promise<{ m: ReturnType<typeof manager>['m']; events: ReturnType<typeof manager>['events']; id: string }> {
  const { m, events } = manager(s);
  const job = m.add({ folder: s.folder, peer: s.listener.addr, remotePath: '/inbox' });
  await m.start();
  await waitFor('the first push', () => pushes(events).length >= 1);
  await m.idle();
  return { m, events, id: job.id };
}

describe('sync faults against a real warp listen peer', () => {
  it('both sides edit the same file at once: a conflict, both versions kept on both sides, nothing lost', async () => {
    const s = await setup({ 'shared.txt': 'v0\n', 'calm.txt': 'calm\n' });
    const { m, events } = await firstSync(s);
    // No pause: the two edits land together while the job watches; the debounce fires after both.
    write(path.join(s.folder, 'shared.txt'), 'edited here\n');
    write(path.join(s.peerFolder, 'shared.txt'), 'edited on the peer\n');
    await waitFor('the conflict', () => events.some((e) => e.type === 'sync.conflict'), 60_000);
    await m.idle();
    const files = await converged(s);
    const contents = [...files.values()];
    expect(contents).toContain(hashOf(Buffer.from('edited here\n')));
    expect(contents).toContain(hashOf(Buffer.from('edited on the peer\n')));
    expect([...files.keys()].filter((k) => k.startsWith('shared.txt.conflict-')).length).toBe(1);
    await s.listener.stop();
  }, 150_000);

  it('the peer deletes a file this side edits: the edit wins on both sides; replaced files on either side are in .warp-versions', async () => {
    const s = await setup({ 'doc.txt': 'v1\n', 'pulled.txt': 'old here\n', 'pushed.txt': 'old there\n' });
    const { m, id } = await firstSync(s);
    m.pause(id);
    fs.rmSync(path.join(s.peerFolder, 'doc.txt')); // deleted there
    write(path.join(s.folder, 'doc.txt'), 'v2, edited here\n'); // edited here
    write(path.join(s.peerFolder, 'pulled.txt'), 'new from the peer\n'); // a pull replaces the local file
    write(path.join(s.folder, 'pushed.txt'), 'new from here\n'); // a push replaces the peer's file
    await sleep(300);
    m.resume(id);
    await m.syncNow(id);
    const files = await converged(s);
    expect(files.get('doc.txt')).toBe(hashOf(Buffer.from('v2, edited here\n')));
    expect(text(path.join(s.folder, 'pulled.txt'))).toBe('new from the peer\n');
    expect(text(path.join(s.peerFolder, 'pushed.txt'))).toBe('new from here\n');
    // Whatever a sync replaced is kept where it was replaced.
    expect(everything(s.folder).has(hashOf(Buffer.from('old here\n')))).toBe(true);
    expect(everything(s.peerFolder).has(hashOf(Buffer.from('old there\n')))).toBe(true);
    await s.listener.stop();
  }, 150_000);

  it('a file the peer changes between the manifest and the push is kept there as a conflict copy, never overwritten; both sides end with both', async () => {
    const s = await setup({ 'report.txt': 'v0\n' });
    const { m, events, id } = await firstSync(s);
    m.pause(id);
    write(path.join(s.folder, 'report.txt'), 'v1 from here\n');
    // The peer's edit lands after the sync fetched its manifest (it saw v0 there) and before the push.
    let edited = false;
    m.events.on((e) => {
      if (e.type === 'sync.state' && e.state === 'pushing' && !edited) {
        edited = true;
        write(path.join(s.peerFolder, 'report.txt'), 'v1 from the peer, made during the sync\n');
      }
    });
    m.resume(id);
    await m.syncNow(id);
    expect(edited).toBe(true);
    const c = events.find((e) => e.type === 'sync.conflict') as Extract<
      (typeof events)[number],
      { type: 'sync.conflict' }
    >;
    expect(c).toMatchObject({ path: 'report.txt', keptAs: expect.stringMatching(/^report\.txt\.conflict-/) });
    expect(text(path.join(s.peerFolder, c.keptAs))).toBe('v1 from the peer, made during the sync\n');
    expect(text(path.join(s.peerFolder, 'report.txt'))).toBe('v1 from here\n');
    await m.syncNow(id); // the next sync brings the peer's copy here
    const files = await converged(s);
    expect(files.get(c.keptAs)).toBe(hashOf(Buffer.from('v1 from the peer, made during the sync\n')));
    expect(m.conflicts(id).map((p) => p.path)).toContain('report.txt');
    await s.listener.stop();
  }, 150_000);

  it('a local file changed between the scan and its pull is not replaced; the next sync makes it a conflict with both kept', async () => {
    const s = await setup({ 'a.txt': 'a0\n', 'b.txt': 'b0\n' });
    const { m, events, id } = await firstSync(s);
    m.pause(id);
    write(path.join(s.peerFolder, 'a.txt'), 'a1 from the peer\n');
    write(path.join(s.peerFolder, 'b.txt'), 'b1 from the peer\n');
    // The first pull done, the user edits the file that is pulled next (pulls go in path order).
    let edited = false;
    m.events.on((e) => {
      if (e.type === 'sync.pulled' && !edited) {
        edited = true;
        write(path.join(s.folder, e.path === 'a.txt' ? 'b.txt' : 'a.txt'), 'edited here during the pull\n');
      }
    });
    m.resume(id);
    await m.syncNow(id);
    expect(edited).toBe(true);
    expect(text(path.join(s.folder, 'b.txt'))).toBe('edited here during the pull\n');
    await m.syncNow(id);
    const files = await converged(s);
    const all = new Set(files.values());
    for (const t of ['a1 from the peer\n', 'b1 from the peer\n', 'edited here during the pull\n'])
      expect(all.has(hashOf(Buffer.from(t))), t).toBe(true);
    expect(events.some((e) => e.type === 'sync.conflict' && e.path === 'b.txt')).toBe(true);
    await s.listener.stop();
  }, 150_000);

  it('a rename on the peer during a pull: the sync converges on the renamed file, nothing lost', async () => {
    const big = prng(11, 24_000_000);
    const s = await setup({ 'big.bin': prng(12, 1000), 'small.txt': 's\n' });
    const { m, id } = await firstSync(s);
    m.pause(id);
    write(path.join(s.peerFolder, 'big.bin'), big);
    m.resume(id);
    const sync = m.syncNow(id); // the peer's edit is not watched from here: ask for the sync
    // As soon as the pull's staging folder appears here, the peer renames the file being pulled.
    await waitFor(
      'the pull to start',
      () =>
        fs.readdirSync(s.folder).some((n) => n.startsWith('.warp-sync-stage-')) ||
        read(path.join(s.folder, 'big.bin'))?.length === big.length,
      60_000,
    );
    fs.mkdirSync(path.join(s.peerFolder, 'moved'));
    fs.renameSync(path.join(s.peerFolder, 'big.bin'), path.join(s.peerFolder, 'moved', 'big.bin'));
    await sync; // the pull finished before the rename, or failed on it (the job is in error then, retried)
    await m.syncNow(id); // either way, the next sync sees the rename on the peer
    await waitFor(
      'the rename to reach this side',
      () => read(path.join(s.folder, 'moved', 'big.bin'))?.equals(big) === true,
      120_000,
    );
    await m.idle();
    const files = await converged(s);
    expect([...files.keys()].sort()).toEqual(['moved/big.bin', 'small.txt']);
    expect(m.status(id).state).toBe('idle');
    await s.listener.stop();
  }, 180_000);

  it('the peer goes away mid-push (SIGKILL) and comes back on its port: the job retries and converges; replaced files are in its .warp-versions', async () => {
    const s = await setup(
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.bin`, prng(i + 1, 300_000)])),
    );
    const { m, events, id } = await firstSync(s);
    const old = new Set(tree(s.peerFolder).values());
    m.pause(id);
    for (let i = 0; i < 30; i++) write(path.join(s.folder, `f${i}.bin`), prng(1000 + i, 300_000));
    let killed = false;
    m.events.on((e) => {
      if (e.type === 'sync.state' && e.state === 'pushing' && !killed) {
        killed = true;
        s.listener.proc.kill('SIGKILL'); // the manifest was fetched; the push dials a peer that is gone
      }
    });
    m.resume(id);
    await waitFor('the push to fail', () => killed && m.status(id).state === 'error', 60_000);
    const back = await startListener(s.homeB, s.root, [
      '--allow',
      peerIdOf(s.homeA),
      '--port',
      String(s.listener.port),
    ]);
    await waitFor('the retry to converge', () => same(tree(s.folder), tree(s.peerFolder)), 120_000);
    await m.idle();
    expect(m.status(id).state).toBe('idle');
    expect(events.some((e) => e.type === 'sync.error')).toBe(true);
    const kept = everything(s.peerFolder);
    for (const h of old) expect(kept.has(h)).toBe(true); // every replaced version is in the peer's .warp-versions
    await back.stop();
  }, 240_000);

  it('the folder root vanishes after a sync: an error, never "everything deleted"; the peer keeps every file; back, it syncs on', async () => {
    const s = await setup({ 'a.txt': 'a\n', 'sub/b.txt': 'b\n', 'c.txt': 'c\n' });
    const { m, id } = await firstSync(s);
    const aside = `${s.folder}-unmounted`;
    fs.renameSync(s.folder, aside); // an unmounted disk: the root is gone
    await m.syncNow(id);
    expect(m.status(id)).toMatchObject({ state: 'error', lastErrorCode: 'E_INPUT_NOT_FOUND' });
    expect([...tree(s.peerFolder).keys()].sort()).toEqual(['a.txt', 'c.txt', 'sub/b.txt']);
    expect(fs.existsSync(path.join(s.peerFolder, '.warp-versions'))).toBe(false);
    fs.renameSync(aside, s.folder);
    write(path.join(s.folder, 'c.txt'), 'c, edited after the remount\n');
    await waitFor(
      'the sync after the remount',
      () => text(path.join(s.peerFolder, 'c.txt')) === 'c, edited after the remount\n',
      60_000,
    );
    await m.idle();
    expect([...(await converged(s)).keys()].sort()).toEqual(['a.txt', 'c.txt', 'sub/b.txt']);
    await s.listener.stop();
  }, 150_000);
});

describe('SIGKILL of either process mid-sync, then a restart', () => {
  it('converges, nothing is lost, and the versions folders hold every replaced or deleted file', async () => {
    const dir = tmpDir('warp-sync-kill2-');
    const homeA = path.join(dir, 'homeA');
    const homeB = path.join(dir, 'homeB');
    const root = path.join(dir, 'root');
    const folder = path.join(dir, 'data');
    const peer = path.join(root, 'data');
    fs.mkdirSync(root);
    for (let i = 0; i < 40; i++) write(path.join(folder, `f${i}.bin`), prng(i + 1, 400_000));
    const before = new Map([...tree(folder)]);
    let l = await startListener(homeB, root, ['--allow', peerIdOf(homeA)]);
    const port = l.port;
    expect(warp(['sync', 'add', folder, `${l.addr}:/`], { home: homeA }).status).toBe(0);
    expect(warp(['sync', 'run', '--once'], { home: homeA }).status).toBe(0);
    expect(same(tree(folder), tree(peer))).toBe(true);

    // Edit 20 files and delete 2, then kill the sync side mid-push.
    for (let i = 0; i < 20; i++) write(path.join(folder, `f${i}.bin`), prng(500 + i, 400_000));
    fs.rmSync(path.join(folder, 'f38.bin'));
    fs.rmSync(path.join(folder, 'f39.bin'));
    const run = (): { out: () => string; proc: ReturnType<typeof spawnWarp> } => {
      const r = spawnWarp(homeA, ['--json', 'sync', 'run'], { WARP_TRANSFER_CHUNK_AVG: '64KiB' });
      let out = '';
      r.proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
      });
      return { out: () => out, proc: r };
    };
    const first = run();
    await waitFor('a push to start', () => first.out().includes('"sync.push-started"'), 60_000);
    first.proc.proc.kill('SIGKILL');
    await first.proc.done;

    // Then the listener dies mid-push of the restarted sync side.
    const second = run();
    await waitFor('the next push to start', () => second.out().split('"sync.push-started"').length > 1, 60_000);
    l.proc.kill('SIGKILL');
    await new Promise((r) => l.proc.once('exit', r)).catch(() => {});
    l = await startListener(homeB, root, ['--allow', peerIdOf(homeA), '--port', String(port)]);
    await waitFor('convergence after both kills', () => same(tree(folder), tree(peer)), 180_000);
    second.proc.proc.kill('SIGINT');
    await second.proc.done;

    expect(fs.readdirSync(peer).filter((n) => n.includes('.warp-part-'))).toEqual([]);
    expect([...tree(peer).keys()].sort()).toEqual([...tree(folder).keys()].sort());
    // Every version either side ever held is still somewhere on the peer: its files or its versions folder.
    const kept = everything(peer);
    for (const [rel, h] of before) expect(kept.has(h), rel).toBe(true);
    await l.stop();
  }, 300_000);
});
