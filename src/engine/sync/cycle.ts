/**
 * One sync of one job: scan the folder, fetch the peer's view, apply the rule of conflict.ts, stop at the
 * deletion guard (guard.ts) when too much would be deleted, then: here, pull what only the peer changed, keep
 * losing copies of conflicts as `<name>.conflict-<timestamp>`, apply the peer's renames and deletions (into
 * .warp-versions/); there, apply this side's renames and deletions (an `apply` request); then push the folder
 * through the transfer engine (`sendTree`: the peer pulls only the chunks it lacks). Returns the new snapshot.
 *
 * The snapshot is the scan taken before the push, not after: if a file changes while the push runs, the next
 * sync sees it as changed locally (and pushes it) instead of believing the peer already holds it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { buildTree } from '../transfer/tree.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import { sendTree, type SendResult } from '../transfer/send.ts';
import { applyChanges, type TreeChanges } from '../transfer/apply-changes.ts';
import { EXPECT_HEX, MAX_EXPECT } from '../transfer/keep-old.ts';
import type { IgnoreRules } from '../ignore/matcher.ts';
import { conflictName, planSync, type SyncAction } from './conflict.ts';
import { checkGuard, type GuardReport } from './guard.ts';
import { planForMode } from './modes.ts';
import { pushLine } from './push-line.ts';
import { jobIgnoreRules } from './job-file.ts';
import type { SyncEvent } from './sync-events.ts';
import { applyRemote, fetchRemoteFiles, fileMapOf, pullFile, remoteFolder, removeStaleStages } from './remote.ts';
import type { FileFacts, FileMap, PushSummary, SyncJob, SyncStateName } from './sync-types.ts';

export interface CycleContext {
  env: TransferEnv;
  job: SyncJob;
  snapshot: FileMap;
  signal?: AbortSignal;
  now: () => number;
  emit: (e: SyncEvent) => void;
  setState: (s: SyncStateName) => void;
  /** The user confirmed this many deletions (the deletion guard lets a sync with at most this many through). */
  approvedDeletions?: number;
}

export interface CycleResult {
  snapshot: FileMap;
  /** Undefined when nothing had to be done. */
  push?: PushSummary;
  /** Set when the deletion guard stopped the sync before anything was changed. */
  guard?: GuardReport;
  /** Files that differ between the sides and that the job's mode leaves as they are (modes.ts). */
  held: number;
}

export function scanLocal(env: TransferEnv, folder: string, ignore?: IgnoreRules): FileMap {
  const m = buildTree(folder, env.chunking, env.index, undefined, ignore).manifest;
  return fileMapOf(m);
}

function assertFolder(folder: string): void {
  const st = fs.statSync(folder, { throwIfNoEntry: false });
  if (!st?.isDirectory())
    throw new WarpError(
      ErrorCodes.INPUT_NOT_FOUND,
      `the synced folder ${folder} does not exist (or is not a folder); restore it or remove the job with 'warp sync remove'`,
    );
}

/** What one cycle did, counted as it goes. */
interface Tally {
  pulled: number;
  conflicts: number;
  deletedHere: number;
  renamedHere: number;
  deletedThere: number;
  renamedThere: number;
  skipped: string[];
  /** Pulls and conflict copies not made because the local file changed after the scan: compared again next time. */
  deferred: string[];
  held: number;
  /** Bytes the pulls carried on the wire. */
  pullWire: number;
}

export async function runCycle(c: CycleContext): Promise<CycleResult> {
  const { env, job } = c;
  const folder = path.resolve(job.folder);
  assertFolder(folder);
  c.setState('scanning');
  removeStaleStages(folder);
  const rules = jobIgnoreRules(job);
  let local = scanLocal(env, folder, rules);
  const remoteDir = remoteFolder(job.remotePath, folder);
  // What the rules leave out is outside the job on both sides: the peer's copy of an ignored file is neither
  // pulled nor deleted, and a file ignored since the last sync is not "deleted here".
  const matcher = rules.forRoot(folder);
  const inScope = (m: FileMap): FileMap =>
    Object.fromEntries(Object.entries(m).filter(([rel]) => !matcher.excludesPath(rel, false)));
  const remote = inScope(await fetchRemoteFiles(env, job.peer, remoteDir));
  const snapshot = inScope(c.snapshot);
  const plan = planForMode(planSync(snapshot, local, remote, job.conflict), job.mode);
  const held = new Set(plan.held);
  const guard = checkGuard(plan.actions, snapshot, local, job, c.approvedDeletions);
  if (guard) return { snapshot: c.snapshot, guard, held: held.size };

  const t: Tally = {
    pulled: 0,
    conflicts: 0,
    deletedHere: 0,
    renamedHere: 0,
    deletedThere: 0,
    renamedThere: 0,
    skipped: [],
    deferred: [],
    held: 0,
    pullWire: 0,
  };
  await applyHere(c, folder, remoteDir, plan.actions, local, remote, t);
  await applyThere(c, remoteDir, plan.actions, t);
  const changedHere = t.pulled + t.conflicts + t.deletedHere + t.renamedHere > 0;
  if (changedHere) local = scanLocal(env, folder, rules);
  // A removal the peer refused (its file changed since its manifest) stays in the snapshot: the next sync sees
  // "deleted here, changed there" and brings the edit back instead of forgetting the file.
  // Receive-only pushes nothing: only files that now match the peer's are agreed on (a conflict's local copy
  // stays local, held, instead of looking like a file the peer deleted).
  const next: FileMap = job.mode === 'receive-only' ? agreed(local, remote) : { ...local };
  for (const p of t.skipped) if (snapshot[p] && !next[p]) next[p] = snapshot[p];
  // A held path keeps what both sides last agreed on, so the next sync sees (and holds) the same difference; so
  // does a pull deferred because the file changed here meanwhile (the next sync sees both edits: a conflict),
  // and it is left out of this push, which would otherwise overwrite the peer's edit with it.
  t.held = held.size;
  for (const p of t.deferred) held.add(p);
  for (const p of held) {
    if (snapshot[p]) next[p] = snapshot[p];
    else delete next[p];
  }
  if (!plan.needsPush && !changedHere && t.deletedThere + t.renamedThere === 0) return { snapshot: next, held: t.held };
  const pushRules = held.size ? rules.restrict({ without: held }) : rules;
  const push = plan.needsPush
    ? await pushFolder(c, folder, local, remote, plan.actions.length, pushRules, t)
    : summary(c, t);
  return { snapshot: next, push, held: t.held };
}

/** Pulls, conflict copies, and the peer's renames and deletions, applied to this folder. */
async function applyHere(
  c: CycleContext,
  folder: string,
  remoteDir: string,
  actions: SyncAction[],
  local: FileMap,
  remote: FileMap,
  t: Tally,
): Promise<void> {
  const { env, job } = c;
  const abs = (rel: string): string => path.join(folder, ...rel.split('/'));
  const exists = (rel: string): boolean => fs.existsSync(abs(rel)) || rel in remote;
  // A file edited here after the scan is never replaced: the next sync sees the edit (and a conflict if any).
  const untouched = (rel: string): boolean => {
    if (sameFacts(abs(rel), local[rel])) return true;
    t.deferred.push(rel);
    c.emit({
      type: 'sync.skipped',
      id: job.id,
      path: rel,
      reason: 'here: changed during the sync; compared again next time',
    });
    return false;
  };
  const changes: TreeChanges = { renames: [], removes: [], versions: true };
  for (const a of actions) {
    if (c.signal?.aborted) throw new WarpError(ErrorCodes.CANCELLED, 'the sync was stopped');
    if (a.kind === 'pull') {
      if (!untouched(a.path)) continue;
      t.pullWire += (await pullFile(env, job.peer, `${remoteDir}/${a.path}`, folder, abs(a.path), c.signal)).wireBytes;
      t.pulled++;
      c.emit({ type: 'sync.pulled', id: job.id, path: a.path });
    } else if (a.kind === 'conflict') {
      if (!untouched(a.path)) continue;
      const keptAs = conflictName(a.path, c.now(), exists);
      if (a.winner === 'remote') {
        fs.renameSync(abs(a.path), abs(keptAs)); // the local loser keeps its bytes and mtime under the new name
        t.pullWire += (
          await pullFile(env, job.peer, `${remoteDir}/${a.path}`, folder, abs(a.path), c.signal)
        ).wireBytes;
      } else {
        t.pullWire += (
          await pullFile(env, job.peer, `${remoteDir}/${a.path}`, folder, abs(keptAs), c.signal)
        ).wireBytes;
      }
      t.conflicts++;
      c.emit({ type: 'sync.conflict', id: job.id, path: a.path, keptAs, winner: a.winner });
    } else if (a.kind === 'rename-local') changes.renames.push({ from: a.from, to: a.to, hash: a.hash });
    else if (a.kind === 'delete-local') changes.removes.push({ path: a.path, hash: a.hash });
  }
  if (changes.renames.length + changes.removes.length === 0) return;
  const r = applyChanges(folder, changes, abs, c.now());
  t.renamedHere += r.renamed;
  t.deletedHere += r.removed;
  for (const s of r.skipped) c.emit({ type: 'sync.skipped', id: job.id, path: s.path, reason: `here: ${s.reason}` });
}

/** This side's renames and deletions, applied to the peer's copy (each only while its file is what we last agreed on). */
async function applyThere(c: CycleContext, remoteDir: string, actions: SyncAction[], t: Tally): Promise<void> {
  const changes: TreeChanges = { renames: [], removes: [], versions: true };
  for (const a of actions) {
    if (a.kind === 'rename-remote') changes.renames.push({ from: a.from, to: a.to, hash: a.hash });
    else if (a.kind === 'delete-remote') changes.removes.push({ path: a.path, hash: a.hash });
  }
  if (changes.renames.length + changes.removes.length === 0) return;
  const r = await applyRemote(c.env, c.job.peer, remoteDir, changes);
  t.renamedThere += r.renamed;
  t.deletedThere += r.removed;
  for (const s of r.skipped) {
    t.skipped.push(s.path);
    c.emit({ type: 'sync.skipped', id: c.job.id, path: s.path, reason: `on the peer: ${s.reason}` });
  }
}

async function pushFolder(
  c: CycleContext,
  folder: string,
  local: FileMap,
  remote: FileMap,
  changedFiles: number,
  rules: IgnoreRules,
  t: Tally,
): Promise<PushSummary> {
  const bytes = Object.values(local).reduce((s, f) => s + f.size, 0);
  c.setState('pushing');
  c.emit({ type: 'sync.push-started', id: c.job.id, files: Object.keys(local).length, bytes, changedFiles });
  const t0 = performance.now();
  const r = await sendTree(c.env, {
    address: c.job.peer,
    localPath: folder,
    remotePath: c.job.remotePath,
    signal: c.signal,
    ignore: rules,
    // The peer keeps each file the push replaces in its versions folder, and one that is no longer what its
    // manifest showed (edited there since) as a conflict copy instead of overwriting it (transfer/keep-old.ts).
    keep: { versions: true, expect: expectations(path.basename(folder), local, remote) },
  });
  const kept = r.kept;
  if (kept) {
    t.conflicts += kept.conflicted;
    for (const k of kept.conflicts) {
      const rel = k.path.slice(k.path.indexOf('/') + 1);
      const keptAs = k.keptAs.slice(k.keptAs.indexOf('/') + 1);
      c.emit({ type: 'sync.conflict', id: c.job.id, path: rel, keptAs, winner: 'local' });
    }
  }
  return summary(c, t, r, (performance.now() - t0) / 1000);
}

/** Bytes of the push header the expectations may take (the header is at most 64 KiB). */
const EXPECT_BUDGET = 40_000;

/**
 * For the files the push will write on the peer: the content the peer's manifest showed there ('' for none),
 * as many as fit the push header. Paths past the budget are still kept as versions when replaced.
 */
function expectations(top: string, local: FileMap, remote: FileMap): Array<{ p: string; h: string }> {
  const out: Array<{ p: string; h: string }> = [];
  let bytes = 0;
  for (const [rel, f] of Object.entries(local)) {
    const there = remote[rel];
    if (there?.hash === f.hash) continue;
    const e = { p: `${top}/${rel}`, h: there ? there.hash.slice(0, EXPECT_HEX) : '' };
    bytes += Buffer.byteLength(e.p) + e.h.length + 8;
    if (bytes > EXPECT_BUDGET || out.length >= MAX_EXPECT) break;
    out.push(e);
  }
  return out;
}

/** The push summary (and its event): what moved, what was deleted and renamed on either side. */
function summary(c: CycleContext, t: Tally, r?: SendResult, elapsedSeconds = 0): PushSummary {
  const push: PushSummary = {
    at: new Date(c.now()).toISOString(),
    files: r?.files ?? 0,
    bytes: r?.bytes ?? 0,
    fetchedBytes: r?.fetchedBytes ?? 0,
    wireBytes: (r?.wireBytes ?? 0) + t.pullWire,
    fetchedChunks: r?.fetchedChunks ?? 0,
    localChunks: r?.localChunks ?? 0,
    unchangedFiles: r?.unchangedFiles ?? 0,
    pulled: t.pulled,
    conflicts: t.conflicts,
    deleted: t.deletedThere,
    renamed: t.renamedThere,
    deletedHere: t.deletedHere,
    renamedHere: t.renamedHere,
    changedFiles: r ? r.files - r.unchangedFiles : 0,
    ...(t.held ? { held: t.held } : {}),
  };
  c.emit({ type: 'sync.push', id: c.job.id, elapsedSeconds, line: pushLine(push), ...pushFields(push) });
  return push;
}

function agreed(local: FileMap, remote: FileMap): FileMap {
  const out: FileMap = {};
  for (const [p, f] of Object.entries(local)) if (remote[p]?.hash === f.hash) out[p] = f;
  return out;
}

function sameFacts(abs: string, f: FileFacts | undefined): boolean {
  const st = fs.lstatSync(abs, { throwIfNoEntry: false });
  if (!f) return !st;
  return !!st?.isFile() && st.size === f.size && Math.abs(st.mtimeMs - f.mtimeMs) < 1;
}

function pushFields(p: PushSummary): Omit<PushSummary, 'at'> {
  const { at: _at, ...rest } = p;
  return rest;
}
