import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { listFiles, readTree as readFullTree, tmpDir, writeTree } from '../helpers/tmp.ts';
import { faultEnv } from '../helpers/fault-env.ts';

/** readTree with file contents replaced by a hash, so a failure prints a short diff. */
function readTree(root: string): Record<string, unknown> {
  const t = readFullTree(root);
  for (const v of Object.values(t))
    if (v.data !== undefined) v.data = crypto.createHash('sha256').update(v.data).digest('hex').slice(0, 16);
  return t;
}
import { peerIdOf, startListener } from './peers.ts';

/** Deterministic pseudo-random bytes (incompressible) so runs are comparable. */
function prng(seed: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

function setup(): { dir: string; homeA: string; homeB: string; root: string; src: string; idA: string } {
  const dir = tmpDir('warp-xfer-');
  const homeA = path.join(dir, 'homeA');
  const homeB = path.join(dir, 'homeB');
  const root = path.join(dir, 'root');
  const src = path.join(dir, 'src', 'data');
  fs.mkdirSync(root, { recursive: true });
  writeTree(src, {
    'big.bin': prng(1, 3_000_000),
    'logs/app.log': '{"level":"info","msg":"served request","ms":12}\n'.repeat(40_000),
    'logs/empty.txt': '',
    'nested/deeper/small.txt': 'hello\n',
    'empty-dir': null,
    link: { link: 'big.bin' },
  });
  fs.chmodSync(path.join(src, 'nested/deeper/small.txt'), 0o600);
  return { dir, homeA, homeB, root, src, idA: peerIdOf(homeA) };
}

const SMALL_CHUNKS = { WARP_TRANSFER_CHUNK_AVG: '64KiB' };

describe('warp send / fetch between real processes (127.0.0.1)', () => {
  it('send then fetch round-trips a tree byte for byte, with --json events, over QUIC and TCP', async () => {
    const { dir, homeA, homeB, root, src, idA } = setup();
    const l = await startListener(homeB, root, ['--allow', idA]);
    const s = warp(['--json', 'send', src, `${l.addr}:/inbox`], { home: homeA });
    expect(s.status, s.stderr).toBe(0);
    const types = new Set(s.json.map((e) => e.type));
    for (const t of ['transfer.start', 'transfer.manifest', 'transfer.done', 'result']) expect(types, t).toContain(t);
    expect(readTree(path.join(root, 'inbox', 'data'))).toEqual(readTree(src));
    expect(s.json.at(-1)!.transport).toBe('quic');

    const out = path.join(dir, 'out');
    const f = warp(['--json', '-v', 'fetch', `${l.addr}:/inbox/data`, out, '--transport', 'tcp'], { home: homeA });
    expect(f.status, f.stderr).toBe(0);
    expect(f.json.at(-1)!.transport).toBe('tcp');
    expect(f.json.some((e) => e.type === 'transfer.file')).toBe(true);
    expect(readTree(path.join(out, 'data'))).toEqual(readTree(src));
    // No temporary names left behind.
    expect(listFiles(out).filter((p) => p.includes('.warp-part-'))).toEqual([]);
    await l.stop();
  });

  it('an unpaired peer is refused with a clear error on both sides and nothing is written', async () => {
    const { homeA, homeB, root, src } = setup();
    const l = await startListener(homeB, root); // no --allow
    const s = warp(['send', src, `${l.addr}:/inbox`], { home: homeA });
    expect(s.status).toBe(9);
    expect(s.stderr).toMatch(/E_PEER_NOT_PAIRED.*not paired/);
    expect(fs.readdirSync(root)).toEqual([]);
    const f = warp(['fetch', `${l.addr}:/`, path.join(root, '..', 'x')], { home: homeA });
    expect(f.status).toBe(9);
    await new Promise((r) => setTimeout(r, 300));
    expect(l.stderr()).toMatch(/refused .*not paired/);
    // Without an expected id, an untrusted listener is not dialled at all.
    const g = warp(['fetch', `127.0.0.1:${l.port}:/`, path.join(root, '..', 'y')], { home: homeA });
    expect(g.status).toBe(9);
    expect(g.stderr).toMatch(/not paired with this installation/);
    await l.stop();
  });

  it('a remote path that escapes the root is refused; the listener keeps serving', async () => {
    const { dir, homeA, homeB, root, src, idA } = setup();
    fs.symlinkSync(path.dirname(src), path.join(root, 'escape'));
    const l = await startListener(homeB, root, ['--allow', idA]);
    for (const p of ['/../src', '/escape/data']) {
      const f = warp(['fetch', `${l.addr}:${p}`, path.join(dir, 'o1')], { home: homeA });
      expect(f.status, p).toBe(7);
      expect(f.stderr).toMatch(/E_UNSAFE_PATH/);
    }
    const s = warp(['send', src, `${l.addr}:/escape/x`], { home: homeA });
    expect(s.status).toBe(7);
    expect(fs.existsSync(path.join(path.dirname(src), 'x'))).toBe(false);
    const ok = warp(['send', src, `${l.addr}:/fine`], { home: homeA });
    expect(ok.status, ok.stderr).toBe(0);
    await l.stop();
  });

  it('a chunk with the wrong hash is rejected and fetched again', async () => {
    const { dir, homeA, homeB, root, src, idA } = setup();
    fs.cpSync(src, path.join(root, 'data'), { recursive: true });
    const l = await startListener(homeB, root, ['--allow', idA], faultEnv({ corrupt: 2 }));
    const out = path.join(dir, 'out');
    const f = warp(['--json', 'fetch', `${l.addr}:/data`, out], { home: homeA, env: SMALL_CHUNKS });
    expect(f.status, f.stderr).toBe(0);
    expect(f.json.filter((e) => e.type === 'transfer.chunk-rejected').length).toBe(2);
    expect(f.json.at(-1)!.rejectedChunks).toBe(2);
    expect(readTree(path.join(out, 'data'))).toEqual(readTree(path.join(root, 'data')));
    await l.stop();
  });

  it('batched answers with one bad chunk among good ones: only that chunk is fetched again', async () => {
    const { dir, homeA, homeB, root, idA } = setup();
    // 120 small files of distinct sizes (one chunk each): their answers travel many to a `chunks` frame.
    const src = path.join(dir, 'many');
    const files: Record<string, Buffer> = {};
    let total = 0;
    for (let i = 0; i < 120; i++) {
      files[`d${i % 4}/f${i}.bin`] = prng(100 + i, 1000 + i * 37);
      total += 1000 + i * 37;
    }
    writeTree(src, files);
    const l = await startListener(homeB, root, ['--allow', idA]);
    const r = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env: faultEnv({ corrupt: 1 }) });
    expect(r.status, r.stderr).toBe(0);
    const done = r.json.at(-1)!;
    expect(done.rejectedChunks).toBe(1);
    expect(done.fetchedChunks).toBe(120);
    // Every chunk went out once, plus the one corrupted (the first served, one of the batch): not the whole batch.
    const first = (done.sentBytes as number) - total;
    expect(first).toBeGreaterThanOrEqual(1000);
    expect(first).toBeLessThanOrEqual(1000 + 119 * 37);
    expect(readTree(path.join(root, 'in', 'many'))).toEqual(readTree(src));
    await l.stop();
  });

  it('re-sending after a small edit moves about that much; a renamed copy moves nothing', async () => {
    const { homeA, homeB, root, src, idA } = setup();
    const env = SMALL_CHUNKS;
    const l = await startListener(homeB, root, ['--allow', idA], env);
    const first = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env });
    expect(first.status, first.stderr).toBe(0);
    const total = first.json.at(-1)!.bytes as number;
    // Edit 1% of big.bin in place (one region).
    const big = path.join(src, 'big.bin');
    const b = fs.readFileSync(big);
    prng(7, 30_000).copy(b, 1_500_000);
    fs.writeFileSync(big, b);
    const again = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env });
    expect(again.status, again.stderr).toBe(0);
    const r = again.json.at(-1)!;
    expect(r.fetchedBytes as number).toBeLessThan(total * 0.1);
    expect(r.fetchedBytes as number).toBeGreaterThan(0);
    expect(r.unchangedFiles).toBe(3); // the three unedited files were not touched
    expect(readTree(path.join(root, 'in', 'data'))).toEqual(readTree(src));
    // Rename and copy on the sender: everything is already at the receiver.
    fs.renameSync(path.join(src, 'logs'), path.join(src, 'logs-renamed'));
    fs.copyFileSync(big, path.join(src, 'big-copy.bin'));
    const moved = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env });
    expect(moved.status, moved.stderr).toBe(0);
    expect(moved.json.at(-1)!.fetchedBytes).toBe(0);
    expect(readTree(path.join(root, 'in', 'data'))['logs-renamed/app.log']).toEqual(
      readTree(src)['logs-renamed/app.log'],
    );
    await l.stop();
  });

  it('fuzzed and malformed frames close that connection with an error; the listener keeps serving', async () => {
    const { dir, homeA, homeB, root, src, idA } = setup();
    fs.cpSync(src, path.join(root, 'data'), { recursive: true });
    const l = await startListener(homeB, root, ['--allow', idA]);
    const { fuzzListener } = await import('./fuzz-client.ts');
    const t0 = performance.now();
    const outcomes = await fuzzListener(homeA, l.addr, 24);
    console.log('fuzz', outcomes, ((performance.now() - t0) / 1000).toFixed(1), 's');
    expect(outcomes.crashed).toBe(0);
    expect(outcomes.errors).toBeGreaterThan(0);
    expect(l.proc.exitCode).toBeNull();
    const out = path.join(dir, 'after');
    const f = warp(['fetch', `${l.addr}:/data`, out], { home: homeA });
    expect(f.status, f.stderr).toBe(0);
    expect(readTree(path.join(out, 'data'))).toEqual(readTree(path.join(root, 'data')));
    void crypto;
    await l.stop();
  });
});
