/**
 * Durations and exact byte sizes as users write them in config. Printing is exact (`256KiB`, `1m30s`) so that
 * `warp config show` and `warp config init` output parses back to the same value.
 */
import { parseByteSize } from '../core/bytes.ts';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `1m30s`, `1.5h`, `250ms`, `0` → milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '0') return 0;
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * DURATION_UNITS[m[2]];
  return Math.round(total);
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** Bytes → the largest binary unit that divides it exactly (`262144` → `256KiB`), else plain bytes (`1000B`). */
export function formatByteSize(n: number): string {
  for (const [unit, size] of [
    ['TiB', 1024 ** 4],
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (n !== 0 && n % size === 0) return `${n / size}${unit}`;
  }
  return `${n}B`;
}

/** Like core's parseByteSize, but returns undefined instead of throwing a usage error (config reports its own). */
export function tryParseByteSize(text: string): number | undefined {
  try {
    return parseByteSize(text);
  } catch {
    return undefined;
  }
}
