/** One line for a sync's log: "pushed 3 files, deleted 1, 39 kB on the wire" (the CLI, daemon log and tray say the same). */
import { formatBytes } from '../core/bytes.ts';
import type { PushSummary } from './types.ts';

export function pushLine(p: Omit<PushSummary, 'at'>): string {
  const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
  const parts = [`pushed ${n(p.changedFiles ?? p.files - p.unchangedFiles, 'file')}`];
  if (p.deleted) parts.push(`deleted ${p.deleted}`);
  if (p.renamed) parts.push(`renamed ${p.renamed}`);
  if (p.pulled) parts.push(`pulled ${p.pulled}`);
  if (p.deletedHere) parts.push(`deleted ${p.deletedHere} here`);
  if (p.renamedHere) parts.push(`renamed ${p.renamedHere} here`);
  if (p.conflicts) parts.push(n(p.conflicts, 'conflict'));
  parts.push(`${formatBytes(p.wireBytes)} on the wire`);
  return parts.join(', ');
}
