/**
 * Pause and resume between real processes: Ctrl-Z (SIGTSTP) pauses a fetch or a send instead of stopping the
 * process, SIGCONT resumes, and the result is byte-identical. While paused no more chunks are asked for: at
 * most the replies already in flight (one per stream) still land. A send's pause goes to the receiving
 * listener (protocol 2), which stops pulling and says so.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PauseController } from '../../src/engine/core/pause.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';
import { faultEnv } from '../helpers/fault-env.ts';
import { peerIdOf, spawnWarp, startListener } from './peers.ts';

const ENV = { WARP_TRANSFER_CHUNK_AVG: '16KiB' };
/** ~256 chunks served 40 ms apart per stream (8 streams): about 1.3 s of transfer, long enough to pause in. */
const SLOW = { ...ENV, ...faultEnv({ delayMs: 40 }) };
const sha = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Collects JSON event lines from a process's stdout as they come. */
function events(proc: { stdout: NodeJS.ReadableStream | null }): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        out.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        /* not JSON */
      }
    }
  });
  return out;
}

async function until(what: string, f: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function setup(): { homeA: string; homeB: string; root: string; src: string } {
  const dir = tmpDir('warp-pause-');
  const root = path.join(dir, 'root');
  const src = path.join(dir, 'src', 'data');
  fs.mkdirSync(root, { recursive: true });
  writeTree(src, { 'a.bin': crypto.randomBytes(2_500_000), 'b.bin': crypto.randomBytes(1_500_000) });
  return { homeA: path.join(dir, 'homeA'), homeB: path.join(dir, 'homeB'), root, src };
}

describe('pause and resume', () => {
  it('the engine pause token: wait() sleeps while paused, wakes on resume, rejects on cancel', async () => {
    const p = new PauseController();
    const seen: boolean[] = [];
    p.onChange((x) => seen.push(x));
    await p.wait(); // running: at once
    p.pause();
    p.pause();
    let woke = false;
    const w = p.wait().then(() => {
      woke = true;
    });
    await sleep(30);
    expect(woke).toBe(false);
    p.resume();
    await w;
    expect(woke).toBe(true);
    p.pause();
    const ac = new AbortController();
    const c = p.wait(ac.signal);
    ac.abort();
    await expect(c).rejects.toMatchObject({ code: 'E_CANCELLED' });
    expect(seen).toEqual([true, false, true]);
  });

  it('fetch: SIGTSTP pauses (no more chunks asked for), SIGCONT resumes, the tree is identical', async () => {
    const { homeA, homeB, root, src } = setup();
    fs.cpSync(src, path.join(root, 'data'), { recursive: true });
    const l = await startListener(homeB, root, ['--allow', peerIdOf(homeA)], SLOW);
    try {
      const out = path.join(path.dirname(src), 'out');
      const f = spawnWarp(homeA, ['--json', '-v', 'fetch', `${l.addr}:/data`, out], ENV);
      const ev = events(f.proc);
      const chunks = (): number => ev.filter((e) => e.type === 'transfer.chunk').length;
      await until('the first chunks', () => chunks() >= 8);
      f.proc.kill('SIGTSTP');
      await until('the paused event', () => ev.some((e) => e.type === 'transfer.paused' && e.paused === true));
      await sleep(300); // replies already in flight land (at most one per stream)
      const atPause = chunks();
      await sleep(1500);
      expect(chunks()).toBe(atPause); // nothing more while paused
      expect(f.proc.exitCode).toBeNull(); // paused, not stopped or gone
      f.proc.kill('SIGCONT');
      const r = await f.done;
      expect(r.status, r.stderr).toBe(0);
      expect(ev.some((e) => e.type === 'transfer.paused' && e.paused === false)).toBe(true);
      for (const n of ['a.bin', 'b.bin']) expect(sha(path.join(out, 'data', n))).toBe(sha(path.join(src, n)));
    } finally {
      await l.stop();
    }
  });

  it('send: the pause reaches the receiving listener, which stops pulling until resumed', async () => {
    const { homeA, homeB, root, src } = setup();
    const l = await startListener(homeB, root, ['--allow', peerIdOf(homeA)], ENV);
    try {
      const s = spawnWarp(homeA, ['--json', 'send', src, `${l.addr}:/in`], SLOW);
      const ev = events(s.proc);
      const progress = (): number =>
        Math.max(0, ...ev.filter((e) => e.type === 'transfer.progress').map((e) => Number(e.bytes)));
      await until('progress', () => progress() > 0);
      s.proc.kill('SIGTSTP');
      await until('the listener to say it paused', () =>
        ev.some((e) => e.type === 'transfer.paused' && e.paused === true),
      );
      await sleep(500);
      const atPause = progress();
      await sleep(1500);
      expect(progress()).toBe(atPause);
      expect(atPause).toBeLessThan(4_000_000);
      s.proc.kill('SIGCONT');
      const r = await s.done;
      expect(r.status, r.stderr).toBe(0);
      for (const n of ['a.bin', 'b.bin']) expect(sha(path.join(root, 'in', 'data', n))).toBe(sha(path.join(src, n)));
      expect(l.stdout()).toContain('"paused":true');
    } finally {
      await l.stop();
    }
  });

  it('send: Ctrl-C asks the listener to stop pulling (exit 130); the listener keeps serving and a rerun completes', async () => {
    const { homeA, homeB, root, src } = setup();
    const l = await startListener(homeB, root, ['--allow', peerIdOf(homeA)], ENV);
    try {
      const s = spawnWarp(homeA, ['--json', 'send', src, `${l.addr}:/in`], SLOW);
      const ev = events(s.proc);
      await until('progress', () => ev.some((e) => e.type === 'transfer.progress' && Number(e.bytes) > 0));
      s.proc.kill('SIGINT');
      const r = await s.done;
      expect(r.status, r.stderr).toBe(130);
      await until('the listener to log the cancel', () => /cancelled/i.test(l.stderr() + l.stdout()), 5000);
      expect(l.proc.exitCode).toBeNull();
      expect(
        fs.existsSync(path.join(root, 'in', 'data', 'a.bin')) &&
          sha(path.join(root, 'in', 'data', 'a.bin')) !== sha(path.join(src, 'a.bin')),
      ).toBe(false);
      const again = spawnWarp(homeA, ['--json', 'send', src, `${l.addr}:/in`], ENV);
      const r2 = await again.done;
      expect(r2.status, r2.stderr).toBe(0);
      for (const n of ['a.bin', 'b.bin']) expect(sha(path.join(root, 'in', 'data', n))).toBe(sha(path.join(src, n)));
    } finally {
      await l.stop();
    }
  });
});
