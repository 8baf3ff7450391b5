/**
 * Warp itself, driven exactly like the peers: through its CLI in a subprocess (`bin/warp.js --json archive …`,
 * executed directly so its shebang applies as for `npx warp`), timed and RSS-measured from outside. Under
 * `npm run` the pinned Node is first on PATH.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { RunResult } from './archive-measure.ts';
import type { Detected, Tool, ToolContext } from './archive-tool.ts';

const WARP = path.resolve(import.meta.dirname, '..', '..', 'bin', 'warp.js');

export interface WarpVariant {
  /** Row name in the report, e.g. `warp` or `warp+enc`. */
  name: string;
  /** `--level fast|balanced|max`; undefined = Warp's default. */
  level?: string;
  /** `--chunk-avg SIZE`; undefined = Warp's default. */
  chunkAvg?: string;
  encrypt: boolean;
  /** `--fsync`: flush the archive before exiting, as restic and borg always do (tar and zstd do not). */
  fsync: boolean;
}

function warp(...args: string[]): string[] {
  // Executed directly, so its shebang (Node flags, malloc settings) applies exactly as for `npx warp`; npm run
  // puts the pinned Node first on PATH for `env node`.
  return [WARP, '--json', ...args];
}

/**
 * The archive commands exist when `archive create --help` prints their usage (a CLI without them prints the
 * root help with status 0, so the status alone proves nothing).
 */
export function detectWarp(): Detected {
  const r = spawnSync(process.execPath, [WARP, 'archive', 'create', '--help'], { encoding: 'utf8' });
  if (r.status === 0 && /Usage: warp archive create/.test(r.stdout)) {
    const v = spawnSync(process.execPath, [WARP, '--version'], { encoding: 'utf8' });
    const commit = spawnSync('git', ['-C', path.dirname(WARP), 'describe', '--always', '--dirty'], {
      encoding: 'utf8',
    });
    return { version: `${v.stdout.trim()}${commit.status === 0 ? ` (${commit.stdout.trim()})` : ''}` };
  }
  return { missing: "Warp's archive commands are not available yet (`warp archive create --help` shows no usage)" };
}

/** The `{"type":"result"}` line Warp prints last with --json; fields are read defensively (they may evolve). */
function resultOf(r: RunResult): Record<string, unknown> | undefined {
  const lines = r.stdout.trim().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const v = JSON.parse(lines[i]) as Record<string, unknown>;
      if (v && v.type === 'result') return v;
    } catch (_) {
      // not JSON
    }
  }
  return undefined;
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

export function warpTool(v: WarpVariant): Tool {
  const out = (ctx: ToolContext): string => path.join(ctx.work, 'out.warp');
  const pw = (ctx: ToolContext): string[] => (v.encrypt ? ['--password-file', ctx.passwordFile] : []);
  const settings = [
    v.level ? `--level ${v.level}` : 'default level',
    v.chunkAvg ? `--chunk-avg ${v.chunkAvg}` : 'default chunks',
    v.encrypt ? 'ChaCha20-Poly1305 (--password-file)' : 'no encryption',
    ...(v.fsync ? ['--fsync'] : []),
  ].join(', ');
  return {
    name: v.name,
    settings,
    detect: detectWarp,
    create: (ctx) => ({
      argv: warp(
        'archive',
        'create',
        '.',
        '-o',
        out(ctx),
        ...(v.level ? ['--level', v.level] : []),
        ...(v.chunkAvg ? ['--chunk-avg', v.chunkAvg] : []),
        ...(v.fsync ? ['--fsync'] : []),
        ...pw(ctx),
      ),
      // Archive "." from inside the set, like the peers, so stored paths are relative to the set.
      cwd: ctx.data,
      parse: (r) => {
        const res = resultOf(r);
        const dedup = positive(res?.dedupRatio);
        return { dedupRatio: dedup, details: res };
      },
    }),
    output: out,
    extract: (ctx, dest) => ({ argv: warp('archive', 'extract', out(ctx), '-C', dest, ...pw(ctx)) }),
    verify: (ctx) => ({ argv: warp('archive', 'verify', out(ctx), ...pw(ctx)) }),
  };
}
