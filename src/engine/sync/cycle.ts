/**
 * One sync of one job: scan the folder, fetch the peer's view, apply the rule of conflict.ts (pull what only the
 * peer changed, keep losing copies of conflicts as `<name>.conflict-<timestamp>`), then push the folder through
 * the transfer engine (`sendTree`: the peer pulls only the chunks it lacks). Returns the new snapshot.
 *
 * The snapshot is the scan taken before the push, not after: if a file changes while the push runs, the next
 * sync sees it as changed locally (and pushes it) instead of believing the peer already holds it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { buildTree } from '../transfer/tree.ts';
import { sendTree, type TransferEnv } from '../transfer/client.ts';
import type { IgnoreRules } from '../ignore/matcher.ts';
import { conflictName, isTemporaryName, planSync } from './conflict.ts';
import { jobIgnoreRules } from './jobs.ts';
import type { SyncEvent } from './events.ts';
import { fetchRemoteFiles, fileMapOf, pullFile, remoteFolder, removeStaleStages } from './remote.ts';
import type { FileMap, PushSummary, SyncJob, SyncStateName } from './types.ts';

export interface CycleContext {
  env: TransferEnv;
  job: SyncJob;
  snapshot: FileMap;
  signal?: AbortSignal;
  now: () => number;
  emit: (e: SyncEvent) => void;
  setState: (s: SyncStateName) => void;
}

export interface CycleResult {
  snapshot: FileMap;
  /** Undefined when nothing had to be pushed. */
  push?: PushSummary;
}

export function scanLocal(env: TransferEnv, folder: string, ignore?: IgnoreRules): FileMap {
  const m = buildTree(folder, env.chunking, env.index, undefined, ignore).manifest;
  const files = fileMapOf(m);
  for (const p of Object.keys(files)) if (isTemporaryName(p)) delete files[p];
  return files;
}

function assertFolder(folder: string): void {
  const st = fs.statSync(folder, { throwIfNoEntry: false });
  if (!st?.isDirectory()) throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `the synced folder ${folder} does not exist (or is not a folder); restore it or remove the job with 'warp sync remove'`);
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
  // pulled nor (once deletions propagate) deleted, and a file ignored since the last sync is not "deleted here".
  const matcher = rules.forRoot(folder);
  const inScope = (m: FileMap): FileMap => Object.fromEntries(Object.entries(m).filter(([rel]) => !matcher.excludesPath(rel, false)));
  const remote = inScope(await fetchRemoteFiles(env, job.peer, remoteDir));
  const plan = planSync(inScope(c.snapshot), local, remote, job.conflict);
  const abs = (rel: string): string => path.join(folder, ...rel.split('/'));
  const exists = (rel: string): boolean => fs.existsSync(abs(rel)) || rel in remote;
  let pulled = 0;
  let conflicts = 0;
  for (const a of plan.actions) {
    if (c.signal?.aborted) throw new WarpError(ErrorCodes.CANCELLED, 'the sync was stopped');
    const remoteFile = `${remoteDir}/${a.path}`;
    if (a.kind === 'pull') {
      await pullFile(env, job.peer, remoteFile, folder, abs(a.path), c.signal);
      pulled++;
      c.emit({ type: 'sync.pulled', id: job.id, path: a.path });
    } else if (a.kind === 'conflict') {
      const keptAs = conflictName(a.path, c.now(), exists);
      if (a.winner === 'remote') {
        fs.renameSync(abs(a.path), abs(keptAs)); // the local loser keeps its bytes and mtime under the new name
        await pullFile(env, job.peer, remoteFile, folder, abs(a.path), c.signal);
      } else {
        await pullFile(env, job.peer, remoteFile, folder, abs(keptAs), c.signal);
      }
      conflicts++;
      c.emit({ type: 'sync.conflict', id: job.id, path: a.path, keptAs, winner: a.winner });
    }
  }
  if (pulled + conflicts > 0) local = scanLocal(env, folder, rules);
  if (!plan.needsPush) return { snapshot: local };

  const changedFiles = plan.actions.filter((a) => a.kind !== 'pull').length;
  const bytes = Object.values(local).reduce((s, f) => s + f.size, 0);
  c.setState('pushing');
  c.emit({ type: 'sync.push-started', id: job.id, files: Object.keys(local).length, bytes, changedFiles });
  const t0 = performance.now();
  const r = await sendTree(env, { address: job.peer, localPath: folder, remotePath: job.remotePath, signal: c.signal, ignore: rules });
  const push: PushSummary = {
    at: new Date(c.now()).toISOString(), files: r.files, bytes: r.bytes, fetchedBytes: r.fetchedBytes, wireBytes: r.wireBytes,
    fetchedChunks: r.fetchedChunks, localChunks: r.localChunks, unchangedFiles: r.unchangedFiles, pulled, conflicts,
  };
  c.emit({ type: 'sync.push', id: job.id, elapsedSeconds: (performance.now() - t0) / 1000, ...pushFields(push) });
  return { snapshot: local, push };
}

function pushFields(p: PushSummary): Omit<PushSummary, 'at'> {
  const { at: _at, ...rest } = p;
  return rest;
}
