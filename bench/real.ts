/**
 * `npm run bench:real [-- --only=start,send,resend,create,extract,verify,swarm] [--rounds=3] [--tree=DIR] [--keep]`
 *   [--small-files=N]` (instead of the Linux tree, N generated files of 1-48 KiB, fixed seed: bench/lib/small-tree.ts;
 *   `npm run bench:small` is `--only=send --small-files=3000`) [--baseline=DIR] (the send row also times another
 *   built checkout's `warp send` + `warp listen` in the same rounds: before/after figures)
 *
 * Warp against the tools it must beat, on a real tree: the Linux 6.1 source (Debian `linux-source-6.1`, ~1.3 GB,
 * ~78.6k files; found at /work/data or unpacked from the package, which is installed with apt where missing).
 * Whole commands are timed by wall clock (process start to exit) with GNU time's peak RSS and user + system CPU;
 * Warp and the peer run in the same round, rounds interleaved (the peer goes first in every other round), and the
 * report shows medians side by side with the ratio Warp / peer and the issue's target. Rows:
 *   start    `warp --version`, `warp --help` (target <= 150 ms); `node -e 0` and `restic version` for scale
 *   send     first `warp send` to a `warp listen` on 127.0.0.1 (fresh homes) vs `rsync -a` to an rsync daemon
 *            (target <= 0.8x); the listener's peak RSS and CPU too
 *   resend   1 % of the bytes of a private copy overwritten (~800 files), re-send vs rsync (target <= 1x) and
 *            bytes on the wire (target <= 2 % of the tree); one listener and one rsync daemon for the whole row
 *   create   `warp archive create` vs `restic backup` (target <= 0.5x) and `tar | zstd -3 -T0` (size target <= 1x)
 *   extract  `warp archive extract` vs `zstd -d | tar -x` (target <= 1x) and `restic restore`
 *   verify   `warp archive verify` vs `restic check --read-data` (target <= 1x)
 *   swarm    `warp fetch --from` 4 listeners at `--rate-limit 25MB` serving the tree vs the 100 MB/s sum
 *            (target >= 90 %); one untimed warm-up fetch first (the listeners index the tree)
 * The load average is printed with every round: the machine may be shared, so compare ratios within one run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describeMachine } from './lib/archive-machine.ts';
import { sameTree, sizeOf } from './lib/archive-measure.ts';
import { median, procStats, timeCommand, type Sample } from './lib/real-run.ts';
import { editTree, findRealTree, summarize, type RealTree } from './lib/real-tree.ts';
import { makeSmallTree } from './lib/small-tree.ts';
import { startListener, stopProcess } from './lib/warp-listener.ts';

const repo = path.resolve(import.meta.dirname, '..');
const BIN = path.join(repo, 'bin/warp.js');
const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ROWS = ['start', 'send', 'resend', 'create', 'extract', 'verify', 'swarm'] as const;
type RowName = (typeof ROWS)[number];
const only = new Set(
  (opt('only') ?? ROWS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
for (const o of only)
  if (!(ROWS as readonly string[]).includes(o)) throw new Error(`--only: unknown row ${o} (rows: ${ROWS.join(', ')})`);
const rounds = Math.max(1, Number(opt('rounds') ?? 3));
const keep = argv.includes('--keep');
const MB = 1e6;
const MiB = 1024 * 1024;
const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const warp = (...args: string[]): string[] => [BIN, '--json', ...args];
/** `--baseline=DIR`: another checkout (built: `node scripts/build-cli.ts`) whose `warp send` runs in the same rounds. */
const baseline = opt('baseline') ? path.resolve(opt('baseline')!, 'bin/warp.js') : undefined;
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Samples of one command line over the rounds. */
class Tally {
  readonly samples: Sample[] = [];
  readonly extra: number[] = [];
  readonly label: string;
  constructor(label: string) {
    this.label = label;
  }
  add(s: Sample, extra = NaN): Sample {
    if (s.status !== 0) throw new Error(`${this.label} failed (status ${s.status}): ${s.tail.slice(-1500)}`);
    this.samples.push(s);
    this.extra.push(extra);
    return s;
  }
  get seconds(): number {
    return median(this.samples.map((s) => s.seconds));
  }
  get rss(): number {
    return median(this.samples.map((s) => s.peakRssKiB ?? NaN));
  }
  get cpu(): number {
    return median(this.samples.map((s) => s.cpuSeconds ?? NaN));
  }
}

interface Line {
  tally: Tally;
  vs?: Tally;
  target?: string;
  extraLabel?: string;
  extraFmt?: (x: number) => string;
  ratio?: (w: Tally, p: Tally) => string;
}
const report: Array<{ row: RowName; lines: Line[]; note?: string }> = [];

const fmtS = (x: number): string => (Number.isFinite(x) ? x.toFixed(x < 1 ? 3 : 2) : 'n/a');
const fmtMiB = (kib: number): string => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(0)} MiB` : 'n/a');
const roundLog = (row: RowName, r: number, t: Tally, s: Sample, extra = ''): void =>
  console.log(
    `  ${row} round ${r + 1}: ${t.label} ${fmtS(s.seconds)} s, peak ${fmtMiB(s.peakRssKiB ?? NaN)}, CPU ${fmtS(s.cpuSeconds ?? NaN)} s${extra}  load ${load()}`,
  );

/** Runs `fns` in order in even rounds and reversed in odd ones, so neither side always runs on a cooler machine. */
async function interleaved(r: number, fns: Array<() => Promise<void>>): Promise<void> {
  for (const f of r % 2 === 0 ? fns : [...fns].reverse()) await f();
}

// ---------------------------------------------------------------------------------------------------------------
// Set-up shared by the rows.

interface Ctx {
  tree: RealTree;
  work: string;
  idA: string;
  homeA: string;
  pw: string;
}

/** A new WARP_HOME with nothing cached; with the sender's identity (so listeners' `--allow` stays valid) unless `own`. */
function freshHome(ctx: Ctx, name: string, own = false): string {
  const h = path.join(ctx.work, 'homes', name);
  fs.rmSync(h, { recursive: true, force: true });
  fs.mkdirSync(h, { recursive: true });
  if (!own) fs.copyFileSync(path.join(ctx.homeA, 'identity.key'), path.join(h, 'identity.key'));
  return h;
}

function listen(
  ctx: Ctx,
  home: string,
  root: string,
  args: string[] = [],
  bin = BIN,
): Promise<{ proc: ChildProcess; addr: string }> {
  return startListener({ bin, home, root, allow: ctx.idA, globalArgs: ['-q'], args, direct: true });
}

/** Stops a listener after reading its peak RSS and CPU from /proc (it is not a child GNU time can wait for). */
async function stopListener(p: ChildProcess, into?: Tally): Promise<void> {
  const st = procStats(p.pid);
  await stopProcess(p);
  into?.samples.push({ seconds: NaN, status: 0, tail: '', ...st });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** An rsync daemon on 127.0.0.1 whose module `bench` is `dir`; its URL. */
async function rsyncDaemon(ctx: Ctx, dir: string): Promise<{ proc: ChildProcess; url: string }> {
  const port = await freePort();
  const conf = path.join(ctx.work, `rsyncd-${port}.conf`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    conf,
    `pid file = ${ctx.work}/rsyncd-${port}.pid\nuse chroot = no\n[bench]\npath = ${dir}\nread only = no\nuid = ${os.userInfo().uid}\ngid = ${os.userInfo().gid}\n`,
  );
  const proc = spawn(
    'rsync',
    ['--daemon', '--no-detach', `--config=${conf}`, `--port=${port}`, '--address=127.0.0.1'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((r) => {
      const s = net
        .connect(port, '127.0.0.1', () => {
          s.end();
          r(true);
        })
        .on('error', () => r(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, url: `rsync://127.0.0.1:${port}/bench` };
}

const rsyncSent = (s: Sample): number =>
  Number((/Total bytes sent:\s*([\d,.]+)/.exec(s.stdout ?? '')?.[1] ?? 'NaN').replace(/[,.]/g, ''));

/** Same file count and bytes as the tree (every round); a byte-for-byte diff in the first round. */
function check(ctx: Ctx, what: string, dir: string, deep: boolean, tree = ctx.tree.root): void {
  const want = summarize(tree);
  const got = summarize(dir);
  if (got.files !== want.files || got.bytes !== want.bytes)
    throw new Error(`${what}: ${got.files} files / ${got.bytes} B in ${dir}, want ${want.files} / ${want.bytes}`);
  if (deep) {
    // The copy may sit a level or two down (`<root>/t/<name>`): descend single folders until the tree's entries show.
    const sentinel = fs.readdirSync(tree).sort()[0];
    let d = dir;
    for (
      let inner = fs.readdirSync(d);
      !fs.existsSync(path.join(d, sentinel)) && inner.length === 1;
      inner = fs.readdirSync(d)
    )
      d = path.join(d, inner[0]);
    const r = sameTree(tree, d);
    if (!r.same) throw new Error(`${what}: differs from the tree: ${r.detail}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rows.

async function rowStart(): Promise<void> {
  const ver = new Tally('warp --version');
  const help = new Tally('warp --help');
  const node = new Tally('node -e 0');
  const restic = has('restic') ? new Tally('restic version') : undefined;
  for (let r = 0; r < Math.max(5, rounds); r++) {
    await interleaved(r, [
      async () => {
        ver.add(await timeCommand([BIN, '--version']));
      },
      async () => {
        help.add(await timeCommand([BIN, '--help']));
      },
      async () => {
        node.add(await timeCommand(['node', '-e', '0']));
      },
      async () => {
        if (restic) restic.add(await timeCommand(['restic', 'version']));
      },
    ]);
  }
  console.log(
    `  start: --version ${ver.samples.map((s) => fmtS(s.seconds)).join(', ')} s; --help ${help.samples.map((s) => fmtS(s.seconds)).join(', ')} s  load ${load()}`,
  );
  const vsTarget = (w: Tally): string => `${(w.seconds / 0.15).toFixed(2)}x the 150 ms target`;
  report.push({
    row: 'start',
    lines: [
      { tally: ver, target: '<= 0.150 s', ratio: vsTarget },
      { tally: help, target: '<= 0.150 s', ratio: vsTarget },
      { tally: node },
      ...(restic ? [{ tally: restic }] : []),
    ],
  });
}

async function rowSend(ctx: Ctx): Promise<void> {
  const send = new Tally('warp send (first)');
  const listener = new Tally('warp listen (receiving)');
  const base = baseline ? new Tally('warp send (first), --baseline') : undefined;
  const baseListener = baseline ? new Tally('warp listen (receiving), --baseline') : undefined;
  const rsync = new Tally('rsync -a to rsyncd');
  const dst = path.join(ctx.work, 'send');
  const d = await rsyncDaemon(ctx, path.join(dst, 'rsync'));
  const warpRound = async (r: number, bin: string, t: Tally, lt: Tally): Promise<void> => {
    const root = path.join(dst, 'warp');
    fs.rmSync(root, { recursive: true, force: true });
    const l = await listen(ctx, freshHome(ctx, `send-B${r}`, true), root, [], bin);
    const s = t.add(
      await timeCommand([bin, '--json', 'send', ctx.tree.root, `${l.addr}:/t`], {
        env: { WARP_HOME: freshHome(ctx, `send-A${r}`) },
      }),
    );
    await stopListener(l.proc, lt);
    roundLog(
      'send',
      r,
      t,
      s,
      `; listener peak ${fmtMiB(lt.samples.at(-1)?.peakRssKiB ?? NaN)}, CPU ${fmtS(lt.samples.at(-1)?.cpuSeconds ?? NaN)} s; ${String(s.result?.transport)}`,
    );
    check(ctx, t.label, root, r === 0);
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let r = 0; r < rounds; r++) {
      await interleaved(r, [
        () => warpRound(r, BIN, send, listener),
        async () => {
          fs.rmSync(path.join(dst, 'rsync', 'copy'), { recursive: true, force: true });
          const s = rsync.add(
            await timeCommand(['rsync', '-a', '--stats', `${ctx.tree.root}/`, `${d.url}/copy/`], { keepStdout: true }),
          );
          roundLog('send', r, rsync, s);
          check(ctx, 'rsync', path.join(dst, 'rsync', 'copy'), false);
          fs.rmSync(path.join(dst, 'rsync', 'copy'), { recursive: true, force: true });
        },
        ...(baseline && base && baseListener ? [() => warpRound(r, baseline, base, baseListener)] : []),
      ]);
    }
  } finally {
    await stopProcess(d.proc);
    fs.rmSync(dst, { recursive: true, force: true });
  }
  report.push({
    row: 'send',
    lines: [
      { tally: send, vs: rsync, target: '<= 0.8x rsync, peak RSS <= 200 MB' },
      { tally: listener },
      ...(base && baseListener ? [{ tally: base, vs: rsync }, { tally: baseListener }] : []),
      { tally: rsync },
    ],
  });
}

async function rowResend(ctx: Ctx): Promise<void> {
  const send = new Tally('warp send (1 % edit)');
  const listener = new Tally('warp listen (whole row)');
  const rsync = new Tally('rsync -a to rsyncd');
  const src = path.join(ctx.work, 'resend-src', path.basename(ctx.tree.root));
  const dst = path.join(ctx.work, 'resend');
  fs.mkdirSync(path.dirname(src), { recursive: true });
  const cp = spawnSync('cp', ['-a', ctx.tree.root, path.dirname(src)]);
  if (cp.status !== 0) throw new Error(`cp -a of the tree failed: ${cp.stderr.toString()}`);
  const homeA = freshHome(ctx, 'resend-A');
  const l = await listen(ctx, freshHome(ctx, 'resend-B', true), path.join(dst, 'warp'));
  const d = await rsyncDaemon(ctx, path.join(dst, 'rsync'));
  try {
    // First copies, untimed: the state a re-send starts from.
    const first = await timeCommand(warp('send', src, `${l.addr}:/t`), { env: { WARP_HOME: homeA } });
    if (first.status !== 0) throw new Error(`first warp send failed: ${first.tail}`);
    const rf = await timeCommand(['rsync', '-a', `${src}/`, `${d.url}/copy/`]);
    if (rf.status !== 0) throw new Error(`first rsync failed: ${rf.tail}`);
    console.log(
      `  resend: first copies ${fmtS(first.seconds)} s (warp), ${fmtS(rf.seconds)} s (rsync)  load ${load()}`,
    );
    for (let r = 0; r < rounds; r++) {
      const e = editTree(src, 0.01, `bench-real-edit-${r}`);
      spawnSync('sync');
      console.log(`  resend round ${r + 1}: edited ${(e.bytes / MB).toFixed(2)} MB in ${e.files} files`);
      await interleaved(r, [
        async () => {
          const s = await timeCommand(warp('send', src, `${l.addr}:/t`), { env: { WARP_HOME: homeA } });
          send.add(s, Number(s.result?.wireBytes));
          roundLog('resend', r, send, s, `; wire ${(Number(s.result?.wireBytes) / MB).toFixed(2)} MB`);
        },
        async () => {
          const s = await timeCommand(['rsync', '-a', '--stats', `${src}/`, `${d.url}/copy/`], { keepStdout: true });
          rsync.add(s, rsyncSent(s));
          roundLog('resend', r, rsync, s, `; sent ${(rsyncSent(s) / MB).toFixed(2)} MB`);
        },
      ]);
    }
    check(ctx, 'warp re-send', path.join(dst, 'warp'), true, src);
    check(ctx, 'rsync re-send', path.join(dst, 'rsync', 'copy'), false, src);
  } finally {
    await stopListener(l.proc, listener);
    await stopProcess(d.proc);
    fs.rmSync(dst, { recursive: true, force: true });
    fs.rmSync(path.dirname(src), { recursive: true, force: true });
  }
  const wire = (x: number): string => `${(x / MB).toFixed(2)} MB (${((x / ctx.tree.bytes) * 100).toFixed(2)} %)`;
  report.push({
    row: 'resend',
    lines: [
      { tally: send, vs: rsync, target: '<= 1x rsync; wire <= 2 %', extraLabel: 'on the wire', extraFmt: wire },
      { tally: listener },
      { tally: rsync, extraLabel: 'sent', extraFmt: wire },
    ],
  });
}

// Archives: made by the create row, or once (untimed) for extract/verify when create is not run.
const archives = (ctx: Ctx): { warp: string; restic: string; zst: string } => ({
  warp: path.join(ctx.work, 'a', 'tree.warp'),
  restic: path.join(ctx.work, 'a', 'restic'),
  zst: path.join(ctx.work, 'a', 'tree.tar.zst'),
});
const resticArgs = (ctx: Ctx): string[] => [
  '--repo',
  archives(ctx).restic,
  '--password-file',
  ctx.pw,
  '--cache-dir',
  path.join(ctx.work, 'restic-cache'),
];
const createCmds = (ctx: Ctx): Record<'warp' | 'restic' | 'zstd', { argv: string[]; cwd?: string }> => ({
  warp: { argv: warp('archive', 'create', '.', '-o', archives(ctx).warp), cwd: ctx.tree.root },
  restic: { argv: ['restic', 'backup', '--quiet', ...resticArgs(ctx), '.'], cwd: ctx.tree.root },
  zstd: {
    argv: [
      'bash',
      '-c',
      'set -euo pipefail; tar -C "$1" -cf - . | zstd -3 -T0 -q -o "$2"',
      'bench',
      ctx.tree.root,
      archives(ctx).zst,
    ],
    cwd: undefined,
  },
});
function prepareCreate(ctx: Ctx, which: 'warp' | 'restic' | 'zstd'): void {
  const a = archives(ctx);
  fs.mkdirSync(path.join(ctx.work, 'a'), { recursive: true });
  if (which === 'warp') fs.rmSync(a.warp, { force: true });
  if (which === 'zstd') fs.rmSync(a.zst, { force: true });
  if (which === 'restic') {
    fs.rmSync(a.restic, { recursive: true, force: true });
    const r = spawnSync('restic', ['init', '--quiet', '--repository-version', '2', ...resticArgs(ctx)], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`restic init failed: ${r.stderr}`);
  }
}

async function rowCreate(ctx: Ctx): Promise<void> {
  const t = {
    warp: new Tally('warp archive create'),
    restic: new Tally('restic backup'),
    zstd: new Tally('tar | zstd -3 -T0'),
  };
  const out = { warp: archives(ctx).warp, restic: archives(ctx).restic, zstd: archives(ctx).zst };
  const cmds = createCmds(ctx);
  for (let r = 0; r < rounds; r++) {
    await interleaved(
      r,
      (['warp', 'restic', 'zstd'] as const)
        .filter((k) => k !== 'restic' || has('restic'))
        .map((k) => async () => {
          prepareCreate(ctx, k);
          const s = await timeCommand(cmds[k].argv, { cwd: cmds[k].cwd });
          t[k].add(s, sizeOf(out[k]));
          roundLog('create', r, t[k], s, `; ${(sizeOf(out[k]) / MB).toFixed(1)} MB`);
        }),
    );
  }
  const size = (x: number): string => `${(x / MB).toFixed(1)} MB`;
  report.push({
    row: 'create',
    lines: [
      {
        tally: t.warp,
        vs: t.restic,
        target: '<= 0.5x restic; size <= tar+zstd -3',
        extraLabel: 'size',
        extraFmt: size,
      },
      { tally: t.warp, vs: t.zstd, extraLabel: 'size', extraFmt: size },
      { tally: t.restic, extraLabel: 'size', extraFmt: size },
      { tally: t.zstd, extraLabel: 'size', extraFmt: size },
    ],
  });
}

async function ensureArchives(ctx: Ctx): Promise<void> {
  const a = archives(ctx);
  const cmds = createCmds(ctx);
  for (const [k, p] of [
    ['warp', a.warp],
    ['restic', a.restic],
    ['zstd', a.zst],
  ] as const) {
    if (fs.existsSync(p) || (k === 'restic' && !has('restic'))) continue;
    prepareCreate(ctx, k);
    const s = await timeCommand(cmds[k].argv, { cwd: cmds[k].cwd });
    if (s.status !== 0) throw new Error(`${k} create failed: ${s.tail}`);
    console.log(`  (made ${path.basename(p)} for extract/verify in ${fmtS(s.seconds)} s)`);
  }
}

async function rowExtract(ctx: Ctx): Promise<void> {
  await ensureArchives(ctx);
  const a = archives(ctx);
  // Each command extracts into its own folder, all removed when the row ends: removing the last tree right
  // before the next command made that one pay for it (ext4 without a journal skips inodes freed in the last
  // minute, scanning the bitmaps: 17 % of one extract's samples in recently_deleted under perf).
  const destOf = (k: string, r: number): string => path.join(ctx.work, `x-${k}-${r}`);
  const cmds = {
    warp: (dest: string) => warp('archive', 'extract', a.warp, '-C', dest),
    zstd: (dest: string) => [
      'bash',
      '-c',
      'set -euo pipefail; zstd -d -q -c "$1" | tar -C "$2" -xf -',
      'bench',
      a.zst,
      dest,
    ],
    restic: (dest: string) => ['restic', 'restore', 'latest', '--quiet', '--target', dest, ...resticArgs(ctx)],
  };
  const t = {
    warp: new Tally('warp archive extract'),
    zstd: new Tally('zstd -d | tar -x'),
    restic: new Tally('restic restore'),
  };
  for (let r = 0; r < rounds; r++) {
    await interleaved(
      r,
      (['warp', 'zstd', 'restic'] as const)
        .filter((k) => k !== 'restic' || has('restic'))
        .map((k) => async () => {
          const dest = destOf(k, r);
          fs.rmSync(dest, { recursive: true, force: true });
          fs.mkdirSync(dest, { recursive: true });
          spawnSync('sync');
          const s = t[k].add(await timeCommand(cmds[k](dest)));
          roundLog('extract', r, t[k], s);
          check(ctx, t[k].label, dest, r === 0 && k === 'warp');
        }),
    );
  }
  for (let r = 0; r < rounds; r++)
    for (const k of ['warp', 'zstd', 'restic']) fs.rmSync(destOf(k, r), { recursive: true, force: true });
  report.push({
    row: 'extract',
    lines: [
      { tally: t.warp, vs: t.zstd, target: '<= 1x zstd -d | tar -x, peak RSS <= 200 MB' },
      { tally: t.warp, vs: t.restic },
      { tally: t.zstd },
      { tally: t.restic },
    ],
  });
}

async function rowVerify(ctx: Ctx): Promise<void> {
  await ensureArchives(ctx);
  const t = { warp: new Tally('warp archive verify'), restic: new Tally('restic check --read-data') };
  const cmds = {
    warp: warp('archive', 'verify', archives(ctx).warp),
    restic: ['restic', 'check', '--read-data', '--quiet', ...resticArgs(ctx)],
  };
  for (let r = 0; r < rounds; r++) {
    await interleaved(
      r,
      (['warp', 'restic'] as const)
        .filter((k) => k !== 'restic' || has('restic'))
        .map((k) => async () => {
          const s = t[k].add(await timeCommand(cmds[k]));
          roundLog('verify', r, t[k], s);
        }),
    );
  }
  report.push({
    row: 'verify',
    lines: [{ tally: t.warp, vs: t.restic, target: '<= 1x restic, peak RSS <= 200 MB' }, { tally: t.restic }],
  });
}

async function rowSwarm(ctx: Ctx): Promise<void> {
  const peersN = 4;
  const rate = 25 * MB;
  const fetch = new Tally(`warp fetch --from (${peersN} x 25 MB/s)`);
  const listeners = new Tally('warp listen (each, serving)');
  const peers = await Promise.all(
    Array.from({ length: peersN }, (_, i) =>
      listen(ctx, freshHome(ctx, `swarm-L${i}`, true), path.dirname(ctx.tree.root), ['--rate-limit', '25MB']),
    ),
  );
  const out = path.join(ctx.work, 'swarm-out');
  const once = async (home: string): Promise<Sample> => {
    fs.rmSync(out, { recursive: true, force: true });
    return timeCommand(
      warp(
        'fetch',
        '--no-preposition',
        `${peers[0].addr}:/${path.basename(ctx.tree.root)}`,
        out,
        '--from',
        ...peers.slice(1).map((p) => p.addr),
      ),
      { env: { WARP_HOME: home } },
    );
  };
  try {
    // Each listener indexes the tree alone first: four first scans of 1.3 GB at once on 2 cores starved the
    // listeners past QUIC's idle timeout (2026-12-07, load ~19: E_PEER_UNREACHABLE in the warm-up fetch).
    for (const [i, p] of peers.entries()) {
      const s = await indexOnly(ctx, p.addr, freshHome(ctx, `swarm-I${i}`), path.join(ctx.work, `swarm-idx${i}`));
      console.log(`  swarm listener ${i + 1} indexed the tree in ${fmtS(s)} s  load ${load()}`);
    }
    const w = await once(freshHome(ctx, 'swarm-A-warm'));
    if (w.status !== 0) throw new Error(`swarm warm-up fetch failed: ${w.tail}`);
    console.log(
      `  swarm warm-up (listeners index the tree): ${fmtS(w.seconds)} s, ${(ctx.tree.bytes / MB / w.seconds).toFixed(1)} MB/s  load ${load()}`,
    );
    for (let r = 0; r < rounds; r++) {
      const s = await once(freshHome(ctx, `swarm-A${r}`));
      fetch.add(s, ctx.tree.bytes / s.seconds);
      roundLog(
        'swarm',
        r,
        fetch,
        s,
        `; ${(ctx.tree.bytes / MB / s.seconds).toFixed(1)} MB/s = ${((ctx.tree.bytes / s.seconds / (peersN * rate)) * 100).toFixed(0)} % of the sum`,
      );
      check(ctx, 'swarm fetch', out, r === 0);
    }
  } finally {
    for (const p of peers) await stopListener(p.proc, listeners);
    fs.rmSync(out, { recursive: true, force: true });
  }
  report.push({
    row: 'swarm',
    lines: [
      {
        tally: fetch,
        target: '>= 90 % of the 100 MB/s sum',
        extraLabel: 'rate',
        extraFmt: (x) => `${(x / MB).toFixed(1)} MB/s`,
        ratio: (w) =>
          `${((ctx.tree.bytes / w.seconds / (peersN * rate)) * 100).toFixed(0)} % of the sum (ideal ${(ctx.tree.bytes / (peersN * rate)).toFixed(1)} s)`,
      },
      { tally: listeners },
    ],
  });
}

/**
 * Makes a listener scan (and index) the tree: a plain fetch from it alone, stopped once the manifest has
 * arrived (nothing is pulled). Returns the seconds it took.
 */
async function indexOnly(ctx: Ctx, addr: string, home: string, out: string): Promise<number> {
  const t0 = performance.now();
  const [bin, ...args] = warp('fetch', `${addr}:/${path.basename(ctx.tree.root)}`, out);
  const proc = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, WARP_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  proc.stderr.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-2000)));
  const ok = await new Promise<boolean>((resolve) => {
    let buf = '';
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      if (/"type":"transfer\.manifest"/.test(buf)) resolve(true);
      buf = buf.slice(-4096);
    });
    proc.on('exit', () => resolve(false));
  });
  await stopProcess(proc);
  fs.rmSync(out, { recursive: true, force: true });
  if (!ok) throw new Error(`indexing fetch from ${addr} ended before the manifest: ${tail}`);
  return (performance.now() - t0) / 1000;
}

// ---------------------------------------------------------------------------------------------------------------

function printReport(ctx: Ctx | undefined): void {
  console.log('\n| row | command | wall s (median) | rounds | peak RSS | CPU s (user+sys) | vs | target | extra |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const g of report) {
    for (const l of g.lines) {
      const ratio = l.ratio
        ? l.ratio(l.tally, l.vs ?? l.tally)
        : l.vs
          ? `${(l.tally.seconds / l.vs.seconds).toFixed(2)}x ${l.vs.label}`
          : '';
      const extra = l.extraFmt ? `${l.extraLabel} ${l.extraFmt(median(l.tally.extra))}` : '';
      const secs = l.tally.samples.map((s) => s.seconds).filter(Number.isFinite);
      const cell = (t: string): string => t.replaceAll('|', '\\|');
      console.log(
        `| ${g.row} | ${cell(l.tally.label)} | ${secs.length ? fmtS(l.tally.seconds) : '-'} | ${secs.map(fmtS).join(', ')} | ${fmtMiB(l.tally.rss)} | ${fmtS(l.tally.cpu)} | ${cell(ratio)} | ${cell(l.target ?? '')} | ${extra} |`,
      );
    }
  }
  if (ctx)
    console.log(
      `\ntree: ${ctx.tree.root} (${ctx.tree.origin}): ${ctx.tree.files} files, ${(ctx.tree.bytes / MB).toFixed(0)} MB; load at the end ${load()}`,
    );
}

async function main(): Promise<void> {
  const m = describeMachine(os.tmpdir());
  console.log(
    `bench:real  rows ${[...only].join(',')}  rounds ${rounds}  ${m.cores} cores (${m.cpu}), ${m.memGiB} GiB, ${m.disk}, node ${m.node}  load ${load()}`,
  );
  if (only.has('start')) await rowStart();
  const needTree = [...only].some((r) => r !== 'start');
  if (!needTree) {
    printReport(undefined);
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-bench-real-'));
  const small = Number(opt('small-files') ?? 0);
  const tree = small
    ? {
        ...findRealTree('', makeSmallTree(path.join(work, 'small', 'tree'), small)),
        origin: `${small} files of 1-48 KiB, seed 11 (--small-files)`,
      }
    : findRealTree(path.join(repo, '.bench-data'), opt('tree'));
  console.log(
    `tree: ${tree.root} (${tree.origin}): ${tree.files} files, ${(tree.bytes / MB).toFixed(0)} MB (${(tree.bytes / MiB).toFixed(0)} MiB)`,
  );
  const homeA = path.join(work, 'homes', 'A');
  const id = await timeCommand(warp('id'), { env: { WARP_HOME: homeA } });
  const idA = String(
    id.result?.peerId ?? (JSON.parse(id.tail.trim().split('\n').at(-1) ?? '{}') as { peerId?: string }).peerId,
  );
  const pw = path.join(work, 'password');
  fs.writeFileSync(pw, 'bench-real-password\n');
  const ctx: Ctx = { tree, work, idA, homeA, pw };
  try {
    const rows: Array<[RowName, (c: Ctx) => Promise<void>]> = [
      ['send', rowSend],
      ['resend', rowResend],
      ['create', rowCreate],
      ['extract', rowExtract],
      ['verify', rowVerify],
      ['swarm', rowSwarm],
    ];
    for (const [name, fn] of rows) {
      if (!only.has(name)) continue;
      if (name !== 'create' && name !== 'extract' && name !== 'verify' && name !== 'swarm' && !has('rsync')) {
        console.log(`  ${name}: skipped, rsync not installed (apt-get install -y rsync)`);
        continue;
      }
      await fn(ctx);
    }
  } finally {
    printReport(ctx);
    if (keep) console.log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
