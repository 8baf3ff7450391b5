import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
  json: Array<Record<string, unknown>>;
}

/** Runs `warp` as a real process with its own WARP_HOME (tests never touch the real home). */
export function warp(args: string[], opts: SpawnSyncOptions & { home: string; input?: string | Buffer }): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...opts,
    env: { ...process.env, WARP_HOME: opts.home, NO_COLOR: '1', ...(opts.env ?? {}) },
  });
  const stdout = String(r.stdout ?? '');
  const json = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status ?? -1, stdout, stderr: String(r.stderr ?? ''), json };
}

/** Like warp() but keeps stdout as bytes (for `-o -`). */
export function warpBytes(args: string[], home: string): { status: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, WARP_HOME: home },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}
