/** Every key type: what parses (from TOML and from text), and the error for what does not. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { key, resolveConfig, type Schema } from '../../src/engine/config/index.ts';
import { homeWith, thrown } from './helpers.ts';

const TEST_SCHEMA = {
  t: {
    description: 'every type',
    keys: {
      name: key.string({ default: 'x', description: 'text' }),
      host: key.string({
        default: 'h',
        rule: { check: (v) => (v.includes(' ') ? 'no spaces' : undefined), allowed: 'a host without spaces' },
        description: 'checked text',
      }),
      out: key.path({ default: '', description: 'a path' }),
      count: key.integer({ default: 1, min: 0, max: 10, description: 'an integer' }),
      ratio: key.number({ default: 0.5, min: 0, max: 1, description: 'a number' }),
      on: key.boolean({ default: false, description: 'a boolean' }),
      size: key.bytes({ default: 1024, min: 1024, max: 1024 * 1024, description: 'a size' }),
      mode: key.enum({ values: ['a', 'b-c'], default: 'a', description: 'an enum' }),
      wait: key.duration({ default: 30_000, min: 0, max: 3_600_000, description: 'a duration' }),
      tags: key.list({ default: [], description: 'a list' }),
    },
  },
} as const satisfies Schema;

function fromFile(line: string) {
  const { env } = homeWith(`[t]\n${line}\n`);
  return resolveConfig(TEST_SCHEMA, [], { env }).config.t;
}
function fromEnv(name: string, value: string) {
  const { env } = homeWith();
  return resolveConfig(TEST_SCHEMA, [], { env: { ...env, [`WARP_T_${name.toUpperCase()}`]: value } }).config.t;
}
function fileError(line: string): string {
  const { env, file } = homeWith(`[t]\n${line}\n`);
  return thrown(() => resolveConfig(TEST_SCHEMA, [], { env })).message.replace(file, 'FILE');
}
function envError(name: string, value: string): string {
  const { env } = homeWith();
  return thrown(() => resolveConfig(TEST_SCHEMA, [], { env: { ...env, [`WARP_T_${name.toUpperCase()}`]: value } }))
    .message;
}

describe('string', () => {
  it('parses', () => {
    expect(fromFile('name = "hello world"').name).toBe('hello world');
    expect(fromEnv('name', 'from env').name).toBe('from env');
  });
  it('rejects a non-string and a value its rule refuses', () => {
    expect(fileError('name = 5')).toBe('invalid t.name in FILE:2: got 5; expected any text');
    expect(fileError('host = "a b"')).toBe('invalid t.host in FILE:2: got "a b"; expected a host without spaces');
  });
});

describe('path', () => {
  it('resolves relative to the config file, keeps absolute and empty', () => {
    const { env, home } = homeWith('[t]\nout = "logs/w.log"\n');
    expect(resolveConfig(TEST_SCHEMA, [], { env }).config.t.out).toBe(path.join(home, 'logs', 'w.log'));
    expect(fromFile('out = "/abs/w.log"').out).toBe(path.resolve('/abs/w.log'));
    expect(fromFile('out = ""').out).toBe('');
  });
  it('rejects a non-string', () => {
    expect(fileError('out = true')).toBe('invalid t.out in FILE:2: got true; expected a file path, or "" for none');
  });
});

describe('integer', () => {
  it('parses TOML integers and decimal text', () => {
    expect(fromFile('count = 7').count).toBe(7);
    expect(fromEnv('count', ' 10 ').count).toBe(10);
  });
  it('rejects fractions, text in TOML and out of range, naming the range', () => {
    const allowed = 'expected an integer from 0 to 10';
    expect(fileError('count = 1.5')).toBe(`invalid t.count in FILE:2: got 1.5; ${allowed}`);
    expect(fileError('count = "3"')).toBe(`invalid t.count in FILE:2: got "3"; ${allowed}`);
    expect(fileError('count = 11')).toBe(`invalid t.count in FILE:2: got 11; ${allowed}`);
    expect(envError('count', 'seven')).toBe(
      `invalid t.count in environment variable WARP_T_COUNT: got "seven"; ${allowed}`,
    );
    expect(envError('count', '-1')).toContain(allowed);
  });
});

describe('number', () => {
  it('parses', () => {
    expect(fromFile('ratio = 0.25').ratio).toBe(0.25);
    expect(fromEnv('ratio', '.75').ratio).toBe(0.75);
    expect(fromEnv('ratio', '1e-1').ratio).toBeCloseTo(0.1);
  });
  it('rejects', () => {
    expect(envError('ratio', '1.5')).toBe(
      'invalid t.ratio in environment variable WARP_T_RATIO: got "1.5"; expected a number from 0 to 1',
    );
    expect(envError('ratio', 'NaN')).toContain('expected a number from 0 to 1');
  });
});

describe('boolean', () => {
  it('parses TOML booleans and common words', () => {
    expect(fromFile('on = true').on).toBe(true);
    for (const [text, value] of [
      ['yes', true],
      ['OFF', false],
      ['1', true],
      ['false', false],
    ] as const)
      expect(fromEnv('on', text).on).toBe(value);
  });
  it('rejects', () => {
    expect(fileError('on = "true"')).toBe('invalid t.on in FILE:2: got "true"; expected true or false');
    expect(envError('on', 'maybe')).toBe(
      'invalid t.on in environment variable WARP_T_ON: got "maybe"; expected true or false',
    );
  });
});

describe('byte size', () => {
  it('parses units and plain integers', () => {
    expect(fromFile('size = "4KiB"').size).toBe(4096);
    expect(fromFile('size = 2048').size).toBe(2048);
    expect(fromEnv('size', '1MiB').size).toBe(1024 * 1024);
    expect(fromEnv('size', '10kb').size).toBe(10_000);
  });
  it('rejects nonsense and out of range, naming the range', () => {
    const allowed = 'expected a byte size from 1KiB to 1MiB, such as 512KiB, 4MiB or 25MB';
    expect(fileError('size = "2 potatoes"')).toBe(`invalid t.size in FILE:2: got "2 potatoes"; ${allowed}`);
    expect(fileError('size = "2MiB"')).toBe(`invalid t.size in FILE:2: got "2MiB"; ${allowed}`);
    expect(envError('size', '512')).toContain(allowed);
  });
});

describe('enum', () => {
  it('parses case-insensitively and stores the canonical spelling', () => {
    expect(fromFile('mode = "b-c"').mode).toBe('b-c');
    expect(fromEnv('mode', 'B-C').mode).toBe('b-c');
  });
  it('rejects, listing the allowed values', () => {
    expect(fileError('mode = "z"')).toBe('invalid t.mode in FILE:2: got "z"; expected one of a, b-c');
  });
});

describe('duration', () => {
  it('parses units and combinations into milliseconds', () => {
    expect(fromFile('wait = "1m30s"').wait).toBe(90_000);
    expect(fromEnv('wait', '250ms').wait).toBe(250);
    expect(fromEnv('wait', '0').wait).toBe(0);
    expect(fromEnv('wait', '0.5h').wait).toBe(1_800_000);
  });
  it('rejects a bare number, nonsense and out of range', () => {
    const allowed = 'expected a duration from 0s to 1h, such as 250ms, 30s or 1m30s';
    expect(fileError('wait = 30')).toBe(`invalid t.wait in FILE:2: got 30; ${allowed}`);
    expect(envError('wait', '30 parsecs')).toContain(allowed);
    expect(envError('wait', '2h')).toContain(allowed);
  });
});

describe('list of strings', () => {
  it('parses TOML arrays and comma-separated text', () => {
    expect(fromFile('tags = ["a", "b c"]').tags).toEqual(['a', 'b c']);
    expect(fromEnv('tags', ' a, b ,,c ').tags).toEqual(['a', 'b', 'c']);
    expect(fromEnv('tags', '').tags).toEqual([]);
  });
  it('rejects arrays holding other things', () => {
    expect(fileError('tags = ["a", 1]')).toBe(
      'invalid t.tags in FILE:2: got ["a",1]; expected a list of strings (comma-separated in the environment)',
    );
  });
});

it('reports every problem at once, each with its line', () => {
  const { env, file } = homeWith('[t]\ncount = 99\n\nmode = "q"\n');
  const err = thrown(() => resolveConfig(TEST_SCHEMA, [], { env }));
  expect(err.code).toBe('E_CONFIG_INVALID');
  expect(err.message).toContain('2 problems in the config');
  expect(err.message).toContain(`invalid t.count in ${file}:2: got 99`);
  expect(err.message).toContain(`invalid t.mode in ${file}:4: got "q"`);
  expect((err.details.problems as unknown[]).length).toBe(2);
});
