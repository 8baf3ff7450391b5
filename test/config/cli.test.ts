/** `warp config …` end to end: the real binary under the pinned Node, with WARP_HOME in a temp folder. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA } from '../../src/engine/config/schema.ts';
import { tempDir } from './helpers.ts';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'warp.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The outer WARP_* variables are dropped so a developer's own settings cannot change the results. */
function warp(home: string, args: string[], extraEnv: Record<string, string> = {}): Run {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('WARP_')),
  );
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...env, WARP_HOME: home, ...extraEnv },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type ShowJson = Record<string, Record<string, { value: unknown; source: string; origin?: string }>>;

describe('warp config show', () => {
  it('--json prints every key at its default with source', () => {
    const home = tempDir();
    const r = warp(home, ['--json', 'config', 'show']);
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout) as ShowJson;
    expect(Object.keys(shown)).toEqual(Object.keys(CONFIG_SCHEMA)); // every section, in schema order
    expect(shown.archive.chunk_avg).toEqual({ value: 1048576, source: 'default' });
    expect(shown.transfer.port).toEqual({ value: 7654, source: 'default' });
    expect(
      Object.values(shown)
        .flatMap((s) => Object.values(s))
        .every((e) => e.source === 'default'),
    ).toBe(true);
  });

  it('shows file, env and flag sources (global --json and -vv after the subcommand)', () => {
    const home = tempDir();
    const file = path.join(home, 'config.toml');
    fs.writeFileSync(file, '[archive]\nlevel = "max"\nchunk_avg = "2MiB"\n[sched]\npolicy = "eco"\n');
    const r = warp(home, ['config', 'show', '--json', '-vv'], { WARP_ARCHIVE_LEVEL: 'balanced' });
    expect(r.code).toBe(0);
    const shown = JSON.parse(r.stdout) as ShowJson;
    expect(shown.archive.level).toEqual({ value: 'balanced', source: 'env', origin: 'WARP_ARCHIVE_LEVEL' });
    expect(shown.archive.chunk_avg).toEqual({ value: 2097152, source: 'file', origin: `${file}:3` });
    expect(shown.sched.policy).toMatchObject({ value: 'eco', source: 'file' });
    expect(shown.log.level).toMatchObject({ value: 'debug', source: 'flag' });
  });

  it('prints a table for people, and --section limits it', () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'config.toml'), '[log]\nformat = "json"\n');
    const r = warp(home, ['config', 'show', '--section', 'log']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`config file: ${path.join(home, 'config.toml')}`);
    expect(r.stdout).toMatch(/^log\.format\s+json\s+file \(.*config\.toml:2\)$/m);
    expect(r.stdout).toMatch(/^log\.level\s+warn\s+default$/m);
    expect(r.stdout).not.toContain('archive.');
  });

  it('an unknown --section is a usage error with a suggestion', () => {
    const r = warp(tempDir(), ['config', 'show', '--section', 'sced']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown section 'sced'; did you mean sched?");
  });

  it('uses --config FILE instead of WARP_HOME', () => {
    const other = path.join(tempDir(), 'alt.toml');
    fs.writeFileSync(other, '[daemon]\nport = 9999\n');
    for (const args of [
      ['--config', other, '--json', 'config', 'show'],
      ['--json', 'config', 'show', '--config', other],
    ]) {
      const shown = JSON.parse(warp(tempDir(), args).stdout) as ShowJson;
      expect(shown.daemon.port).toEqual({ value: 9999, source: 'file', origin: `${other}:2` });
    }
  });

  it('warns on stderr about a WARP_ variable that matches no key', () => {
    const r = warp(tempDir(), ['config', 'show'], { WARP_LOG_LEVL: 'info' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /WARN config: environment variable WARP_LOG_LEVL matches no config key; did you mean WARP_LOG_LEVEL\?/,
    );
  });
});

describe('warp config path / check', () => {
  it('path prints $WARP_HOME/config.toml, or the --config file', () => {
    const home = tempDir();
    expect(warp(home, ['config', 'path']).stdout).toBe(path.join(home, 'config.toml') + '\n');
    expect(warp(home, ['--config', 'rel/x.toml', 'config', 'path']).stdout).toBe(path.resolve('rel/x.toml') + '\n');
    expect(JSON.parse(warp(home, ['--json', 'config', 'path']).stdout)).toEqual({
      path: path.join(home, 'config.toml'),
      exists: false,
    });
  });

  it('check passes for a valid file', () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'config.toml'), '[transfer]\nstreams = 4\n');
    const r = warp(home, ['config', 'check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('config OK');
  });

  it('check fails with exit 2 naming the key, the place and the allowed values', () => {
    const home = tempDir();
    const file = path.join(home, 'config.toml');
    fs.writeFileSync(file, '[transfer]\ntransport = "udp"\n');
    const r = warp(home, ['config', 'check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `warp: error [E_CONFIG_INVALID]: invalid transfer.transport in ${file}:2: got "udp"; expected one of quic, tcp, auto`,
    );
  });

  it('check reports malformed TOML with its position', () => {
    const home = tempDir();
    fs.writeFileSync(path.join(home, 'config.toml'), '[log]\nlevel = \n');
    const r = warp(home, ['config', 'check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config\.toml:2:\d+: malformed TOML/);
    expect(r.stderr).toMatch(/\n {2}.*level = /); // the spot, indented under the message
  });

  it('check fails for an invalid environment variable', () => {
    const r = warp(tempDir(), ['config', 'check'], { WARP_SCHED_TICK_HZ: 'fast' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'invalid sched.tick_hz in environment variable WARP_SCHED_TICK_HZ: got "fast"; expected an integer from 1 to 1000',
    );
  });
});

describe('warp config init', () => {
  it('writes a commented default file with mode 0600, refuses to overwrite, and --force replaces it', () => {
    const home = path.join(tempDir(), 'nested', 'home');
    const file = path.join(home, 'config.toml');
    const first = warp(home, ['config', 'init']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`wrote ${file}\n`);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toContain('# chunk_avg = "1MiB"');
    expect(warp(home, ['config', 'check']).code).toBe(0);

    fs.writeFileSync(file, '[log]\nlevel = "info"\n');
    const again = warp(home, ['config', 'init']);
    expect(again.code).toBe(6);
    expect(again.stderr).toContain('--force');
    expect(fs.readFileSync(file, 'utf8')).toBe('[log]\nlevel = "info"\n');

    expect(warp(home, ['config', 'init', '--force']).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain('# level = "warn"');
    expect(fs.readdirSync(home)).toEqual(['config.toml']);
  });
});

it('every config command has --help', () => {
  for (const sub of [[], ['show'], ['path'], ['check'], ['init']]) {
    const r = warp(tempDir(), ['config', ...sub, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: warp config');
  }
});
