/** `warp sync` as a user runs it: real processes, a real `warp listen` peer on 127.0.0.1. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { peerIdOf, spawnWarp, startListener } from '../transfer/peers.ts';

describe('warp sync (CLI)', () => {
  it('add, list, pause, resume, run --once and remove, with --json', async () => {
    const dir = tmpDir('warp-sync-cli-');
    const homeA = path.join(dir, 'homeA');
    const root = path.join(dir, 'root');
    const folder = path.join(dir, 'docs');
    fs.mkdirSync(root);
    fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'sub', 'a.txt'), 'from the cli\n');
    const l = await startListener(path.join(dir, 'homeB'), root, ['--allow', peerIdOf(homeA)]);
    try {
      const help = warp(['sync', '--help'], { home: homeA });
      expect(help.status).toBe(0);
      for (const c of ['add', 'list', 'remove', 'pause', 'resume', 'run']) expect(help.stdout).toContain(c);

      const bad = warp(['sync', 'add', folder, `${l.addr}:/backup`, '--schedule', 'whenever'], { home: homeA });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/invalid schedule window/);
      const noId = warp(['sync', 'add', folder, '127.0.0.1:7654:/backup'], { home: homeA });
      expect(noId.status).toBe(2);
      expect(noId.stderr).toMatch(/needs the peer id/);

      const add = warp(
        [
          '--json',
          'sync',
          'add',
          folder,
          `${l.addr}:/backup`,
          '--schedule',
          '00:00-24:00',
          '--pause-on-battery',
          '--debounce',
          '2s',
        ],
        { home: homeA },
      );
      expect(add.status, add.stderr).toBe(0);
      const job = add.json.at(-1)!.job as {
        id: string;
        remotePath: string;
        pauseOnBattery: boolean;
        debounceMs: number;
        schedule: unknown[];
      };
      expect(job).toMatchObject({
        remotePath: '/backup',
        pauseOnBattery: true,
        debounceMs: 2000,
        schedule: [{ start: '00:00', end: '24:00' }],
      });
      expect(warp(['sync', 'add', folder, `${l.addr}:/backup`], { home: homeA }).stderr).toMatch(/already syncs/);
      const badMode = warp(['sync', 'add', folder, `${l.addr}:/other`, '--mode', 'sideways'], { home: homeA });
      expect(badMode.status).toBe(2);
      expect(badMode.stderr).toMatch(/--mode must be one of two-way, send-only, receive-only/);
      const recv = warp(
        ['--json', 'sync', 'add', folder, `${l.addr}:/mirror`, '--mode', 'receive-only', '--only', 'sub/'],
        { home: homeA },
      );
      expect(recv.status, recv.stderr).toBe(0);
      const recvJob = recv.json.at(-1)!.job as { id: string };
      expect(recvJob).toMatchObject({ mode: 'receive-only', only: ['sub'] });
      expect(warp(['sync', 'list'], { home: homeA }).stdout).toMatch(/<- .*:\/mirror {2}receive-only {2}only sub/);
      expect(warp(['sync', 'remove', recvJob.id], { home: homeA }).status).toBe(0);

      expect(warp(['sync', 'pause', job.id], { home: homeA }).status).toBe(0);
      const list = warp(['--json', 'sync', 'list'], { home: homeA });
      expect(list.json[0]).toMatchObject({ type: 'sync.job', job: { id: job.id, paused: true } });
      expect(list.json.at(-1)).toEqual({ type: 'result', jobs: 1, incoming: 0 });
      expect(warp(['sync', 'list'], { home: homeA }).stdout).toMatch(/PAUSED.*never synced/);

      // Paused: run --once pushes nothing.
      const idle = warp(['--json', 'sync', 'run', '--once'], { home: homeA });
      expect(idle.status, idle.stderr).toBe(0);
      expect(idle.json.at(-1)).toMatchObject({ type: 'result', jobs: [{ id: job.id, state: 'paused' }] });
      expect(fs.existsSync(path.join(root, 'backup'))).toBe(false);

      expect(warp(['sync', 'resume', job.id], { home: homeA }).status).toBe(0);
      const run = warp(['--json', 'sync', 'run', '--once'], { home: homeA });
      expect(run.status, run.stderr).toBe(0);
      expect(run.json.some((e) => e.type === 'sync.push')).toBe(true);
      expect(fs.readFileSync(path.join(root, 'backup', 'docs', 'sub', 'a.txt'), 'utf8')).toBe('from the cli\n');
      const after = warp(['sync', 'list'], { home: homeA });
      expect(after.stdout, after.stderr).toMatch(/last sync 20/);

      const rm = warp(['--json', 'sync', 'remove', job.id], { home: homeA });
      expect(rm.json.at(-1)).toEqual({ type: 'result', removed: job.id });
      expect(warp(['sync', 'remove', job.id], { home: homeA }).status).toBe(2);
    } finally {
      await l.stop();
    }
  }, 120_000);

  it('warp sync run stays up, pushes a change and stops cleanly on SIGINT', async () => {
    const dir = tmpDir('warp-sync-run-');
    const homeA = path.join(dir, 'homeA');
    const root = path.join(dir, 'root');
    const folder = path.join(dir, 'notes');
    fs.mkdirSync(root);
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'n.txt'), 'one\n');
    const l = await startListener(path.join(dir, 'homeB'), root, ['--allow', peerIdOf(homeA)]);
    try {
      expect(warp(['sync', 'add', folder, `${l.addr}:/`], { home: homeA }).status).toBe(0);
      const r = spawnWarp(homeA, ['--json', 'sync', 'run'], { WARP_SYNC_DEBOUNCE: '200ms' });
      let out = '';
      r.proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const pushesSeen = (): number => out.split('\n').filter((x) => x.includes('"type":"sync.push"')).length;
      const peerFile = path.join(root, 'notes', 'n.txt');
      const until = async (what: string, ok: () => boolean): Promise<void> => {
        const end = Date.now() + 30_000;
        while (!ok()) {
          if (Date.now() > end) throw new Error(`timed out: ${what}`);
          await new Promise((res) => setTimeout(res, 50));
        }
      };
      await until('first push', () => pushesSeen() === 1);
      expect(fs.readFileSync(peerFile, 'utf8')).toBe('one\n');
      await new Promise((res) => setTimeout(res, 500)); // the watcher is up once the first sync ran
      fs.writeFileSync(path.join(folder, 'n.txt'), 'two\n');
      await until('second push', () => pushesSeen() === 2);
      expect(fs.readFileSync(peerFile, 'utf8')).toBe('two\n');
      r.proc.kill('SIGINT');
      const done = await r.done;
      expect(done.status, done.stderr).toBe(0);
      const lines = done.stdout
        .split('\n')
        .filter((x) => x.startsWith('{'))
        .map((x) => JSON.parse(x) as Record<string, unknown>);
      expect(lines.filter((e) => e.type === 'sync.push').length).toBeGreaterThanOrEqual(2);
      expect(lines.at(-1)).toMatchObject({ type: 'result', jobs: [{ state: 'idle' }] });
    } finally {
      await l.stop();
    }
  }, 120_000);

  it('deletion guard, confirm, versions and restore from the CLI; the push line says what moved', async () => {
    const dir = tmpDir('warp-sync-cli-guard-');
    const homeA = path.join(dir, 'homeA');
    const root = path.join(dir, 'root');
    const folder = path.join(dir, 'notes');
    fs.mkdirSync(root);
    fs.mkdirSync(folder);
    for (let i = 0; i < 8; i++) fs.writeFileSync(path.join(folder, `n${i}.txt`), `note ${i}\n`);
    const l = await startListener(path.join(dir, 'homeB'), root, ['--allow', peerIdOf(homeA)]);
    try {
      const bad = warp(['sync', 'add', folder, `${l.addr}:/b`, '--guard-share', '2'], { home: homeA });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/guard.share must be/);
      const add = warp(
        [
          '--json',
          'sync',
          'add',
          folder,
          `${l.addr}:/b`,
          '--guard-share',
          '0.5',
          '--versions',
          'staggered',
          '--versions-max-age',
          '7d',
        ],
        { home: homeA },
      );
      expect(add.status, add.stderr).toBe(0);
      const id = (add.json.at(-1)!.job as { id: string }).id;
      expect(add.json.at(-1)!.job).toMatchObject({
        guard: { share: 0.5 },
        versions: { policy: 'staggered', maxAgeMs: 7 * 24 * 3600_000 },
      });
      expect(warp(['sync', 'run', '--once'], { home: homeA }).status).toBe(0);
      const peer = path.join(root, 'b', 'notes');
      expect(fs.readdirSync(peer).length).toBe(8);

      for (let i = 0; i < 5; i++) fs.rmSync(path.join(folder, `n${i}.txt`));
      const guarded = warp(['sync', 'run', '--once'], { home: homeA });
      expect(guarded.status, guarded.stderr).toBe(0);
      expect(guarded.stderr).toMatch(/DELETION GUARD: the sync would delete 5 of 8 files/);
      expect(fs.readdirSync(peer).length).toBe(8);
      expect(warp(['sync', 'list'], { home: homeA }).stdout).toMatch(/WAITING FOR CONFIRMATION/);
      expect(warp(['sync', 'run', '--once'], { home: homeA }).stderr).not.toMatch(/pushed/); // still held

      const c = warp(['--json', 'sync', 'confirm', id], { home: homeA });
      expect(c.json.at(-1)).toEqual({ type: 'result', id, approvedDeletions: 5 });
      const run = warp(['sync', 'run', '--once'], { home: homeA });
      expect(run.stderr).toMatch(/pushed 0 files, deleted 5, .* on the wire/);
      expect(
        fs
          .readdirSync(peer)
          .filter((n) => n !== '.warp-versions')
          .sort(),
      ).toEqual(['n5.txt', 'n6.txt', 'n7.txt']);
      expect(warp(['sync', 'confirm', id], { home: homeA }).status).toBe(2); // nothing waits now

      // A deletion on the peer lands in this folder's versions; restore brings it back and the next sync sends it.
      fs.rmSync(path.join(peer, 'n6.txt'));
      warp(['sync', 'run', '--once'], { home: homeA });
      expect(fs.existsSync(path.join(folder, 'n6.txt'))).toBe(false);
      const v = warp(['--json', 'sync', 'versions', id], { home: homeA });
      expect(v.json.filter((e) => e.type === 'sync.version').map((e) => e.path)).toEqual(['n6.txt']);
      const r = warp(['sync', 'restore', id, 'n6.txt'], { home: homeA });
      expect(r.status, r.stderr).toBe(0);
      expect(fs.readFileSync(path.join(folder, 'n6.txt'), 'utf8')).toBe('note 6\n');
      warp(['sync', 'run', '--once'], { home: homeA });
      expect(fs.readFileSync(path.join(peer, 'n6.txt'), 'utf8')).toBe('note 6\n');
      expect(warp(['sync', 'restore', id, 'nope.txt'], { home: homeA }).status).toBe(5);
    } finally {
      await l.stop();
    }
  }, 120_000);

  it('SIGKILL of warp sync run mid-push, then a restart: converges, nothing lost, no part files left', async () => {
    const dir = tmpDir('warp-sync-kill-');
    const homeA = path.join(dir, 'homeA');
    const root = path.join(dir, 'root');
    const folder = path.join(dir, 'data');
    fs.mkdirSync(root);
    fs.mkdirSync(folder);
    let seed = 7;
    const bytes = (n: number): Buffer => {
      const b = Buffer.allocUnsafe(n);
      for (let i = 0; i < n; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        b[i] = seed >>> 24;
      }
      return b;
    };
    for (let i = 0; i < 60; i++) fs.writeFileSync(path.join(folder, `f${i}.bin`), bytes(1_000_000));
    const l = await startListener(path.join(dir, 'homeB'), root, ['--allow', peerIdOf(homeA)]);
    try {
      expect(warp(['sync', 'add', folder, `${l.addr}:/`], { home: homeA }).status).toBe(0);
      const r = spawnWarp(homeA, ['--json', 'sync', 'run'], { WARP_TRANSFER_CHUNK_AVG: '64KiB' });
      let out = '';
      r.proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const end = Date.now() + 30_000;
      while (!out.includes('"sync.push-started"')) {
        if (Date.now() > end) throw new Error('no push started');
        await new Promise((res) => setTimeout(res, 10));
      }
      await new Promise((res) => setTimeout(res, 100));
      r.proc.kill('SIGKILL');
      await r.done;
      expect(out).not.toContain('"type":"sync.push"'); // killed before the push finished
      // A change made while nothing ran, then the restart.
      fs.writeFileSync(path.join(folder, 'f0.bin'), 'changed while stopped\n');
      const again = warp(['--json', 'sync', 'run', '--once'], { home: homeA });
      expect(again.status, again.stderr).toBe(0);
      const peer = path.join(root, 'data');
      const names = fs.readdirSync(peer).sort();
      expect(names.filter((n) => n.includes('.warp-part-'))).toEqual([]);
      expect(names.filter((n) => !n.startsWith('.'))).toEqual(fs.readdirSync(folder).sort());
      for (const n of fs.readdirSync(folder))
        expect(fs.readFileSync(path.join(peer, n)).equals(fs.readFileSync(path.join(folder, n))), n).toBe(true);
    } finally {
      await l.stop();
    }
  }, 120_000);

  it('sync settings changes the deletion guard and the versions retention; bad values are refused', () => {
    const dir = tmpDir('warp-sync-settings-');
    const home = path.join(dir, 'home');
    const folder = path.join(dir, 'docs');
    fs.mkdirSync(folder, { recursive: true });
    const addr = `${peerIdOf(path.join(dir, 'peer'))}@127.0.0.1:9:/backup`;
    const add = warp(['--json', 'sync', 'add', folder, addr, '--versions', 'simple', '--versions-count', '3'], {
      home,
    });
    expect(add.status, add.stderr).toBe(0);
    const jobOf = (r: ReturnType<typeof warp>): Record<string, unknown> =>
      r.json.at(-1)!.job as Record<string, unknown>;
    const id = jobOf(add).id as string;
    expect(jobOf(add).versions).toEqual({ policy: 'simple', count: 3 });
    const set = warp(['sync', 'settings', id, '--guard-share', '0.8', '--guard-files', '200', '--guard-min', '10'], {
      home,
    });
    expect(set.status, set.stderr).toBe(0);
    expect(set.stderr).toContain('guard 80 % from 10 files or 200 files; versions simple (3 per file), 30 days');
    const bad = warp(['sync', 'settings', id, '--guard-share', '3'], { home });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/guard.share must be a number above 0/);
    expect(warp(['sync', 'settings', id, '--versions', 'forever'], { home }).status).toBe(2);
    const reset = warp(['--json', 'sync', 'settings', id, '--defaults', '--versions', 'staggered'], { home });
    expect(jobOf(reset)).not.toHaveProperty('guard');
    expect(jobOf(reset).versions).toEqual({ policy: 'staggered' });
    expect(warp(['sync', 'settings', 'nope', '--guard-files', '5'], { home }).status).toBe(2);
  });
});
