/**
 * Printing the archive benchmark: the side-by-side table (terminal or Markdown for BENCHMARKS.md), Warp's ratios to
 * each peer, and the issue's targets as figures to read (not pass/fail tests).
 */
import { formatBytes } from '../../src/engine/core/bytes.ts';
import type { Measurement, Op } from './archive-measure.ts';

export interface ToolInfo {
  name: string;
  version?: string;
  settings: string;
  skipped?: string;
}

const HEAD = ['tool', 'op', 'seconds', 'MB/s', 'output', 'dedup', 'peak RSS', 'check'];

function row(m: Measurement): string[] {
  if (!m.ok) return [m.tool, m.op, 'failed', '', '', '', '', (m.error ?? '').slice(0, 60)];
  return [
    m.tool,
    m.op,
    m.seconds.toFixed(2),
    m.mbps.toFixed(0),
    m.outputBytes !== undefined ? formatBytes(m.outputBytes) : '',
    m.dedupRatio !== undefined ? `${m.dedupRatio.toFixed(2)}x` : '',
    m.peakRssKiB !== undefined ? `${(m.peakRssKiB / 1024).toFixed(0)} MiB` : '',
    m.details?.check === undefined ? '' : String(m.details.check),
  ];
}

export function textTable(results: Measurement[]): string {
  const rows = [HEAD, ...results.map(row)];
  const widths = HEAD.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const numeric = new Set([2, 3, 4, 5, 6]);
  return rows
    .map((r, i) => {
      const line = r
        .map((cell, c) => (numeric.has(c) && i > 0 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join('  ')
        .trimEnd();
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

export function markdownTable(results: Measurement[]): string {
  const lines = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map((_, c) => (c >= 2 && c <= 6 ? '---:' : '---')).join('|')}|`];
  for (const m of results) lines.push(`| ${row(m).join(' | ')} |`);
  return lines.join('\n');
}

function find(results: Measurement[], tool: string, op: Op): Measurement | undefined {
  return results.find((m) => m.tool === tool && m.op === op && m.ok);
}

export interface Ratio {
  warp: string;
  peer: string;
  /** Warp seconds / peer seconds per op (below 1: Warp is faster). */
  time: Partial<Record<Op, number>>;
  /** Warp output bytes / peer output bytes (below 1: Warp's archive is smaller). */
  size?: number;
}

export function ratios(results: Measurement[], warpNames: string[], peerNames: string[]): Ratio[] {
  const out: Ratio[] = [];
  for (const w of warpNames) {
    if (!find(results, w, 'create')) continue;
    for (const p of peerNames) {
      const time: Ratio['time'] = {};
      for (const op of ['create', 'extract', 'verify'] as const) {
        const a = find(results, w, op);
        const b = find(results, p, op);
        if (a && b && b.seconds > 0) time[op] = a.seconds / b.seconds;
      }
      const wc = find(results, w, 'create')?.outputBytes;
      const pc = find(results, p, 'create')?.outputBytes;
      if (Object.keys(time).length) out.push({ warp: w, peer: p, time, size: wc && pc ? wc / pc : undefined });
    }
  }
  return out;
}

export function ratioLines(rs: Ratio[]): string[] {
  return rs.map((r) => {
    const t = (['create', 'extract', 'verify'] as const)
      .filter((op) => r.time[op] !== undefined)
      .map((op) => `${op} ${r.time[op]?.toFixed(2)}x`);
    return `${r.warp} / ${r.peer}: time ${t.join(', ')}${r.size !== undefined ? `; size ${r.size.toFixed(2)}x` : ''}`;
  });
}

/** The issue's targets, as figures next to the measured value (a benchmark reports; it does not fail). */
export function targetLines(results: Measurement[], warp: string, smallFilesMode: boolean): string[] {
  const c = find(results, warp, 'create');
  if (!c) return [`${warp}: no figures (not run)`];
  const e = find(results, warp, 'extract');
  const r = find(results, 'restic', 'create');
  const lines: string[] = [];
  const push = (l: string): void => {
    lines.push(`${warp}: ${l}`);
  };
  const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  if (smallFilesMode) {
    const rss =
      Math.max(...['create', 'extract', 'verify'].map((op) => find(results, warp, op as Op)?.peakRssKiB ?? 0)) / 1024;
    push(`peak RSS ≤ 250 MB (many small files): ${rss.toFixed(0)} MiB, ${mark(rss * 1.048576 <= 250)}`);
    return lines;
  }
  push(`create ≥ 400 MB/s: ${c.mbps.toFixed(0)} MB/s, ${mark(c.mbps >= 400)}`);
  if (r)
    push(`create time ≤ 0.5 × restic: ${(c.seconds / r.seconds).toFixed(2)}x, ${mark(c.seconds <= 0.5 * r.seconds)}`);
  if (r?.outputBytes && c.outputBytes)
    push(
      `output ≤ restic repository: ${(c.outputBytes / r.outputBytes).toFixed(3)}x, ${mark(c.outputBytes <= r.outputBytes)}`,
    );
  if (e) push(`extract ≥ 800 MB/s: ${e.mbps.toFixed(0)} MB/s, ${mark(e.mbps >= 800)}`);
  return lines;
}
