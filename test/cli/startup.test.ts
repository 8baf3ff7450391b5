/**
 * CLI start-up (issue 11): `--version`, `--help`, `id` and `info` load only what they need. A module hook records
 * every file the bundled CLI loads; the bundle keeps esbuild's `// <source path>` comments, so the loaded chunks
 * show which packages and engine parts came in. Root help from the build's command table must print exactly what
 * registering every command prints.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandWord } from '../../src/cli/commands/index.ts';
import { tmpDir } from '../helpers/tmp.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/warp.js');

/** Runs the bundled CLI with a load hook; returns its output and the source paths of everything it loaded. */
function run(args: string[], env: Record<string, string> = {}): { status: number; stdout: string; sources: string } {
  const dir = tmpDir();
  const log = path.join(dir, 'loaded.txt');
  const hook = path.join(dir, 'hook.mjs');
  fs.writeFileSync(
    hook,
    `import fs from 'node:fs';\nimport module from 'node:module';\nmodule.registerHooks({ load(url, ctx, next) { fs.appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, ctx); } });\n`,
  );
  const r = spawnSync(process.execPath, ['--import', hook, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WARP_HOME: path.join(dir, 'home'), ...env },
  });
  const urls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  const sources = urls
    .filter((u) => u.startsWith('file:') && u.endsWith('.js'))
    .map((u) => {
      const text = fs.readFileSync(new URL(u), 'utf8');
      return [u, ...(text.match(/^\/\/ \S+/gm) ?? [])].join('\n');
    })
    .join('\n');
  return { status: r.status ?? -1, stdout: r.stdout, sources };
}

const HEAVY = [
  /node_modules\/libp2p\//,
  /node_modules\/@chainsafe\/libp2p-quic/,
  /node_modules\/react/,
  /src\/engine\/daemon\//,
  /src\/engine\/archive\/(?!format\.ts)/,
  /src\/engine\/transfer\//,
];

describe('CLI start-up', () => {
  it.each([['--version'], ['--help'], ['help'], ['id'], ['info']])(
    'warp %s loads no network stack, daemon, archive engine or React',
    (arg) => {
      const r = run([arg]);
      expect(r.status).toBe(0);
      expect(r.sources).toMatch(/dist\/cli\/main\.js/); // the bundle ran (not the sources)
      for (const re of HEAVY) expect(r.sources, `${arg} loaded ${re}`).not.toMatch(re);
    },
  );

  it('--version and --help load no command module (only the lazy table in commands/index.ts)', () => {
    for (const arg of ['--version', '--help'])
      expect(run([arg]).sources).not.toMatch(/src\/cli\/commands\/(?!index\.ts)/);
  });

  it('root help from the build table equals root help with every command registered', () => {
    const lazy = run(['--help']);
    const full = run(['--help'], { WARP_FROM_SOURCE: '1' });
    expect(lazy.stdout).toContain('Commands:');
    expect(lazy.stdout).toBe(full.stdout);
  });

  it('a command still loads what it runs (send loads the transfer engine)', () => {
    const r = run(['send', '--help']);
    expect(r.status).toBe(0);
    expect(r.sources).toMatch(/src\/engine\/transfer\//);
  });

  it('finds the command word past global options', () => {
    expect(commandWord(['--json', '-q', 'send', 'a', 'b'])).toBe('send');
    expect(commandWord(['--config', 'c.toml', 'id'])).toBe('id');
    expect(commandWord(['help', 'archive'])).toBe('archive');
    expect(commandWord(['--version'])).toBeUndefined();
    expect(commandWord(['help'])).toBeUndefined();
    expect(commandWord([])).toBeUndefined();
  });
});
