import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/engine/config/index.ts';
import { WarpError } from '../../src/engine/core/errors.ts';
import {
  createLogger,
  createLoggerFromConfig,
  LOG_LEVELS,
  moreVerbose,
  silentLogger,
  type LogLevel,
} from '../../src/engine/telemetry/index.ts';

const NOW = new Date('2026-11-24T01:02:03.456Z');
const now = (): Date => NOW;

function captured(level: LogLevel = 'trace', format: 'text' | 'json' = 'text') {
  const lines: string[] = [];
  const log = createLogger({ level, format, now, stderr: (l) => lines.push(l) });
  return { log, lines };
}

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) fs.rmSync(dirs.pop()!, { recursive: true, force: true });
});
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-log-test-'));
  dirs.push(d);
  return d;
}

describe('levels', () => {
  it('writes a record only at or above the logger level', () => {
    for (const level of LOG_LEVELS) {
      const { log, lines } = captured(level);
      for (const l of LOG_LEVELS) log[l](l);
      expect(lines.map((x) => x.split(' ')[1].toLowerCase())).toEqual(
        LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1),
      );
    }
  });

  it('does not build fields for a disabled level', () => {
    const { log, lines } = captured('warn');
    let built = 0;
    log.debug('skipped', () => ((built += 1), { big: 1 }));
    log.warn('kept', () => ((built += 1), { big: 2 }));
    expect(built).toBe(1);
    expect(lines).toEqual(['2026-11-24T01:02:03.456Z WARN kept big=2\n']);
    expect(log.isEnabled('debug')).toBe(false);
    expect(log.isEnabled('error')).toBe(true);
  });

  it('setLevel changes parent and children together', () => {
    const { log, lines } = captured('warn');
    const child = log.child({ component: 'x' });
    child.info('before');
    log.setLevel('info');
    child.info('after');
    expect(log.level).toBe('info');
    expect(child.level).toBe('info');
    expect(lines).toEqual(['2026-11-24T01:02:03.456Z INFO x: after\n']);
  });

  it('moreVerbose picks the chattier level', () => {
    expect(moreVerbose('warn', 'debug')).toBe('debug');
    expect(moreVerbose('trace', 'info')).toBe('trace');
  });
});

describe('text format', () => {
  it('matches the documented shape, with the component and quoted values where needed', () => {
    const { log, lines } = captured();
    log
      .child({ component: 'archive' })
      .warn('slow disk', { path: '/tmp/a b', rate: 12.5, ok: false, none: undefined, n: null, list: [1, 2] });
    expect(lines[0]).toBe(
      '2026-11-24T01:02:03.456Z WARN archive: slow disk path="/tmp/a b" rate=12.5 ok=false n=null list=[1,2]\n',
    );
  });

  it('keeps one line per record and renders errors with their code', () => {
    const { log, lines } = captured();
    log.error('failed\nbadly', { err: new WarpError('E_DISK_FULL', 'no space'), plain: new Error('boom') });
    expect(lines).toEqual([
      '2026-11-24T01:02:03.456Z ERROR failed\\nbadly err="[E_DISK_FULL] no space" plain="boom"\n',
    ]);
  });

  it('child fields accumulate and call fields win', () => {
    const { log, lines } = captured();
    log.child({ component: 'net', peer: 'a' }).child({ stream: 3 }).info('open', { peer: 'b' });
    expect(lines[0]).toBe('2026-11-24T01:02:03.456Z INFO net: open peer=b stream=3\n');
  });
});

describe('JSON format', () => {
  it('writes one object per line with time, level, msg and fields', () => {
    const { log, lines } = captured('trace', 'json');
    log.child({ component: 'sched' }).trace('tick', { hz: 20, big: 10n, msg: 'field named msg' });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0])).toEqual({
      time: '2026-11-24T01:02:03.456Z',
      level: 'trace',
      msg: 'tick',
      component: 'sched',
      hz: 20,
      big: '10',
      field_msg: 'field named msg',
    });
  });

  it('serialises errors and survives circular fields', () => {
    const { log, lines } = captured('trace', 'json');
    log.error('x', { err: new WarpError('E_CHUNK_CORRUPT', 'bad chunk', { details: { index: 4 } }) });
    expect(JSON.parse(lines[0]).err).toEqual({
      name: 'WarpError',
      code: 'E_CHUNK_CORRUPT',
      message: 'bad chunk',
      details: { index: 4 },
    });
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    log.info('loop', { loop });
    expect(JSON.parse(lines[1])).toMatchObject({
      level: 'info',
      msg: 'loop',
      fields_error: 'fields could not be serialised',
    });
  });
});

describe('never throws into the engine', () => {
  it('a throwing field function drops the record', () => {
    const { log, lines } = captured();
    expect(() =>
      log.info('x', () => {
        throw new Error('nope');
      }),
    ).not.toThrow();
    expect(lines).toEqual([]);
  });

  it('a throwing stderr writer is contained', () => {
    const log = createLogger({
      level: 'info',
      stderr: () => {
        throw new Error('EPIPE');
      },
    });
    expect(() => log.error('x')).not.toThrow();
  });

  it('the silent logger discards everything', () => {
    expect(() => silentLogger.child({ a: 1 }).error('x')).not.toThrow();
    expect(silentLogger.isEnabled('error')).toBe(false);
  });
});

describe('log file', () => {
  it('creates the file (and its folder) with mode 0600 and appends', () => {
    const file = path.join(tempDir(), 'logs', 'warp.log');
    const stderr: string[] = [];
    const a = createLogger({ level: 'info', file, now, stderr: (l) => stderr.push(l) });
    a.info('one');
    a.close();
    const b = createLogger({ level: 'info', file, now, stderr: (l) => stderr.push(l) });
    b.info('two', { k: 'v' });
    b.close();
    expect(fs.readFileSync(file, 'utf8')).toBe(
      '2026-11-24T01:02:03.456Z INFO one\n2026-11-24T01:02:03.456Z INFO two k=v\n',
    );
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(stderr).toEqual([]);
  });

  it('falls back to stderr with one warning when the file cannot be opened', () => {
    const blocker = path.join(tempDir(), 'not-a-dir');
    fs.writeFileSync(blocker, '');
    const file = path.join(blocker, 'warp.log');
    const stderr: string[] = [];
    const log = createLogger({ level: 'info', file, now, stderr: (l) => stderr.push(l) });
    log.info('first');
    log.error('second');
    expect(stderr).toHaveLength(3);
    expect(stderr[0]).toMatch(
      /^2026-11-24T01:02:03.456Z WARN log: cannot write the log file; logging to stderr instead file=.*warp\.log reason=".+"\n$/,
    );
    expect(stderr.slice(1)).toEqual([
      '2026-11-24T01:02:03.456Z INFO first\n',
      '2026-11-24T01:02:03.456Z ERROR second\n',
    ]);
  });

  it('the warning is written even when the level would hide warnings', () => {
    const stderr: string[] = [];
    createLogger({
      level: 'error',
      file: path.join('/proc', 'no-such-dir-for-warp', 'x.log'),
      now,
      stderr: (l) => stderr.push(l),
    });
    expect(stderr.some((l) => l.includes('cannot write the log file'))).toBe(true);
  });
});

describe('from config', () => {
  it('follows the log section', () => {
    const file = path.join(tempDir(), 'w.log');
    const config = { ...defaultConfig().log, level: 'debug' as const, format: 'json' as const, file };
    const log = createLoggerFromConfig(config, { now });
    log.debug('hello', { a: 1 });
    log.trace('hidden');
    log.close();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([{ time: NOW.toISOString(), level: 'debug', msg: 'hello', a: 1 }]);
  });

  it('defaults to warn on stderr', () => {
    const stderr: string[] = [];
    const log = createLoggerFromConfig(defaultConfig().log, { now, stderr: (l) => stderr.push(l) });
    log.info('no');
    log.warn('yes');
    expect(stderr).toEqual(['2026-11-24T01:02:03.456Z WARN yes\n']);
  });
});
