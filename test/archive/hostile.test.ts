/**
 * Issue 13 items 3-5 and the lower archive items, each reproduced as it was reported: crafted archives through
 * the real CLI (exit code, error code, no stack trace, peak memory) and through a real daemon (threads and
 * descriptors after failures), long names from a real folder, a real SIGKILL of `archive create`.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveReader, createArchive, extractArchive, verifyArchive } from '../../src/engine/archive/index.ts';
import { isTempName, sweepStaleTemps, tempNameFor } from '../../src/engine/archive/sink.ts';
import { createChunkPool } from '../../src/engine/codec/chunk-pool.ts';
import { Kdf } from '../../src/engine/archive/format.ts';
import { isWarpError } from '../../src/engine/core/errors.ts';
import { startDaemon } from '../daemon/daemon-proc.ts';
import { buildArchive, seal, DIR, FILE, SYMLINK, type RawArchive, type TreeEntry } from '../fuzz/archive-model.ts';
import { warp } from '../helpers/cli.ts';
import { listFiles, tmpDir, writeTree } from '../helpers/tmp.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');
const RSS_HOOK = path.resolve(import.meta.dirname, '../helpers/max-rss-hook.mjs');
const pool = createChunkPool(2);
afterAll(() => pool.close());

const T = 1_700_000_000_000;
const TREE: TreeEntry[] = [
  { path: 'd', type: DIR, mode: 0o755, mtimeMs: T },
  { path: 'd/f.txt', type: FILE, mode: 0o644, mtimeMs: T, data: Buffer.from('hello '.repeat(300)) },
  { path: 'd/sub', type: DIR, mode: 0o755, mtimeMs: T },
  { path: 'd/sub/g.bin', type: FILE, mode: 0o600, mtimeMs: T, data: crypto.randomBytes(3000) },
];

function crafted(mutate: (a: RawArchive) => void, tree: TreeEntry[] = TREE): string {
  const a = buildArchive(tree, { compress: true });
  mutate(a);
  const file = path.join(tmpDir(), 'crafted.warp');
  fs.writeFileSync(file, seal(a));
  return file;
}

const column = (bytes: unknown): Float64Array => new Float64Array(Uint8Array.from(bytes as Uint8Array).buffer);
const setMtimes =
  (v: number) =>
  (a: RawArchive): void => {
    const m = column(a.manifest.entries.mtimes);
    m.fill(v);
    a.manifest.entries.mtimes = new Uint8Array(m.buffer);
  };

/** `warp args` with its peak RSS (KiB) read by a preloaded exit hook. */
function warpRss(args: string[], home: string): { status: number; stderr: string; maxRssKiB: number } {
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WARP_HOME: home, NO_COLOR: '1' },
  });
  const m = /maxrss-kib=(\d+)/.exec(r.stderr);
  return { status: r.status ?? -1, stderr: r.stderr, maxRssKiB: m ? Number(m[1]) : NaN };
}

function expectClean(r: { status: number; stderr: string }, exit: number, code: string): void {
  expect(r.status, r.stderr).toBe(exit);
  expect(r.stderr).toContain(`[${code}]`);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at .*:\d+:\d+/);
}

describe('manifest decompression bomb (item 3)', () => {
  // 1 GiB of zeros as a zstd frame: ~33 KB, like the reported archive. Without the bound every command took 2.2 GB.
  const bombs = (): Array<[string, Buffer]> => [
    ['declared size', zlib.zstdCompressSync(Buffer.alloc(1024 ** 3))],
    [
      'no declared size',
      zlib.zstdCompressSync(Buffer.alloc(1024 ** 3), { params: { [zlib.constants.ZSTD_c_contentSizeFlag]: 0 } }),
    ],
  ];

  it('list, info, verify and extract refuse it with exit 3 and a bounded peak RSS', () => {
    const home = tmpDir();
    for (const [label, z] of bombs()) {
      const file = crafted((a) => {
        a.compressedOverride = z;
      });
      expect(fs.statSync(file).size).toBeLessThan(64 * 1024);
      for (const cmd of [
        ['archive', 'list', file],
        ['archive', 'info', file],
        ['archive', 'verify', file],
        ['archive', 'extract', file, '-C', path.join(path.dirname(file), 'out')],
      ]) {
        const r = warpRss(cmd, home);
        expectClean(r, 3, 'E_MANIFEST_CORRUPT');
        expect(r.stderr).toMatch(/inflate/);
        // The CLI alone is ~80-130 MB here; the bound allows 64 MiB of manifest on top.
        expect(r.maxRssKiB, `${label}: ${cmd[1]}`).toBeLessThan(320 * 1024);
      }
      expect(fs.existsSync(path.join(path.dirname(file), 'out'))).toBe(false);
    }
  }, 120_000);

  it('a msgpack expansion bomb (20 MB of nils: 8 bytes of pointer each) is refused by its shape before decoding', async () => {
    const file = crafted((a) => {
      a.plainOverride = Buffer.concat([
        Buffer.from([0xdd, 0x01, 0x40, 0x00, 0x00]),
        Buffer.alloc(20 * 1024 * 1024, 0xc0),
      ]);
    });
    const before = process.memoryUsage().rss;
    const e = await ArchiveReader.open(file).catch((x: unknown) => x);
    expect(isWarpError(e, 'E_MANIFEST_CORRUPT'), String(e)).toBe(true);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 ** 2);
  });

  it('the daemon parses manifests in a worker: list of a bomb is refused and the daemon stays responsive and small', async () => {
    const d = await startDaemon(path.join(tmpDir(), 'home'), ['--no-listen']);
    try {
      const file = crafted((a) => {
        a.compressedOverride = bombs()[1][1];
      });
      const ticks: number[] = [];
      const pinger = (async () => {
        for (let i = 0; i < 10; i++) {
          const t = Date.now();
          await d.api('GET', '/api/jobs');
          ticks.push(Date.now() - t);
        }
      })();
      const r = await d.api('POST', '/api/archive/list', { archive: file });
      await pinger;
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('E_MANIFEST_CORRUPT');
      expect(Math.max(...ticks)).toBeLessThan(2000);
      const rssKiB = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${d.proc.pid}/status`, 'utf8'))![1]);
      expect(rssKiB).toBeLessThan(400 * 1024);
    } finally {
      await d.stop();
    }
  }, 60_000);
});

describe('extract of crafted and long-named archives (item 4)', () => {
  it('names of 236-255 bytes from a real folder round-trip (the temporary name no longer overflows NAME_MAX)', () => {
    const dir = tmpDir();
    const src = path.join(dir, 'src');
    const names = [236, 250, 255].map((n) => 'n'.repeat(n - 4) + '.txt');
    writeTree(src, Object.fromEntries(names.map((n, i) => [`sub/${n}`, `file ${i}\n`])));
    fs.symlinkSync(names[0], path.join(src, 'sub', 'l'.repeat(255)));
    const home = path.join(dir, 'home');
    const a = path.join(dir, 'long.warp');
    expect(warp(['archive', 'create', src, '-o', a], { home }).status).toBe(0);
    const x = warp(['archive', 'extract', a, '-C', path.join(dir, 'out')], { home });
    expect(x.status, x.stderr).toBe(0);
    for (const [i, n] of names.entries())
      expect(fs.readFileSync(path.join(dir, 'out', 'src', 'sub', n), 'utf8')).toBe(`file ${i}\n`);
    expect(fs.readlinkSync(path.join(dir, 'out', 'src', 'sub', 'l'.repeat(255)))).toBe(names[0]);
    expect(listFiles(path.join(dir, 'out')).filter((p) => p.includes('warp-tmp'))).toEqual([]);
  });

  const cases: Array<[string, () => string, number, string]> = [
    ['directory mtime NaN', () => crafted(setMtimes(NaN)), 3, 'E_MANIFEST_CORRUPT'],
    ['directory mtime +Infinity', () => crafted(setMtimes(Infinity)), 3, 'E_MANIFEST_CORRUPT'],
    ['directory mtime -Infinity', () => crafted(setMtimes(-Infinity)), 3, 'E_MANIFEST_CORRUPT'],
    ['directory mtime 1e300', () => crafted(setMtimes(1e300)), 3, 'E_MANIFEST_CORRUPT'],
    [
      'a 30,000-level path',
      () =>
        crafted((a) => {
          (a.manifest.entries.paths as string[])[1] = `${'d/'.repeat(30_000)}f.txt`;
        }),
      7,
      'E_UNSAFE_PATH',
    ],
    [
      'a 256-byte name',
      () =>
        crafted((a) => {
          (a.manifest.entries.paths as string[])[1] = `d/${'n'.repeat(256)}`;
        }),
      7,
      'E_UNSAFE_PATH',
    ],
    [
      'an entry two levels below a symlink',
      () =>
        crafted(() => {}, [
          { path: 'd', type: SYMLINK, mode: 0o777, mtimeMs: T, link: '/tmp' },
          { path: 'd/x/f.txt', type: FILE, mode: 0o644, mtimeMs: T, data: Buffer.from('escape') },
        ]),
      7,
      'E_UNSAFE_PATH',
    ],
    // These three were damage reported as I/O (exit 5, E_OUTPUT_UNWRITABLE) by the write that failed.
    [
      'a symlink target with a NUL byte',
      () => crafted(() => {}, [{ path: 'l', type: SYMLINK, mode: 0o777, mtimeMs: T, link: 'a\0b' }]),
      3,
      'E_MANIFEST_CORRUPT',
    ],
    [
      'a symlink target of 5,000 bytes',
      () => crafted(() => {}, [{ path: 'l', type: SYMLINK, mode: 0o777, mtimeMs: T, link: 'x'.repeat(5000) }]),
      3,
      'E_MANIFEST_CORRUPT',
    ],
    [
      'a file mtime NaN (written by a decode worker)',
      () =>
        crafted((a) => {
          const m = column(a.manifest.entries.mtimes);
          m[1] = NaN;
          a.manifest.entries.mtimes = new Uint8Array(m.buffer);
        }),
      3,
      'E_MANIFEST_CORRUPT',
    ],
    [
      'a mode above 0o7777',
      () =>
        crafted((a) => {
          a.manifest.entries.modes = new Uint8Array(Uint32Array.from([0o755, 0o100644, 0o755, 0o600]).buffer);
        }),
      3,
      'E_MANIFEST_CORRUPT',
    ],
  ];

  it.each(cases)('%s: a clear error and exit code, nothing written', (_label, make, exit, code) => {
    const file = make();
    const out = path.join(path.dirname(file), 'out');
    const r = warp(['archive', 'extract', file, '-C', out], { home: tmpDir() });
    expectClean(r, exit, code);
    expect(fs.existsSync(out) ? listFiles(out) : []).toEqual([]);
    expect(listFiles(path.dirname(file)).filter((p) => p.includes('warp-tmp'))).toEqual([]);
  });

  it('failed extracts release their worker threads and descriptors (in-process and in the daemon)', async () => {
    const threads = (pid: number | string): number => fs.readdirSync(`/proc/${pid}/task`).length;
    const fds = (pid: number | string): number => fs.readdirSync(`/proc/${pid}/fd`).length;
    // A damaged chunk (fails after streaming), a file where a directory must go (fails mid-stream), a refused manifest.
    const damaged = crafted((a) => {
      a.chunkBodies[0] = crypto.randomBytes(a.chunkBodies[0]!.length);
    });
    const blocking = crafted(() => {});
    const refused = crafted(setMtimes(NaN));
    const failing = (): Array<{ archive: string; target: string }> => {
      const t = tmpDir();
      fs.mkdirSync(path.join(t, 'd'));
      fs.writeFileSync(path.join(t, 'd', 'sub'), 'a file in the way');
      return [
        { archive: damaged, target: tmpDir() },
        { archive: blocking, target: t },
        { archive: refused, target: tmpDir() },
      ];
    };
    const run = async (): Promise<void> => {
      for (const f of failing()) {
        const e = await extractArchive({ ...f, existing: 'overwrite' }).catch((x: unknown) => x);
        expect(isWarpError(e), String(e)).toBe(true);
      }
    };
    await run(); // warm-up: libuv's thread pool starts on first use
    const before = { t: threads('self'), f: fds('self') };
    for (let i = 0; i < 4; i++) await run();
    // Verify and extract start their workers before reading the manifest: a refused one must stop them too.
    for (let i = 0; i < 4; i++) {
      const e = await verifyArchive({ archive: refused }).catch((x: unknown) => x);
      expect(isWarpError(e), String(e)).toBe(true);
    }
    expect(threads('self')).toBeLessThanOrEqual(before.t);
    expect(fds('self')).toBeLessThanOrEqual(before.f + 1);

    const d = await startDaemon(path.join(tmpDir(), 'home'), ['--no-listen']);
    try {
      const pid = d.proc.pid!;
      const viaDaemon = async (): Promise<void> => {
        for (const f of failing()) {
          const r = await d.api('POST', '/api/archive/extract', { ...f, existing: 'overwrite' });
          if (r.status !== 202) continue;
          for (let k = 0; k < 200; k++) {
            const j = await d.api('GET', `/api/jobs/${r.body.job}`);
            if (j.body.status !== 'running' && j.body.status !== 'queued') {
              expect(j.body.status).toBe('failed');
              break;
            }
            await new Promise((res) => setTimeout(res, 50));
          }
        }
      };
      await viaDaemon();
      await new Promise((res) => setTimeout(res, 300));
      const base = { t: threads(pid), f: fds(pid) };
      for (let i = 0; i < 4; i++) await viaDaemon();
      await new Promise((res) => setTimeout(res, 300));
      expect(threads(pid)).toBeLessThanOrEqual(base.t);
      expect(fds(pid)).toBeLessThanOrEqual(base.f + 2);
    } finally {
      await d.stop();
    }
  }, 90_000);
});

describe('limits from the unauthenticated header (item 5)', () => {
  it('a chunk declared larger than the chunker can make (4 GiB) is refused before any allocation', async () => {
    const file = crafted((a) => {
      const raw = new Uint32Array(Uint8Array.from(a.manifest.chunks.raw as Uint8Array).buffer);
      raw[0] = 0xffffffff;
      a.manifest.chunks.raw = new Uint8Array(raw.buffer);
    });
    const r = warpRss(['archive', 'extract', file, '-C', path.join(path.dirname(file), 'out')], tmpDir());
    expectClean(r, 3, 'E_MANIFEST_CORRUPT');
    expect(r.stderr).toMatch(/more than the chunk maximum/);
    expect(r.maxRssKiB).toBeLessThan(320 * 1024);
    const h = crafted((a) => {
      a.header.chunkMax = 0xffffffff;
    });
    expectClean(warp(['archive', 'list', h], { home: tmpDir() }), 3, 'E_ARCHIVE_HEADER_CORRUPT');
  });

  it('Argon2id parameters above the cap are refused at once; a user raises the cap explicitly (flag and config)', async () => {
    const dir = tmpDir();
    const home = path.join(dir, 'home');
    writeTree(path.join(dir, 'src'), { 'a.txt': 'secret' });
    const pw = path.join(dir, 'pw');
    fs.writeFileSync(pw, 'pass\n');
    const a = path.join(dir, 'a.warp');
    await createArchive({
      inputs: [path.join(dir, 'src')],
      output: a,
      key: { kind: 'password', password: Buffer.from('pass') },
      argon2: { opsLimit: 1, memKiB: 16 * 1024 },
      pool,
    });
    // A crafted header asking for 1 GiB and 64 passes (re-checksummed; the MAC fails only after derivation).
    const big = fs.readFileSync(a);
    const { encodeHeader, decodeHeader } = await import('../../src/engine/archive/format.ts');
    encodeHeader({ ...decodeHeader(big, 'x'), argon2: { opsLimit: 64, memKiB: 1024 * 1024 } }).copy(big, 0);
    const crafted1g = path.join(dir, 'big.warp');
    fs.writeFileSync(crafted1g, big);
    const t0 = Date.now();
    const r = warpRss(['archive', 'list', crafted1g, '--password-file', pw], home);
    expectClean(r, 3, 'E_KDF_LIMIT');
    expect(r.stderr).toMatch(/--argon2-max-memory/);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.maxRssKiB).toBeLessThan(320 * 1024);

    // The real archive (16 MiB, 1 pass): refused under an 8 MiB cap, opened when the flag or the config raises it.
    expectClean(
      warp(['archive', 'list', a, '--password-file', pw, '--argon2-max-memory', '8MiB'], { home }),
      3,
      'E_KDF_LIMIT',
    );
    expect(warp(['archive', 'list', a, '--password-file', pw, '--argon2-max-memory', '16MiB'], { home }).status).toBe(
      0,
    );
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(path.join(home, 'config.toml'), '[archive]\nargon2_max_memory = "8MiB"\n');
    expectClean(warp(['archive', 'list', a, '--password-file', pw], { home }), 3, 'E_KDF_LIMIT');
    expect(warp(['archive', 'list', a, '--password-file', pw], { home: path.join(dir, 'home2') }).status).toBe(0);
    expect(decodeHeader(fs.readFileSync(a), 'a').kdf).toBe(Kdf.ARGON2ID);
  }, 60_000);
});

describe('a killed archive create (lower items)', () => {
  it('leaves a recognisable temporary that the next create into that directory removes (real SIGKILL)', async () => {
    const dir = tmpDir();
    const src = path.join(dir, 'src');
    fs.mkdirSync(src);
    for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(src, `r${i}.bin`), crypto.randomBytes(64 * 1024 * 1024));
    const outDir = path.join(dir, 'out');
    fs.mkdirSync(outDir);
    const child = spawn(
      process.execPath,
      [BIN, 'archive', 'create', src, '-o', path.join(outDir, 'a.warp'), '--workers', '1'],
      { env: { ...process.env, WARP_HOME: path.join(dir, 'home') }, stdio: 'ignore' },
    );
    let temp: string | undefined;
    for (let k = 0; k < 600 && !temp; k++) {
      await new Promise((res) => setTimeout(res, 10));
      temp = fs.readdirSync(outDir).find((n) => isTempName(n) && fs.statSync(path.join(outDir, n)).size > 0);
    }
    expect(temp, 'the create wrote a temporary file').toBeDefined();
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    expect(fs.readdirSync(outDir)).toEqual([temp]);
    const r = warp(['archive', 'create', path.join(src, 'r0.bin'), '-o', path.join(outDir, 'b.warp')], {
      home: path.join(dir, 'home'),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readdirSync(outDir).sort()).toEqual(['b.warp']);
  }, 60_000);

  it("sweeps only temporaries of dead processes of this host (never a live process's, never its own)", () => {
    const dir = tmpDir();
    const live = spawn('sleep', ['30']);
    try {
      const own = path.basename(tempNameFor(path.join(dir, 'x')));
      const [, host, , rest] = /^\.warp-tmp-([0-9a-f]{4})-([0-9a-z]+)-(.*)$/.exec(own)!;
      const name = (h: string, pid: number): string => `.warp-tmp-${h}-${pid.toString(36)}-${rest}`;
      const withPid = (pid: number): string => name(host, pid);
      const deadPid = spawnSync('true').pid!;
      const names = [own, withPid(live.pid!), withPid(deadPid), name(host === '0000' ? 'ffff' : '0000', deadPid)];
      for (const n of names) fs.writeFileSync(path.join(dir, n), 'partial');
      fs.mkdirSync(path.join(dir, withPid(deadPid) + '0')); // a directory is never removed
      expect(names.every(isTempName)).toBe(true);
      expect(sweepStaleTemps(dir)).toEqual([withPid(deadPid)]);
      expect(fs.readdirSync(dir).sort()).toEqual([own, withPid(live.pid!), withPid(deadPid) + '0', names[3]].sort());
    } finally {
      live.kill();
    }
  });
});

describe('the exit-code table holds for what a user can cause (item 6)', () => {
  it('missing, foreign, special and unreadable inputs, impossible targets, bad limits: documented codes, no hang, no exit 1', async () => {
    const dir = tmpDir();
    const home = path.join(dir, 'home');
    writeTree(path.join(dir, 'src'), { 'a.txt': 'x' });
    const a = path.join(dir, 'a.warp');
    await createArchive({ inputs: [path.join(dir, 'src')], output: a, pool });
    fs.writeFileSync(path.join(dir, 'file'), 'not a dir');
    fs.writeFileSync(path.join(dir, 'empty.warp'), '');
    const cases: Array<[string[], number, string]> = [
      [['archive', 'list', path.join(dir, 'missing.warp')], 5, 'E_INPUT_NOT_FOUND'],
      [['archive', 'list', dir], 3, 'E_ARCHIVE_NOT_WARP'],
      [['archive', 'verify', '/dev/null'], 3, 'E_ARCHIVE_NOT_WARP'],
      [['archive', 'info', path.join(dir, 'empty.warp')], 3, 'E_ARCHIVE_NOT_WARP'],
      [['archive', 'extract', a, '-C', path.join(dir, 'file')], 6, 'E_OUTPUT_EXISTS'],
      [['archive', 'extract', a, '-C', path.join(dir, 'file', 'sub')], 5, 'E_OUTPUT_UNWRITABLE'],
      // Node's recursive mkdir spun forever here.
      [['archive', 'extract', a, '-C', '/proc/warp-test/x'], 5, 'E_OUTPUT_UNWRITABLE'],
      [['archive', 'extract', a, 'not/there', '-C', path.join(dir, 'o')], 7, 'E_NOT_IN_ARCHIVE'],
      [['archive', 'list', a, '--argon2-max-passes', 'many'], 2, 'E_USAGE'],
      [['archive', 'list', a, '--argon2-max-memory', '1GB!'], 2, 'E_USAGE'],
      [['archive', 'list', a, '--password-file', path.join(dir, 'nope')], 5, 'E_INPUT_NOT_FOUND'],
      [['archive', 'create', path.join(dir, 'src'), '-o', path.join(dir, 'file', 'x.warp')], 5, 'E_OUTPUT_UNWRITABLE'],
    ];
    for (const [args, exit, code] of cases) {
      const r = warp(args, { home, timeout: 20_000 });
      expectClean(r, exit, code);
    }
  }, 120_000);
});
