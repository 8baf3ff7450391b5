/** One line for a sync's log: "pushed 3 files, deleted 1, 39 kB on the wire" (the CLI, daemon log and tray say the same). */
import { formatBytes } from '../core/bytes.ts';
import type { PushSummary } from './sync-types.ts';

export function pushLine(p: Omit<PushSummary, 'at'>): string {
  const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
  const pushed = p.changedFiles ?? p.files - p.unchangedFiles;
  const inward = (p.pulled ?? 0) + (p.deletedHere ?? 0) + (p.renamedHere ?? 0) + (p.conflicts ?? 0);
  // A receive-only sync pushes nothing: its line starts with what came in.
  const parts = pushed > 0 || inward === 0 ? [`pushed ${n(pushed, 'file')}`] : [];
  if (p.deleted) parts.push(`deleted ${p.deleted}`);
  if (p.renamed) parts.push(`renamed ${p.renamed}`);
  if (p.pulled) parts.push(`pulled ${p.pulled}`);
  if (p.deletedHere) parts.push(`deleted ${p.deletedHere} here`);
  if (p.renamedHere) parts.push(`renamed ${p.renamedHere} here`);
  if (p.conflicts) parts.push(n(p.conflicts, 'conflict'));
  if (p.held) parts.push(`${p.held} held by the mode`);
  parts.push(`${formatBytes(p.wireBytes)} on the wire`);
  return parts.join(', ');
}
