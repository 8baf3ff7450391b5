/** Rules over several keys, and the bounds the schema puts on chunk sizes. */
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE_MAX, CHUNK_SIZE_MIN, loadConfig } from '../../src/engine/config/index.ts';
import { homeWith, thrown } from './helpers.ts';

describe('chunk sizes', () => {
  it('accepts min <= avg <= max, including equal sizes and a non-power-of-two average', () => {
    const { env } = homeWith('[archive]\nchunk_min = "64KiB"\nchunk_avg = "100000"\nchunk_max = "100000"\n');
    const a = loadConfig({ env }).config.archive;
    expect([a.chunkMin, a.chunkAvg, a.chunkMax]).toEqual([65536, 100000, 100000]);
  });

  it('rejects min > avg, naming every key, its value and where it came from', () => {
    const { env, file } = homeWith('[archive]\nchunk_min = "2MiB"\n');
    const err = thrown(() => loadConfig({ env }));
    expect(err.code).toBe('E_CONFIG_INVALID');
    expect(err.message).toBe(
      `chunk sizes must satisfy archive.chunk_min <= archive.chunk_avg <= archive.chunk_max; got archive.chunk_min = 2MiB in ${file}:2, archive.chunk_avg = 1MiB (default), archive.chunk_max = 4MiB (default)`,
    );
  });

  it('rejects avg > max when the two come from different places', () => {
    const { env } = homeWith('[archive]\nchunk_max = "2MiB"\n');
    const message = thrown(() => loadConfig({ env: { ...env, WARP_ARCHIVE_CHUNK_AVG: '3MiB' } })).message;
    expect(message).toContain('archive.chunk_avg = 3MiB in environment variable WARP_ARCHIVE_CHUNK_AVG');
    expect(message).toContain('archive.chunk_max = 2MiB in');
  });

  it('bounds each size to 1KiB..64MiB', () => {
    expect(CHUNK_SIZE_MIN).toBe(1024);
    expect(CHUNK_SIZE_MAX).toBe(64 * 1024 * 1024);
    const { env } = homeWith();
    expect(thrown(() => loadConfig({ env, overrides: { archive: { chunk_min: '512B' } } })).message).toBe(
      'invalid archive.chunk_min from a command-line flag: got "512B"; expected a byte size from 1KiB to 64MiB, such as 512KiB, 4MiB or 25MB',
    );
    expect(thrown(() => loadConfig({ env, overrides: { archive: { chunk_max: '65MiB' } } })).message).toContain(
      'archive.chunk_max',
    );
    expect(
      loadConfig({ env, overrides: { archive: { chunk_min: '1KiB', chunk_max: '64MiB' } } }).config.archive.chunkMax,
    ).toBe(CHUNK_SIZE_MAX);
  });
});

describe('other bounds', () => {
  it('ports allow 0 (any free port) to 65535', () => {
    const { env } = homeWith();
    expect(loadConfig({ env, overrides: { daemon: { port: 0 } } }).config.daemon.port).toBe(0);
    expect(thrown(() => loadConfig({ env: { ...env, WARP_DAEMON_PORT: '65536' } })).message).toContain(
      'expected an integer from 0 to 65535',
    );
  });

  it('daemon.host must not be empty', () => {
    const { env } = homeWith('[daemon]\nhost = ""\n');
    expect(thrown(() => loadConfig({ env })).message).toContain('expected a host name or IP address');
  });
});
