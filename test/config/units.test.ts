import { describe, expect, it } from 'vitest';
import { closest, didYouMean, formatByteSize, formatDuration, parseDuration } from '../../src/engine/config/index.ts';
import { editDistance } from '../../src/engine/config/suggest.ts';

describe('durations', () => {
  it('parse and print back exactly', () => {
    for (const [text, ms] of [
      ['250ms', 250],
      ['30s', 30_000],
      ['1m30s', 90_000],
      ['2h', 7_200_000],
      ['1d1h1m1s1ms', 90_061_001],
    ] as const) {
      expect(parseDuration(text)).toBe(ms);
      expect(formatDuration(ms)).toBe(text);
    }
    expect(formatDuration(0)).toBe('0s');
  });
  it('reject what is not a duration', () => {
    for (const bad of ['', '30', 's', '1 m', '-1s', '1y', '1m30']) expect(parseDuration(bad)).toBeUndefined();
  });
});

describe('byte sizes', () => {
  it('print the largest exact binary unit', () => {
    expect(formatByteSize(256 * 1024)).toBe('256KiB');
    expect(formatByteSize(4 * 1024 * 1024)).toBe('4MiB');
    expect(formatByteSize(1536 * 1024)).toBe('1536KiB');
    expect(formatByteSize(100_000)).toBe('100000B');
    expect(formatByteSize(0)).toBe('0B');
  });
});

describe('suggestions', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('level', 'levle')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('suggests close names and unique abbreviations, and nothing for far ones', () => {
    expect(closest('chunk_avrg', ['chunk_min', 'chunk_avg', 'chunk_max'])).toBe('chunk_avg');
    expect(closest('arch', ['archive', 'log'])).toBe('archive');
    expect(closest('chunk', ['chunk_min', 'chunk_avg'])).toBeUndefined();
    expect(closest('colour', ['level', 'file', 'format'])).toBeUndefined();
    expect(didYouMean('lg', ['log'], (s) => `[${s}]`)).toBe('; did you mean [log]?');
    expect(didYouMean('zzz', ['log'])).toBe('');
  });
});
