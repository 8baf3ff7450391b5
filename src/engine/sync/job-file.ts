/**
 * Job definitions as the state file holds them: validation of what a user asks for, and the add / remove /
 * pause edits. The manager and the CLI (`warp sync add|remove|pause|resume`, which work without a running
 * manager) both go through here, so the rules are the same whichever process edits the file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { parsePeerAddress } from '../net/address.ts';
import { validateSchedule } from './schedule.ts';
import { updateState, type JobRecord } from './state-file.ts';
import {
  CONFLICT_POLICIES,
  SYNC_MODES,
  type SyncGuard,
  type SyncIgnore,
  type SyncJob,
  type SyncJobSpec,
  type SyncSettings,
  type SyncVersions,
} from './sync-types.ts';
import { DEFAULT_VERSIONS_POLICY, VERSION_POLICIES, type VersionsPolicy } from '../transfer/versions-keep.ts';
import { DEFAULT_IGNORE, IgnoreRules } from '../ignore/matcher.ts';

/** Validates what a user asked for and fills the defaults. */
export function normalizeSpec(spec: SyncJobSpec, nowMs: number): SyncJob {
  if (!spec || typeof spec !== 'object')
    throw new WarpError(ErrorCodes.USAGE, 'a sync job needs folder, peer and remotePath');
  if (typeof spec.folder !== 'string' || spec.folder.trim() === '')
    throw new WarpError(ErrorCodes.USAGE, 'folder must be the path of a local folder');
  const folder = path.resolve(spec.folder);
  if (!fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory())
    throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `${folder} is not a folder`, { details: { path: folder } });
  if (typeof spec.peer !== 'string')
    throw new WarpError(ErrorCodes.USAGE, 'peer must be an address such as <peer-id>@host:port');
  const addr = parsePeerAddress(spec.peer);
  if (!addr.peerId)
    throw new WarpError(
      ErrorCodes.USAGE,
      `the peer address '${spec.peer}' needs the peer id (<peer-id>@host:port): sync checks who it pushes to`,
    );
  if (spec.remotePath !== undefined && typeof spec.remotePath !== 'string')
    throw new WarpError(ErrorCodes.USAGE, 'remotePath must be a path on the peer, such as /backup');
  let remotePath = (spec.remotePath ?? '').trim() || '/';
  if (remotePath.split('/').includes('..') || remotePath.includes('\0') || remotePath.includes('\\'))
    throw new WarpError(ErrorCodes.USAGE, `invalid remote path '${remotePath}': no '..', no backslashes`);
  if (!remotePath.startsWith('/')) remotePath = `/${remotePath}`;
  if (spec.schedule !== undefined && !Array.isArray(spec.schedule))
    throw new WarpError(ErrorCodes.USAGE, 'schedule must be a list of windows { start, end, days?, timeZone? }');
  const schedule = (spec.schedule ?? []).map((w) => {
    if (!w || typeof w !== 'object' || typeof w.start !== 'string' || typeof w.end !== 'string')
      throw new WarpError(ErrorCodes.USAGE, 'a schedule window needs start and end as HH:MM');
    return {
      start: w.start,
      end: w.end,
      ...(w.days ? { days: [...w.days] } : {}),
      ...(w.timeZone ? { timeZone: w.timeZone } : {}),
    };
  });
  validateSchedule(schedule);
  if (
    spec.debounceMs !== undefined &&
    !(Number.isInteger(spec.debounceMs) && spec.debounceMs >= 0 && spec.debounceMs <= 600_000)
  ) {
    throw new WarpError(ErrorCodes.USAGE, 'debounceMs must be a whole number of milliseconds from 0 to 600000');
  }
  const conflict = spec.conflict ?? 'newer-wins';
  if (!CONFLICT_POLICIES.includes(conflict))
    throw new WarpError(
      ErrorCodes.USAGE,
      `unknown conflict policy '${String(conflict)}'; use ${CONFLICT_POLICIES.join(', ')}`,
    );
  const mode = spec.mode ?? 'two-way';
  if (!SYNC_MODES.includes(mode))
    throw new WarpError(ErrorCodes.USAGE, `unknown sync mode '${String(mode)}'; use ${SYNC_MODES.join(', ')}`);
  const only = normalizeOnly(spec.only);
  const ignore = normalizeIgnore(spec.ignore);
  const guard = normalizeGuard(spec.guard);
  const versions = normalizeVersions(spec.versions);
  return {
    id: crypto.randomBytes(4).toString('hex'),
    folder,
    peer: addr.text,
    remotePath,
    schedule,
    pauseOnBattery: spec.pauseOnBattery === true,
    pauseOnMetered: spec.pauseOnMetered === true,
    conflict,
    mode,
    ...(only ? { only } : {}),
    ...(spec.debounceMs !== undefined ? { debounceMs: spec.debounceMs } : {}),
    ...(ignore ? { ignore } : {}),
    ...(guard ? { guard } : {}),
    ...(versions ? { versions } : {}),
    paused: false,
    createdAt: new Date(nowMs).toISOString(),
  };
}

/** Selective sync's folders: relative, '/'-separated, inside the folder, no duplicates; absent or empty = all. */
function normalizeOnly(only: string[] | undefined): string[] | undefined {
  if (only === undefined) return undefined;
  if (!Array.isArray(only) || only.some((x) => typeof x !== 'string'))
    throw new WarpError(ErrorCodes.USAGE, 'only must be a list of subfolders, such as ["photos/2024", "docs"]');
  const out = new Set<string>();
  for (const raw of only) {
    const rel = raw
      .replace(/\\/g, '/')
      .replace(/^\.\/+/, '')
      .replace(/\/+$/, '')
      .replace(/\/{2,}/g, '/');
    const parts = rel.split('/');
    if (
      rel === '' ||
      rel === '.' ||
      rel.startsWith('/') ||
      parts.some((x) => x === '..' || x === '.') ||
      rel.includes('\0')
    )
      throw new WarpError(
        ErrorCodes.USAGE,
        `selective sync takes subfolders inside the synced folder, such as 'photos/2024' (got '${raw}')`,
      );
    out.add(rel);
  }
  return out.size ? [...out].sort() : undefined;
}

/** Checks a job's ignore patterns and presets now (a bad one is refused at add, not at the first sync). */
function normalizeIgnore(ig: SyncIgnore | undefined): SyncIgnore | undefined {
  if (ig === undefined) return undefined;
  const list = (v: unknown, what: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      throw new WarpError(ErrorCodes.USAGE, `ignore.${what} must be a list of strings`);
    return [...v] as string[];
  };
  const patterns = list(ig.patterns, 'patterns');
  const presets = list(ig.presets, 'presets');
  IgnoreRules.compile({ patterns, presets });
  return patterns.length + presets.length ? { patterns, presets } : undefined;
}

function normalizeGuard(g: SyncGuard | undefined): SyncGuard | undefined {
  if (g === undefined) return undefined;
  if (!g || typeof g !== 'object')
    throw new WarpError(ErrorCodes.USAGE, 'guard must be { share?, maxFiles?, minFiles? }');
  if (g.share !== undefined && !(typeof g.share === 'number' && g.share > 0 && g.share <= 1))
    throw new WarpError(ErrorCodes.USAGE, 'guard.share must be a number above 0 and at most 1 (0.5 = half the folder)');
  for (const k of ['maxFiles', 'minFiles'] as const) {
    if (g[k] !== undefined && !(Number.isInteger(g[k]) && g[k]! >= 1))
      throw new WarpError(ErrorCodes.USAGE, `guard.${k} must be a whole number of files, at least 1`);
  }
  const out: SyncGuard = {
    ...(g.share !== undefined ? { share: g.share } : {}),
    ...(g.maxFiles !== undefined ? { maxFiles: g.maxFiles } : {}),
    ...(g.minFiles !== undefined ? { minFiles: g.minFiles } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

function normalizeVersions(v: SyncVersions | undefined): SyncVersions | undefined {
  if (v === undefined) return undefined;
  if (!v || typeof v !== 'object')
    throw new WarpError(ErrorCodes.USAGE, 'versions must be { policy?, maxAgeMs?, maxBytes?, count? }');
  if (v.policy !== undefined && !VERSION_POLICIES.includes(v.policy))
    throw new WarpError(
      ErrorCodes.USAGE,
      `unknown versions policy '${String(v.policy)}'; use ${VERSION_POLICIES.join(' or ')}`,
    );
  for (const k of ['maxAgeMs', 'maxBytes'] as const) {
    if (v[k] !== undefined && !(Number.isFinite(v[k]) && v[k]! >= 0))
      throw new WarpError(ErrorCodes.USAGE, `versions.${k} must be a number from 0 up`);
  }
  if (v.count !== undefined && !(Number.isInteger(v.count) && v.count >= 1 && v.count <= 10_000))
    throw new WarpError(ErrorCodes.USAGE, 'versions.count must be a whole number of versions per file, 1 to 10000');
  return {
    ...(v.policy ? { policy: v.policy } : {}),
    ...(v.maxAgeMs !== undefined ? { maxAgeMs: v.maxAgeMs } : {}),
    ...(v.maxBytes !== undefined ? { maxBytes: v.maxBytes } : {}),
    ...(v.count !== undefined ? { count: v.count } : {}),
  };
}

/** The retention a job's versions folder is pruned with. */
export function jobVersionsPolicy(job: SyncJob): VersionsPolicy {
  const v = job.versions ?? {};
  return {
    kind: v.policy ?? DEFAULT_VERSIONS_POLICY.kind,
    maxAgeMs: v.maxAgeMs ?? DEFAULT_VERSIONS_POLICY.maxAgeMs,
    maxBytes: v.maxBytes ?? DEFAULT_VERSIONS_POLICY.maxBytes,
    count: v.count ?? DEFAULT_VERSIONS_POLICY.count,
  };
}

/** The rules a job's scans and watcher apply. */
export function jobIgnoreRules(job: SyncJob): IgnoreRules {
  const rules = job.ignore
    ? IgnoreRules.compile({ patterns: job.ignore.patterns, presets: job.ignore.presets })
    : DEFAULT_IGNORE;
  // Selective sync: what lies outside the chosen subfolders is outside the job on both sides, like an ignored path.
  return job.only?.length ? rules.restrict({ only: job.only }) : rules;
}

/** Adds a job to the file; the same folder, peer and remote path twice is refused. */
export function addJob(file: string, spec: SyncJobSpec, nowMs: number): JobRecord {
  const job = normalizeSpec(spec, nowMs);
  const rec: JobRecord = { job, snapshot: null };
  updateState(file, (d) => {
    const dup = d.jobs.find(
      (r) => r.job.folder === job.folder && r.job.peer === job.peer && r.job.remotePath === job.remotePath,
    );
    if (dup)
      throw new WarpError(
        ErrorCodes.USAGE,
        `${job.folder} already syncs to ${job.peer}:${job.remotePath} (job ${dup.job.id})`,
      );
    d.jobs.push(rec);
  });
  return rec;
}

export function removeJob(file: string, id: string): boolean {
  let found = false;
  updateState(file, (d) => {
    found = d.jobs.some((j) => j.job.id === id);
    d.jobs = d.jobs.filter((j) => j.job.id !== id);
  });
  return found;
}

export function setJobPaused(file: string, id: string, paused: boolean): SyncJob {
  let job: SyncJob | undefined;
  updateState(file, (d) => {
    const r = d.jobs.find((j) => j.job.id === id);
    if (r) {
      r.job.paused = paused;
      job = r.job;
    }
  });
  if (!job) throw unknownJob(id);
  return job;
}

/**
 * Changes a job's deletion guard and versions retention (absent: unchanged, null: back to the defaults). A
 * guard report already holding the job stays: the new limits apply from the next sync on.
 */
export function setJobSettings(file: string, id: string, settings: SyncSettings): SyncJob {
  const guard = settings.guard === null ? null : normalizeGuard(settings.guard);
  const versions = settings.versions === null ? null : normalizeVersions(settings.versions);
  let job: SyncJob | undefined;
  updateState(file, (d) => {
    const r = d.jobs.find((j) => j.job.id === id);
    if (!r) return;
    if (settings.guard !== undefined) r.job = withField(r.job, 'guard', guard ?? undefined);
    if (settings.versions !== undefined) r.job = withField(r.job, 'versions', versions ?? undefined);
    job = r.job;
  });
  if (!job) throw unknownJob(id);
  return job;
}

function withField<K extends 'guard' | 'versions'>(job: SyncJob, k: K, v: SyncJob[K]): SyncJob {
  const { [k]: _old, ...rest } = job;
  return (v === undefined ? rest : { ...rest, [k]: v }) as SyncJob;
}

export function unknownJob(id: string): WarpError {
  return new WarpError(ErrorCodes.USAGE, `no sync job '${id}' ('warp sync list' shows them)`, { details: { id } });
}

/**
 * Confirms the deletions the guard stopped (at most `deletions`, default what it reported), so the next sync
 * goes through; the manager picks the change up from the file.
 */
export function confirmDeletions(file: string, id: string, deletions?: number): number {
  let allowed: number | undefined;
  let found = false;
  updateState(file, (d) => {
    const r = d.jobs.find((j) => j.job.id === id);
    if (!r) return;
    found = true;
    allowed = deletions ?? r.guard?.deletions;
    if (allowed === undefined) return;
    r.approvedDeletions = allowed;
    r.guard = undefined;
  });
  if (!found) throw unknownJob(id);
  if (allowed === undefined)
    throw new WarpError(
      ErrorCodes.USAGE,
      `job ${id} is not waiting for a confirmation (the deletion guard has not stopped it)`,
    );
  return allowed;
}
