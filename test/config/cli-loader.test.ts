/** loadCliConfig: global --config, -v raising (never lowering) the log level, --quiet on stderr, flag overrides. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCliConfig } from '../../src/cli/config-loader.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { homeWith } from './helpers.ts';

function ctxWith(globals: { config?: string; verbose?: number; quiet?: boolean }): CliContext {
  return {
    opts: () => ({ json: false, quiet: false, color: false, ...globals }),
    out: () => {},
    err: () => {},
    stderrIsTTY: false,
  };
}

describe('loadCliConfig', () => {
  it('returns the typed config, the sources and a logger at the configured level', () => {
    const { env } = homeWith('[log]\nlevel = "info"\n');
    const { config, resolved, log } = loadCliConfig(ctxWith({}), { archive: { level: 'max' } }, { env });
    expect(config.archive.level).toBe('max');
    expect(resolved.entries.archive.level.source).toBe('flag');
    expect(log.level).toBe('info');
  });

  it('-v / -vv / -vvv raise the level and record it as a flag', () => {
    const { env } = homeWith();
    const levels = [0, 1, 2, 3, 7].map((verbose) => loadCliConfig(ctxWith({ verbose }), {}, { env }).log.level);
    expect(levels).toEqual(['warn', 'info', 'debug', 'trace', 'trace']);
    expect(loadCliConfig(ctxWith({ verbose: 2 }), {}, { env }).resolved.entries.log.level).toMatchObject({
      value: 'debug',
      source: 'flag',
    });
  });

  it('-v never lowers a more verbose configured level', () => {
    const { env } = homeWith();
    const r = loadCliConfig(ctxWith({ verbose: 1 }), {}, { env: { ...env, WARP_LOG_LEVEL: 'trace' } });
    expect(r.log.level).toBe('trace');
    expect(r.resolved.entries.log.level.source).toBe('env');
  });

  it('--quiet limits stderr logging to errors but not a log file', () => {
    const { env, home } = homeWith();
    expect(loadCliConfig(ctxWith({ quiet: true }), {}, { env }).log.level).toBe('error');
    const file = path.join(home, 'w.log');
    const withFile = loadCliConfig(ctxWith({ quiet: true }), { log: { file } }, { env });
    expect(withFile.log.level).toBe('warn');
    withFile.log.close();
    expect(fs.existsSync(file)).toBe(true);
  });

  it("honours the global --config, and a command's own --config over it", () => {
    const a = homeWith('[daemon]\nport = 1\n');
    const b = homeWith('[daemon]\nport = 2\n');
    expect(loadCliConfig(ctxWith({ config: a.file }), {}, { env: {} }).config.daemon.port).toBe(1);
    expect(loadCliConfig(ctxWith({ config: a.file }), {}, { env: {}, configPath: b.file }).config.daemon.port).toBe(2);
  });
});
