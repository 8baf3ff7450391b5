/** Number formatting for the UI: sizes, rates, durations. Binary units, like the CLI. */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  let i = 0;
  let v = n;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v.toFixed(0) : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${UNITS[i]}`;
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
  return `${Math.min(100, (part / whole) * 100).toFixed(1)} %`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
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
