/**
 * Number formatting for the UI: sizes, rates, durations, times. Binary units, like the CLI. Digits follow the UI
 * language through Intl (German writes "2,50 MiB"); no digit grouping, so English reads exactly as the CLI does.
 * Unit symbols (B, KiB, s, ms, %) are the same in every language Warp speaks and stay literal.
 */
import { formatBytesIn, formatNumberIn } from '../shared/number-words.ts';
import { numberLocale } from './i18n/locale.ts';

/** `n` with exactly `digits` decimals in the UI's locale. */
export function formatNumber(n: number, digits = 0): string {
  return formatNumberIn(numberLocale(), n, digits);
}

/** A date and time in the UI's locale ("7.12.2026, 13:12:08"). */
export function formatDateTime(epochMs: number | string): string {
  return new Date(epochMs).toLocaleString(numberLocale());
}

/** A date in the UI's locale. */
export function formatDate(epochMs: number | string): string {
  return new Date(epochMs).toLocaleDateString(numberLocale());
}

/** Seconds with one decimal: "12.3 s". */
export function formatSeconds(seconds: number): string {
  return `${formatNumber(seconds, 1)} s`;
}

export function formatBytes(n: number): string {
  return formatBytesIn(numberLocale(), n);
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return '<1 s';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatPercent(part: number, whole: number): string {
  if (!(whole > 0)) return '—';
  return `${formatNumber(Math.min(100, (part / whole) * 100), 1)} %`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms < 10 ? `${formatNumber(ms, 1)} ms` : `${Math.round(ms)} ms`;
}

/** A wall-clock time, 24-hour with seconds ("13:12:08") in every language. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(numberLocale(), {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
}

/** The multihash prefix every Ed25519 libp2p peer id starts with: it tells two peers apart no better than nothing. */
const PEER_ID_PREFIX = '12D3KooW';

/**
 * The one short form of an id (peer or session) everywhere in the UI: the part after the common peer-id prefix,
 * its first 6 and last 4 characters ("Ab3xYz…9kLm"). The full id goes in a title attribute beside it.
 */
export function shortId(id: string): string {
  const rest = id.startsWith(PEER_ID_PREFIX) ? id.slice(PEER_ID_PREFIX.length) : id;
  return rest.length <= 11 ? rest : `${rest.slice(0, 6)}…${rest.slice(-4)}`;
}
