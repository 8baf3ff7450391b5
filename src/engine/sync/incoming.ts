/**
 * The receiving side of sync: folders other machines keep in sync with this one. The syncing side runs the job
 * (manager.ts); after each sync it sends a `synced` report (remote.ts reportToPeer), and this side's listener
 * (`warp listen`, the daemon's peer host) records it here, so both machines list the folder with the other's
 * name, the state of its last sync, when, and what moved, instead of anonymous incoming transfers.
 *
 * Kept in `$WARP_HOME/sync/incoming.json` (written atomically, at most MAX_FOLDERS entries, the oldest dropped):
 * one record per (peer, job). A report only names a folder inside this listener's root; anything else is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { resolveInRoot } from '../transfer/paths.ts';
import type { ExtraRequests } from '../transfer/service.ts';
import type { SyncMode } from './sync-types.ts';

const MAX_FOLDERS = 1000;

/** What moved in one sync, from the syncing side's point of view ("pushed" = sent to this machine). */
export interface SyncMoved {
  pushed: number;
  deleted: number;
  renamed: number;
  pulled: number;
  deletedThere: number;
  renamedThere: number;
  conflicts: number;
  held: number;
  wireBytes: number;
}

export interface IncomingSync {
  /** The syncing machine's peer id and its job id. */
  peer: string;
  job: string;
  /** The folder here (absolute) and as the peer names it (under this listener's root). */
  folder: string;
  dest: string;
  /** The mode as this side sees it: the peer's send-only is receive-only here, and the other way round. */
  mode: SyncMode;
  state: 'idle' | 'error';
  lastSyncAt: string;
  lastError?: string;
  moved: SyncMoved;
}

const MIRRORED: Record<SyncMode, SyncMode> = {
  'two-way': 'two-way',
  'send-only': 'receive-only',
  'receive-only': 'send-only',
};

export function incomingFile(home: string): string {
  return path.join(home, 'sync', 'incoming.json');
}

export function readIncoming(home: string): IncomingSync[] {
  try {
    const d = JSON.parse(fs.readFileSync(incomingFile(home), 'utf8')) as { folders?: IncomingSync[] };
    return Array.isArray(d.folders) ? d.folders : [];
  } catch {
    return []; // missing or damaged: it only describes the past, the next report writes it again
  }
}

/** "received 3 files, deleted 1 here, sent 2, 39 kB on the wire": the syncing side's push line, seen from here. */
export function incomingLine(m: SyncMoved, formatBytes: (n: number) => string): string {
  const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (m.pushed || m.deleted + m.renamed + m.pulled === 0) parts.push(`received ${n(m.pushed, 'file')}`);
  if (m.deleted) parts.push(`deleted ${m.deleted} here`);
  if (m.renamed) parts.push(`renamed ${m.renamed} here`);
  if (m.pulled) parts.push(`sent ${n(m.pulled, 'file')}`);
  if (m.deletedThere) parts.push(`deleted ${m.deletedThere} there`);
  if (m.renamedThere) parts.push(`renamed ${m.renamedThere} there`);
  if (m.conflicts) parts.push(n(m.conflicts, 'conflict'));
  if (m.held) parts.push(`${m.held} held by the mode`);
  parts.push(`${formatBytes(m.wireBytes)} on the wire`);
  return parts.join(', ');
}

/** Records one report; returns the record as stored. */
export function recordIncoming(
  home: string,
  root: string,
  peer: string,
  r: { dest: string; job: string; mode: SyncMode; ok: boolean; error?: string; moved: SyncMoved },
  nowMs = Date.now(),
): IncomingSync {
  const folder = resolveInRoot(root, r.dest, false);
  const rec: IncomingSync = {
    peer,
    job: r.job,
    folder,
    dest: r.dest,
    mode: MIRRORED[r.mode],
    state: r.ok ? 'idle' : 'error',
    lastSyncAt: new Date(nowMs).toISOString(),
    ...(r.error ? { lastError: r.error } : {}),
    moved: r.moved,
  };
  const all = readIncoming(home);
  const prev = all.find((f) => f.peer === peer && f.job === r.job);
  // A sync that moved nothing keeps the last one that did as "what moved" (its time is the last sync's).
  const { held: _held, ...counts } = r.moved;
  if (prev && r.ok && Object.values(counts).every((n) => n === 0)) rec.moved = { ...prev.moved, held: r.moved.held };
  const folders = all.filter((f) => f !== prev);
  folders.push(rec);
  folders.sort((a, b) => a.lastSyncAt.localeCompare(b.lastSyncAt));
  const file = incomingFile(home);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify({ version: 1, folders: folders.slice(-MAX_FOLDERS) }, null, 1), {
    mode: 0o600,
  });
  fs.renameSync(tmp, file);
  return rec;
}

/** The listener's handler of `synced` reports (merged into TransferService's extraRequests). */
export function syncRequests(o: {
  home: string;
  root: string;
  onReport?: (r: IncomingSync) => void;
}): Pick<ExtraRequests, 'synced'> {
  return {
    async synced(f, ctx) {
      let rec: IncomingSync;
      try {
        rec = recordIncoming(o.home, o.root, ctx.peer, f.h);
      } catch (e) {
        throw new WarpError(
          ErrorCodes.PROTOCOL,
          `a sync report for '${f.h.dest}' was refused: ${(e as Error).message}`,
        );
      }
      o.onReport?.(rec);
      await ctx.ch.write({ t: 'pong', n: 0, at: Date.now() });
    },
  };
}
