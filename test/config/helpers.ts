/** Temp WARP_HOME folders (never the real home) and a helper that captures the WarpError a call throws. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { isWarpError, type WarpError } from '../../src/engine/core/errors.ts';

const made: string[] = [];

afterEach(() => {
  while (made.length > 0) fs.rmSync(made.pop()!, { recursive: true, force: true });
});

export function tempDir(prefix = 'warp-config-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A temp WARP_HOME with config.toml holding `toml` (when given). Returns the env to pass to loadConfig. */
export function homeWith(toml?: string): { home: string; file: string; env: NodeJS.ProcessEnv } {
  const home = tempDir();
  const file = path.join(home, 'config.toml');
  if (toml !== undefined) fs.writeFileSync(file, toml);
  return { home, file, env: { WARP_HOME: home } };
}

export function thrown(fn: () => unknown): WarpError {
  try {
    fn();
  } catch (e) {
    if (isWarpError(e)) return e;
    throw new Error(`expected a WarpError, got ${String(e)}`);
  }
  throw new Error('expected a WarpError, but nothing was thrown');
}
