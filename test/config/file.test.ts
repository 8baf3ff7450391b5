/** The config file itself: unknown names, malformed TOML, shapes that are not sections. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/engine/config/index.ts';
import { CONFIG_SCHEMA } from '../../src/engine/config/schema.ts';
import { scanKeyLines } from '../../src/engine/config/toml-file.ts';
import { homeWith, thrown } from './helpers.ts';

describe('unknown names in the file', () => {
  it('an unknown section is an error with a suggestion and the list of sections', () => {
    const { env, file } = homeWith('[archiv]\nlevel = "max"\n');
    const err = thrown(() => loadConfig({ env }));
    expect(err.code).toBe('E_CONFIG_INVALID');
    expect(err.message).toBe(
      `unknown section [archiv] in ${file}:1; did you mean [archive]? (known sections: ${Object.keys(CONFIG_SCHEMA).join(', ')})`,
    );
  });

  it('an unknown key is an error with a suggestion', () => {
    const { env, file } = homeWith('[archive]\nlevel = "max"\nchunk_avrg = "2MiB"\n');
    expect(thrown(() => loadConfig({ env })).message).toBe(
      `unknown key archive.chunk_avrg in ${file}:3; did you mean archive.chunk_avg? (keys in [archive]: level, chunk_min, chunk_avg, chunk_max, workers, argon2_max_memory, argon2_max_passes)`,
    );
  });

  it('no suggestion when nothing is close', () => {
    const { env } = homeWith('[log]\ncolour = "blue"\n');
    const message = thrown(() => loadConfig({ env })).message;
    expect(message).toContain('unknown key log.colour');
    expect(message).not.toContain('did you mean');
  });

  it('dotted keys at the top level count as the section', () => {
    const { env, file } = homeWith('archive.level = "max"\nlog.levl = "info"\n');
    expect(thrown(() => loadConfig({ env })).message).toContain(
      `unknown key log.levl in ${file}:2; did you mean log.level?`,
    );
    const ok = homeWith('archive.level = "max"\n');
    expect(loadConfig({ env: ok.env }).config.archive.level).toBe('max');
  });

  it('a section given as a single value is an error', () => {
    const { env } = homeWith('log = "debug"\n');
    expect(thrown(() => loadConfig({ env })).message).toContain('log in');
    expect(thrown(() => loadConfig({ env })).message).toContain('must be a table');
  });
});

describe('malformed TOML', () => {
  it('reports file, line and column and shows the spot', () => {
    const { env, file } = homeWith('[archive]\nlevel = "fast"\nchunk_avg = 2MiB\n');
    const err = thrown(() => loadConfig({ env }));
    expect(err.code).toBe('E_CONFIG_INVALID');
    expect(err.message.split('\n')[0]).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: malformed TOML: `),
    );
    expect(err.message).not.toContain('\n');
    expect(String(err.details.excerpt)).toContain('chunk_avg = 2MiB');
    expect(err.details).toMatchObject({ path: file, line: 3 });
  });

  it('an unterminated string is reported on its line', () => {
    const { env } = homeWith('[log]\n\nlevel = "info\n');
    expect(thrown(() => loadConfig({ env })).details.line).toBe(3);
  });

  it('a duplicate key is malformed', () => {
    const { env } = homeWith('[log]\nlevel = "info"\nlevel = "debug"\n');
    expect(thrown(() => loadConfig({ env })).message).toContain('malformed TOML');
  });
});

describe('reading', () => {
  it('an empty file and a file of comments mean defaults, and count as present', () => {
    const { env } = homeWith('# nothing here\n\n');
    const r = loadConfig({ env });
    expect(r.file.exists).toBe(true);
    expect(r.entries.archive.level.source).toBe('default');
  });

  it('an unreadable config path is an input error, not a crash', () => {
    const { env, home } = homeWith();
    fs.mkdirSync(`${home}/config.toml`);
    expect(thrown(() => loadConfig({ env })).code).toBe('E_INPUT_UNREADABLE');
  });

  it('the line scan finds headers, keys, quoted keys and dotted keys', () => {
    const lines = scanKeyLines('# c\n[archive]\n  level = 1\n"chunk_avg" = 2\n\n[log]\nlog.x = 1\nfile="a"\n');
    expect(Object.fromEntries(lines)).toEqual({
      archive: 2,
      'archive.level': 3,
      'archive.chunk_avg': 4,
      log: 6,
      'log.log.x': 7,
      'log.file': 8,
    });
  });
});
