import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { listFiles, tmpDir, writeTree } from '../helpers/tmp.ts';
import { faultEnv } from '../helpers/fault-env.ts';
import { peerIdOf, spawnWarp, startListener } from './peers.ts';

const CHUNKS = { WARP_TRANSFER_CHUNK_AVG: '64KiB', WARP_TRANSFER_STREAMS: '2' };
const SLOW = { ...CHUNKS, ...faultEnv({ delayMs: 15 }) };

function fixture(): { dir: string; homeA: string; homeB: string; root: string; src: string; idA: string } {
  const dir = tmpDir('warp-resume-');
  const root = path.join(dir, 'root');
  const src = path.join(dir, 'src', 'data');
  fs.mkdirSync(root, { recursive: true });
  writeTree(src, {
    'a.bin': crypto.randomBytes(3_000_000),
    'b/c.bin': crypto.randomBytes(2_500_000),
    'b/d.txt': 'line of text for compression\n'.repeat(50_000),
    'small.txt': 'x',
  });
  const homeA = path.join(dir, 'A');
  return { dir, homeA, homeB: path.join(dir, 'B'), root, src, idA: peerIdOf(homeA) };
}

/** Every file under its final name is complete and correct (part files are hidden and ignored). */
function noPartialFinals(dest: string, src: string): void {
  if (!fs.existsSync(dest)) return;
  for (const rel of listFiles(dest)) {
    const abs = path.join(dest, rel);
    if (path.basename(rel).includes('.warp-part-') || !fs.lstatSync(abs).isFile()) continue;
    expect(
      fs.readFileSync(abs).equals(fs.readFileSync(path.join(src, rel))),
      `${rel} is partial under its final name`,
    ).toBe(true);
  }
}

function sameTree(a: string, b: string): void {
  const files = (d: string) => listFiles(d).filter((p) => fs.lstatSync(path.join(d, p)).isFile());
  expect(files(a)).toEqual(files(b));
  for (const f of files(a))
    expect(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f).toBe(true);
}

/** Resolves when the process printed a line containing `"<type>"` (or exited). */
function seen(proc: ChildProcess, type: string): Promise<void> {
  return new Promise((resolve) => {
    let buf = '';
    const on = (d: Buffer): void => {
      buf += d.toString();
      if (buf.includes(`"${type}"`)) {
        proc.stdout!.off('data', on);
        resolve();
      }
    };
    proc.stdout!.on('data', on);
    proc.once('exit', () => resolve());
  });
}

async function killAfterChunks(
  home: string,
  args: string[],
  env: Record<string, string>,
  chunks: number,
): Promise<void> {
  const p = spawnWarp(home, args, env);
  await new Promise<void>((resolve) => {
    let seen = 0;
    let buf = '';
    p.proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      seen = buf.split('\n').filter((l) => l.includes('"transfer.chunk"')).length;
      if (seen >= chunks) {
        p.proc.kill('SIGKILL');
        resolve();
      }
    });
    p.proc.once('exit', () => resolve());
  });
  await p.done;
}

describe('resume after SIGKILL or a cut connection', () => {
  it('receiver (fetch) killed at random points, then `warp resume`: only missing chunks move, result identical', async () => {
    const { dir, homeA, homeB, root, src, idA } = fixture();
    fs.cpSync(src, path.join(root, 'data'), { recursive: true });
    const served = path.join(root, 'data');
    const l = await startListener(homeB, root, ['--allow', idA], SLOW);
    const out = path.join(dir, 'out');
    const args = ['--json', '-v', 'fetch', `${l.addr}:/data`, out]; // -v: chunk events
    for (const k of [3 + crypto.randomInt(20), 5 + crypto.randomInt(20)]) {
      await killAfterChunks(homeA, args, CHUNKS, k);
      noPartialFinals(path.join(out, 'data'), served);
    }
    const list = warp(['--json', 'resume', 'list'], { home: homeA });
    const interrupted = list.json.filter((s) => s.status === 'interrupted');
    expect(interrupted.length).toBe(1);
    const r = warp(['--json', 'resume', String(interrupted[0].id).slice(0, 10)], { home: homeA, env: CHUNKS });
    expect(r.status, r.stderr).toBe(0);
    const res = r.json.at(-1)!;
    expect(res.resumedBytes as number).toBeGreaterThan(0);
    // Only what was missing moved: less than a full fetch by a fresh installation moves.
    const homeC = path.join(dir, 'C');
    const lc = await startListener(path.join(dir, 'B2'), root, ['--allow', peerIdOf(homeC)], CHUNKS);
    const full = warp(['--json', 'fetch', `${lc.addr}:/data`, path.join(dir, 'full')], { home: homeC, env: CHUNKS });
    expect(full.status, full.stderr).toBe(0);
    expect(res.fetchedBytes as number).toBeLessThan(full.json.at(-1)!.fetchedBytes as number);
    await lc.stop();
    sameTree(path.join(out, 'data'), served);
    expect(listFiles(out).filter((p) => p.includes('.warp-part-'))).toEqual([]);
    expect(warp(['--json', 'resume', 'list'], { home: homeA }).json.filter((s) => s.status === 'interrupted')).toEqual(
      [],
    );
    await l.stop();
  });

  it('Ctrl-C (SIGINT) cancels a fetch cleanly (exit 130); the session is listed and resumes', async () => {
    const { dir, homeA, homeB, root, src, idA } = fixture();
    fs.cpSync(src, path.join(root, 'data'), { recursive: true });
    const l = await startListener(homeB, root, ['--allow', idA], SLOW);
    const out = path.join(dir, 'out');
    const p = spawnWarp(homeA, ['--json', '-v', 'fetch', `${l.addr}:/data`, out], CHUNKS);
    await seen(p.proc, 'transfer.chunk');
    p.proc.kill('SIGINT');
    const r = await p.done;
    expect(r.status).toBe(130);
    expect(r.stderr).toMatch(/E_CANCELLED/);
    noPartialFinals(path.join(out, 'data'), path.join(root, 'data'));
    const listed = warp(['--json', 'resume', 'list'], { home: homeA }).json;
    expect(listed.map((x) => x.status)).toEqual(['failed']);
    const again = warp(['--json', 'resume', String(listed[0].id)], { home: homeA, env: CHUNKS });
    expect(again.status, again.stderr).toBe(0);
    sameTree(path.join(out, 'data'), path.join(root, 'data'));
    await l.stop();
  });

  it('sender killed mid-send, and the receiving listener killed mid-send: rerun completes identically', async () => {
    const { homeA, homeB, root, src, idA } = fixture();
    let l = await startListener(homeB, root, ['--allow', idA], CHUNKS);
    const dest = path.join(root, 'in', 'data');
    const sendArgs = ['--json', 'send', src, `${l.addr}:/in`];
    // 1. SIGKILL the sender after a random delay.
    const p = spawnWarp(homeA, sendArgs, SLOW);
    await seen(p.proc, 'transfer.manifest');
    await new Promise((r) => setTimeout(r, 50 + crypto.randomInt(300)));
    p.proc.kill('SIGKILL');
    await p.done;
    noPartialFinals(dest, src);
    // 2. SIGKILL the listener (the receiver of a send) while a send runs; the sender reports a clear error.
    const q = spawnWarp(homeA, sendArgs, SLOW);
    await seen(q.proc, 'transfer.manifest');
    await new Promise((r) => setTimeout(r, 50 + crypto.randomInt(300)));
    l.proc.kill('SIGKILL');
    const qr = await q.done;
    if (qr.status !== 0) {
      expect(qr.status).toBe(8);
      expect(qr.stderr).toMatch(/E_PEER_UNREACHABLE|E_REMOTE|connection/);
    }
    noPartialFinals(dest, src);
    const hadProgress =
      fs.existsSync(dest) &&
      listFiles(dest).some(
        (f) => fs.lstatSync(path.join(dest, f)).isFile() && fs.statSync(path.join(dest, f)).size > 0,
      );
    // 3. Restart the listener (same identity and root) and send again.
    l = await startListener(homeB, root, ['--allow', idA], CHUNKS);
    const r = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env: CHUNKS });
    expect(r.status, r.stderr).toBe(0);
    const res = r.json.at(-1)!;
    // Whatever the killed runs had written (complete files, verified ranges of part files) was kept.
    if (hadProgress) expect((res.resumedBytes as number) + (res.unchangedFiles as number)).toBeGreaterThan(0);
    sameTree(dest, src);
    expect(listFiles(path.join(root, 'in')).filter((x) => x.includes('.warp-part-'))).toEqual([]);
    await l.stop();
  });

  it('many small files answered in batched frames: sender, then listener SIGKILLed mid-pull; rerun is identical, no part file left', async () => {
    const { dir, homeA, homeB, root, idA } = fixture();
    // 600 one-chunk files of distinct sizes: the listener asks for them many to a request, and each `chunks`
    // frame answers many; 8 ms per chunk served keeps the pull going for seconds. 120 files of 2-6 chunks are
    // assembled in memory and written whole (received-files.ts).
    const src = path.join(dir, 'many', 'data');
    const spec: Record<string, Buffer> = {};
    for (let i = 0; i < 600; i++) spec[`d${i % 9}/f${i}.bin`] = crypto.randomBytes(300 + i * 6);
    for (let i = 0; i < 120; i++) spec[`m${i % 4}/g${i}.bin`] = crypto.randomBytes(30_000 + i * 311);
    writeTree(src, spec);
    const small = { WARP_TRANSFER_STREAMS: '2', WARP_TRANSFER_CHUNK_AVG: '16KiB' };
    const batched = { ...faultEnv({ delayMs: 8 }), ...small };
    let l = await startListener(homeB, root, ['--allow', idA]);
    const dest = path.join(root, 'in', 'data');
    const sendArgs = (): string[] => ['--json', 'send', src, `${l.addr}:/in`];
    const midPull = async (kill: () => void): Promise<void> => {
      const p = spawnWarp(homeA, sendArgs(), batched);
      await seen(p.proc, 'transfer.progress');
      await new Promise((r) => setTimeout(r, 200 + crypto.randomInt(800)));
      kill();
      if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
      await p.done;
      noPartialFinals(dest, src);
    };
    await midPull(() => {}); // the sender dies
    await midPull(() => l.proc.kill('SIGKILL')); // the listener dies
    const written = fs.existsSync(dest)
      ? listFiles(dest).filter((f) => !f.includes('.warp-part-') && fs.lstatSync(path.join(dest, f)).isFile()).length
      : 0;
    expect(written).toBeLessThan(720); // the kills came mid-pull
    l = await startListener(homeB, root, ['--allow', idA]);
    const r = warp(sendArgs(), { home: homeA, env: small });
    expect(r.status, r.stderr).toBe(0);
    const res = r.json.at(-1)!;
    // A send streams its manifest in pages: each page's `transfer.manifest` event carries the totals so far, the
    // last one the whole tree's.
    const total = r.json.filter((e) => e.type === 'transfer.manifest').at(-1)!.chunks as number;
    expect(total).toBeGreaterThan(720 + 120); // the assembled files are several chunks each
    // Files the killed runs completed are kept, not moved again.
    expect(res.unchangedFiles).toBe(written);
    expect(res.fetchedChunks as number).toBeLessThanOrEqual(total - (res.unchangedFiles as number));
    sameTree(dest, src);
    expect(listFiles(path.join(root, 'in')).filter((x) => x.includes('.warp-part-'))).toEqual([]);
    await l.stop();
  });
});
