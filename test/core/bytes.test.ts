import { describe, expect, it } from 'vitest';
import { formatBytes, fromHex, parseByteSize, toHex } from '../../src/engine/core/bytes.ts';
import { isWarpError } from '../../src/engine/core/errors.ts';

describe('byte sizes', () => {
  it('parses binary and SI units', () => {
    expect(parseByteSize('1MiB')).toBe(1048576);
    expect(parseByteSize('25MB')).toBe(25_000_000);
    expect(parseByteSize('512 KiB')).toBe(524288);
    expect(parseByteSize('4096')).toBe(4096);
    expect(parseByteSize('1.5GiB')).toBe(1610612736);
  });
  it('rejects nonsense with a usage error', () => {
    let err: unknown;
    try {
      parseByteSize('12 parsecs', 'chunk size');
    } catch (e) {
      err = e;
    }
    expect(isWarpError(err, 'E_USAGE')).toBe(true);
    expect((err as Error).message).toContain('chunk size');
  });
  it('formats', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
  });
  it('hex round trip', () => {
    const b = new Uint8Array([0, 1, 0xab, 0xff]);
    expect(toHex(b)).toBe('0001abff');
    expect(fromHex('0001abff')).toEqual(b);
  });
});
