/**
 * The peer tools Warp is compared with, run on the same data in the same run. Settings are chosen to be the same
 * class as Warp's defaults where the tool allows it (documented in BENCHMARKS.md, "Archive"):
 *   restic    repository v2, `--compression auto` (its default: zstd at a fast level), always encrypted (AES-256-CTR +
 *             Poly1305-AES), content-defined chunks ~1 MiB avg, GOMAXPROCS = all cores
 *   borg      `--encryption=repokey-blake2` (authenticated encryption like restic and Warp with a password),
 *             `--compression zstd,1`, buzhash chunks ~2 MiB avg, single-threaded
 *   tar       plain ustar/GNU tar, no compression: the file-system walk + copy baseline
 *   tar+zstd  `tar | zstd -1 -T0` (all cores): a stream compressor with no dedup
 *   zstd      `zstd -1 -T0` over a pre-made tar of the set: the codec alone, no file walk (a ceiling for create)
 * Peers are optional: a tool that is not installed is reported as skipped.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { which, type RunResult } from './archive-measure.ts';
import type { Detected, Tool, ToolContext } from './archive-tool.ts';

function version(cmd: string, args: string[], re: RegExp): Detected {
  if (!which(cmd)) return { missing: `${cmd} not found on PATH (Debian: apt-get install -y restic borgbackup zstd)` };
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const m = re.exec(`${r.stdout}${r.stderr}`);
  return m ? { version: m[1] } : { missing: `${cmd} ${args.join(' ')} printed no version` };
}

function mustRun(argv: string[], env?: Record<string, string>): void {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...env }, input: '' });
  if (r.status !== 0)
    throw new Error(
      `${argv.slice(0, 3).join(' ')} failed: ${(r.stderr || r.stdout || String(r.error)).trim().slice(0, 300)}`,
    );
}

/** A `bash -c` pipeline with pipefail, so a failing tar is not hidden by a succeeding zstd. */
function pipeline(script: string, ...args: string[]): string[] {
  return ['bash', '-c', `set -euo pipefail; ${script}`, 'bench', ...args];
}

function lastJsonLine(text: string): Record<string, unknown> | undefined {
  const lines = text.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const v: unknown = JSON.parse(lines[i]);
      if (v && typeof v === 'object') return v as Record<string, unknown>;
    } catch (_) {
      // not JSON (progress or warnings)
    }
  }
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

// ---------------------------------------------------------------------------------------------------------------

const resticRepo = (ctx: ToolContext): string => path.join(ctx.work, 'repo');
/** Restic's cache lives in the scratch dir: a fresh, per-run cache for every run, removed afterwards. */
const resticArgs = (ctx: ToolContext): string[] => [
  '--repo',
  resticRepo(ctx),
  '--password-file',
  ctx.passwordFile,
  '--cache-dir',
  path.join(ctx.work, 'cache'),
];

export const restic: Tool = {
  name: 'restic',
  settings: 'repo v2, --compression auto, AES-256 + Poly1305 (always on)',
  detect: () => version('restic', ['version'], /restic ([\d.]+)/),
  create: (ctx) => ({
    setup: () => mustRun(['restic', 'init', '--repository-version', '2', '--quiet', ...resticArgs(ctx)]),
    // Back up "." from inside the set so the snapshot (and the restore) holds the tree itself, not its absolute path.
    argv: ['restic', 'backup', '--json', '--quiet', ...resticArgs(ctx), '.'],
    cwd: ctx.data,
    parse: (r: RunResult) => {
      const s = lastJsonLine(r.stdout);
      const processed = num(s?.total_bytes_processed);
      const added = num(s?.data_added);
      return { dedupRatio: processed && added ? processed / added : undefined, details: s };
    },
  }),
  output: resticRepo,
  extract: (ctx, dest) => ({ argv: ['restic', 'restore', 'latest', '--quiet', '--target', dest, ...resticArgs(ctx)] }),
  verify: (ctx) => ({ argv: ['restic', 'check', '--read-data', '--quiet', ...resticArgs(ctx)] }),
};

// ---------------------------------------------------------------------------------------------------------------

const borgRepo = (ctx: ToolContext): string => path.join(ctx.work, 'repo');
/** BORG_BASE_DIR keeps borg's cache, keys and security dir in the scratch dir (fresh per run, like restic's). */
const borgEnv = (ctx: ToolContext): Record<string, string> => ({
  BORG_BASE_DIR: path.join(ctx.work, 'home'),
  BORG_PASSPHRASE: fs.readFileSync(ctx.passwordFile, 'utf8').trim(),
  BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
  BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
});

export const borg: Tool = {
  name: 'borg',
  settings: 'repokey-blake2, --compression zstd,1, single-threaded',
  detect: () => version('borg', ['--version'], /borg ([\d.]+\S*)/),
  create: (ctx) => ({
    setup: () => mustRun(['borg', 'init', '--encryption=repokey-blake2', borgRepo(ctx)], borgEnv(ctx)),
    argv: ['borg', 'create', '--json', '--compression', 'zstd,1', `${borgRepo(ctx)}::bench`, '.'],
    cwd: ctx.data,
    env: borgEnv(ctx),
    parse: (r: RunResult) => {
      const s =
        lastJsonLine(r.stdout) ??
        (() => {
          try {
            return JSON.parse(r.stdout) as Record<string, unknown>;
          } catch (_) {
            return undefined;
          }
        })();
      const stats = (s?.archive as { stats?: Record<string, unknown> } | undefined)?.stats;
      const compressed = num(stats?.compressed_size);
      const dedup = num(stats?.deduplicated_size);
      return { dedupRatio: compressed && dedup ? compressed / dedup : undefined, details: stats };
    },
  }),
  output: borgRepo,
  // borg extracts into the current directory.
  extract: (ctx, dest) => ({ argv: ['borg', 'extract', `${borgRepo(ctx)}::bench`], cwd: dest, env: borgEnv(ctx) }),
  verify: (ctx) => ({ argv: ['borg', 'check', '--verify-data', borgRepo(ctx)], env: borgEnv(ctx) }),
};

// ---------------------------------------------------------------------------------------------------------------

export const tar: Tool = {
  name: 'tar',
  settings: 'no compression, no dedup',
  detect: () => version('tar', ['--version'], /tar\)? ([\d.]+)/),
  create: (ctx) => ({ argv: ['tar', '-C', ctx.data, '-cf', path.join(ctx.work, 'out.tar'), '.'] }),
  output: (ctx) => path.join(ctx.work, 'out.tar'),
  extract: (ctx, dest) => ({ argv: ['tar', '-C', dest, '-xf', path.join(ctx.work, 'out.tar')] }),
};

export const tarZstd: Tool = {
  name: 'tar+zstd',
  settings: 'tar | zstd -1 -T0, no dedup',
  detect: () => {
    const t = version('tar', ['--version'], /tar\)? ([\d.]+)/);
    const z = version('zstd', ['--version'], /v([\d.]+)/);
    if ('missing' in t) return t;
    if ('missing' in z) return z;
    return { version: `tar ${t.version}, zstd ${z.version}` };
  },
  create: (ctx) => ({
    argv: pipeline('tar -C "$1" -cf - . | zstd -1 -T0 -q -o "$2"', ctx.data, path.join(ctx.work, 'out.tar.zst')),
  }),
  output: (ctx) => path.join(ctx.work, 'out.tar.zst'),
  extract: (ctx, dest) => ({
    argv: pipeline('zstd -d -q -c "$1" | tar -C "$2" -xf -', path.join(ctx.work, 'out.tar.zst'), dest),
  }),
  // zstd frames carry a content checksum (on by default in the CLI): -t decompresses and checks it.
  verify: (ctx) => ({ argv: ['zstd', '-t', '-q', path.join(ctx.work, 'out.tar.zst')] }),
};

export const zstd: Tool = {
  name: 'zstd',
  settings: 'zstd -1 -T0 on a pre-made tar (codec only, no file walk)',
  detect: () => version('zstd', ['--version'], /v([\d.]+)/),
  create: (ctx) => ({
    setup: () => mustRun(['tar', '-C', ctx.data, '-cf', path.join(ctx.work, 'in.tar'), '.']),
    argv: ['zstd', '-1', '-T0', '-q', '-f', path.join(ctx.work, 'in.tar'), '-o', path.join(ctx.work, 'out.zst')],
  }),
  output: (ctx) => path.join(ctx.work, 'out.zst'),
  extract: (ctx, dest) => ({
    argv: ['zstd', '-d', '-q', '-f', path.join(ctx.work, 'out.zst'), '-o', path.join(dest, 'out.tar')],
  }),
  verify: (ctx) => ({ argv: ['zstd', '-t', '-q', path.join(ctx.work, 'out.zst')] }),
  checkExtract: (ctx, dest) => {
    const r = spawnSync('cmp', ['-s', path.join(ctx.work, 'in.tar'), path.join(dest, 'out.tar')]);
    return r.status === 0
      ? { same: true, detail: '' }
      : { same: false, detail: 'decompressed tar differs from the input tar' };
  },
};

export const PEERS: readonly Tool[] = [restic, borg, tar, tarZstd, zstd];
