/**
 * Sync modes (types.ts SYNC_MODES) as a filter over the plan of conflict.ts:
 *
 *   two-way       every action of the plan.
 *   send-only     this folder is the source. Its edits, deletions and renames reach the peer. What only the peer
 *                 changed (an edit, a deletion, a rename, a new file) and files both sides changed are held:
 *                 not brought here and left out of the push, so the peer's version is never overwritten.
 *   receive-only  the peer is the source. Its edits, deletions and renames are applied here; a file both sides
 *                 changed takes the peer's copy and keeps the local one as `<name>.conflict-<stamp>` (here only).
 *                 What changed only here is held: never pushed, never deleted or renamed on the peer.
 *
 * A held path keeps its entry of the last snapshot (cycle.ts), so the next sync sees the same difference and
 * holds it again: nothing is lost, and nothing flips once the user changes the mode or resolves the file.
 */
import type { SyncAction, SyncPlan } from './conflict.ts';
import type { SyncMode } from './sync-types.ts';

export interface ModePlan extends SyncPlan {
  /** Paths whose difference this mode does not move. */
  held: string[];
}

const OUTWARD = new Set<SyncAction['kind']>(['push', 'delete-remote', 'rename-remote']);

function pathsOf(a: SyncAction): string[] {
  return 'path' in a ? [a.path] : [a.from, a.to];
}

export function planForMode(plan: SyncPlan, mode: SyncMode = 'two-way'): ModePlan {
  if (mode === 'two-way') return { ...plan, held: [] };
  const sending = mode === 'send-only';
  const actions: SyncAction[] = [];
  const held: string[] = [];
  for (const a of plan.actions) {
    if (a.kind === 'conflict') {
      if (sending) held.push(a.path);
      else actions.push({ ...a, winner: 'remote' });
    } else if (OUTWARD.has(a.kind) === sending) actions.push(a);
    else held.push(...pathsOf(a));
  }
  return { actions, held, needsPush: sending && actions.some((a) => a.kind === 'push') };
}
