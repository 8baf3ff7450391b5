import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_SCHEMA,
  defaultConfig,
  defaultConfigPath,
  envVarName,
  loadConfig,
} from '../../src/engine/config/index.ts';
import { homeWith, tempDir, thrown } from './helpers.ts';

describe('precedence: default < file < env < flag', () => {
  const toml = '[archive]\nlevel = "balanced"\nchunk_avg = "2MiB"\n[log]\nlevel = "info"\n';

  it('uses defaults when nothing is set, and WARP_HOME decides the file', () => {
    const { env, file } = homeWith();
    const r = loadConfig({ env });
    expect(r.config.archive.level).toBe('balanced');
    expect(r.config.archive.chunkAvg).toBe(1024 * 1024);
    expect(r.entries.archive.level).toEqual({ value: 'balanced', source: 'default' });
    expect(r.file).toEqual({ path: file, exists: false, explicit: false });
    expect(r.config).toEqual(defaultConfig());
  });

  it('file beats default', () => {
    const { env, file } = homeWith(toml);
    const r = loadConfig({ env });
    expect(r.config.archive.level).toBe('balanced');
    expect(r.entries.archive.level).toEqual({ value: 'balanced', source: 'file', origin: `${file}:2` });
    expect(r.entries.archive.chunk_avg).toMatchObject({ value: 2 * 1024 * 1024, source: 'file', origin: `${file}:3` });
    expect(r.entries.log.level).toMatchObject({ value: 'info', source: 'file', origin: `${file}:5` });
    expect(r.entries.archive.chunk_min.source).toBe('default');
  });

  it('env beats file', () => {
    const { env } = homeWith(toml);
    const r = loadConfig({ env: { ...env, WARP_ARCHIVE_LEVEL: 'max', WARP_LOG_LEVEL: 'DEBUG' } });
    expect(r.config.archive.level).toBe('max');
    expect(r.entries.archive.level).toEqual({ value: 'max', source: 'env', origin: 'WARP_ARCHIVE_LEVEL' });
    expect(r.config.log.level).toBe('debug');
    expect(r.config.archive.chunkAvg).toBe(2 * 1024 * 1024);
  });

  it('flags beat env; camelCase or snake_case keys; undefined flags are ignored', () => {
    const { env } = homeWith(toml);
    const r = loadConfig({
      env: { ...env, WARP_ARCHIVE_LEVEL: 'max', WARP_ARCHIVE_CHUNK_AVG: '512KiB' },
      overrides: { archive: { level: 'fast', chunkAvg: '3MiB', chunk_min: 4096, workers: undefined } },
    });
    expect(r.config.archive.level).toBe('fast');
    expect(r.entries.archive.level).toEqual({ value: 'fast', source: 'flag', origin: 'flag' });
    expect(r.config.archive.chunkAvg).toBe(3 * 1024 * 1024);
    expect(r.config.archive.chunkMin).toBe(4096);
    expect(r.entries.archive.workers.source).toBe('default');
  });

  it('an explicit config path wins over WARP_HOME and must exist', () => {
    const { env } = homeWith('[archive]\nlevel = "max"\n');
    const other = path.join(tempDir(), 'other.toml');
    const { file: otherFile } = homeWith('[archive]\nlevel = "balanced"\n');
    expect(loadConfig({ env, configPath: otherFile }).config.archive.level).toBe('balanced');
    const err = thrown(() => loadConfig({ env, configPath: other }));
    expect(err.code).toBe('E_INPUT_NOT_FOUND');
    expect(err.message).toContain(other);
  });

  it('the typed config is frozen', () => {
    const { env } = homeWith();
    const c = loadConfig({ env }).config;
    expect(Object.isFrozen(c) && Object.isFrozen(c.archive)).toBe(true);
  });
});

describe('WARP_HOME isolation', () => {
  it('two homes never see each other', () => {
    const a = homeWith('[transfer]\nport = 1111\n');
    const b = homeWith('[transfer]\nport = 2222\n');
    expect(loadConfig({ env: a.env }).config.transfer.port).toBe(1111);
    expect(loadConfig({ env: b.env }).config.transfer.port).toBe(2222);
    expect(defaultConfigPath(a.env)).toBe(a.file);
  });

  it('WARP_HOME is not a config key and produces no warning', () => {
    const { env } = homeWith();
    expect(loadConfig({ env }).warnings).toEqual([]);
  });
});

describe('environment', () => {
  it('names variables WARP_<SECTION>_<KEY>', () => {
    expect(envVarName('archive', 'chunk_avg')).toBe('WARP_ARCHIVE_CHUNK_AVG');
    expect(envVarName('sched', 'tick_hz')).toBe('WARP_SCHED_TICK_HZ');
  });

  it('every schema key can be set from the environment', () => {
    const { env } = homeWith();
    for (const [section, spec] of Object.entries(CONFIG_SCHEMA)) {
      for (const name of Object.keys(spec.keys)) {
        const k = (spec.keys as Record<string, { default: unknown; type: string }>)[name];
        // Durations are written with a unit (a bare number is refused as ambiguous).
        const text =
          section === 'log' && name === 'file'
            ? 'x.log'
            : k.type === 'duration'
              ? `${String(k.default)}ms`
              : String(k.default);
        const r = loadConfig({ env: { ...env, [envVarName(section, name)]: text } });
        expect((r.entries as Record<string, Record<string, { source: string }>>)[section][name].source).toBe('env');
      }
    }
  });

  it('warns, with a suggestion, about a WARP_<SECTION>_ variable that matches no key', () => {
    const { env } = homeWith();
    const r = loadConfig({ env: { ...env, WARP_ARCHIVE_CHUNKAVG: '2MiB', WARP_SOMETHING_ELSE: '1' } });
    expect(r.warnings).toEqual([
      'environment variable WARP_ARCHIVE_CHUNKAVG matches no config key; did you mean WARP_ARCHIVE_CHUNK_AVG?',
    ]);
    expect(r.config.archive.chunkAvg).toBe(1024 * 1024);
  });

  it('an empty variable is ignored for typed keys but sets text keys', () => {
    const { env } = homeWith('[log]\nfile = "warp.log"\n');
    const r = loadConfig({ env: { ...env, WARP_TRANSFER_PORT: '', WARP_LOG_FILE: '' } });
    expect(r.entries.transfer.port.source).toBe('default');
    expect(r.config.log.file).toBe('');
    expect(r.entries.log.file.source).toBe('env');
  });

  it('names the variable, the value and the allowed values when invalid', () => {
    const { env } = homeWith();
    const err = thrown(() => loadConfig({ env: { ...env, WARP_LOG_LEVEL: 'loud' } }));
    expect(err.code).toBe('E_CONFIG_INVALID');
    expect(err.message).toBe(
      'invalid log.level in environment variable WARP_LOG_LEVEL: got "loud"; expected one of error, warn, info, debug, trace',
    );
  });
});

describe('flags', () => {
  it('rejects unknown sections and keys with a suggestion', () => {
    const { env } = homeWith();
    expect(thrown(() => loadConfig({ env, overrides: { archiv: { level: 'max' } } })).message).toContain(
      "unknown config section 'archiv' in a command-line override; did you mean archive?",
    );
    expect(thrown(() => loadConfig({ env, overrides: { archive: { levle: 'max' } } })).message).toContain(
      'unknown config key archive.levle in a command-line override; did you mean level?',
    );
  });

  it('reports a bad flag value as coming from a flag', () => {
    const { env } = homeWith();
    const err = thrown(() => loadConfig({ env, overrides: { transfer: { port: 70000 } } }));
    expect(err.message).toBe(
      'invalid transfer.port from a command-line flag: got 70000; expected an integer from 0 to 65535',
    );
  });

  it('resolves relative paths against the working directory', () => {
    const { env } = homeWith();
    const cwd = tempDir();
    expect(loadConfig({ env, cwd, overrides: { log: { file: 'logs/warp.log' } } }).config.log.file).toBe(
      path.join(cwd, 'logs', 'warp.log'),
    );
  });
});
