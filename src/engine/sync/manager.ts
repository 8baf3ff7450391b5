/**
 * Background sync: folders watched (folder-watch.ts: one fs.watch per directory), changes debounced, then pushed to a paired peer through the
 * transfer engine (cycle.ts), one sync at a time per job. Hosted by the daemon, the Electron main process and
 * `warp sync run`; they read `status()` and listen to `events`.
 *
 * A job's state is derived, in this order: paused (by the user, on battery, on a metered network) >
 * waiting-window (outside its schedule) > scanning/pushing (a sync runs) > error (the last sync failed; retried
 * after retryMs) > idle. Changes seen while a job may not run stay pending and are pushed once it may.
 * Job definitions and the last synced snapshot live in the state file (state-file.ts); the file is re-read when
 * another process (`warp sync add|remove|pause|resume`) changes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterBurst } from '../core/idle-gc.ts';
import { EventBus } from '../core/event-bus.ts';
import { ErrorCodes, isWarpError } from '../core/errors.ts';
import { IGNORE_FILE, type TreeMatcher } from '../ignore/matcher.ts';
import { isTemporaryName } from './conflict.ts';
import { runCycle } from './cycle.ts';
import { FolderWatcher } from './folder-watch.ts';
import { movedOf, remoteFolder, reportToPeer } from './remote.ts';
import { Debouncer } from './debounce.ts';
import type { SyncEvent } from './sync-events.ts';
import { pruneVersions } from '../transfer/versions-keep.ts';
import {
  addJob,
  confirmDeletions,
  jobIgnoreRules,
  jobVersionsPolicy,
  removeJob,
  setJobPaused,
  setJobSettings,
  unknownJob,
} from './job-file.ts';
import type { GuardReport } from './guard.ts';
import { insideSchedule } from './schedule.ts';
import { watchFileChanges } from './file-change.ts';
import { MAX_CONFLICTS, readState, stateFilePath, updateState, type JobRecord } from './state-file.ts';
import {
  conflictPairs,
  resolveJobConflict,
  type ConflictPair,
  type ConflictRecord,
  type Resolution,
} from './resolve.ts';
import {
  type PowerState,
  type PushSummary,
  type SyncJob,
  type SyncJobSpec,
  type SyncJobStatus,
  type SyncManagerOptions,
  type SyncSettings,
  type SyncStateName,
} from './sync-types.ts';

export const SYNC_DEFAULTS = { debounceMs: 1500, maxWaitMs: 10_000, retryMs: 30_000, windowCheckMs: 30_000 } as const;

interface Runtime {
  record: JobRecord;
  state: SyncStateName;
  reason?: string;
  watcher?: FolderWatcher;
  debouncer: Debouncer;
  /** Changes seen and not yet synced. */
  dirty: boolean;
  changed: Set<string>;
  /** Paths changed since the last sync started (status: pendingChanges). */
  unsynced: Set<string>;
  running?: Promise<void>;
  abort?: AbortController;
  /** The last sync failed: wait for the retry timer (or a new change) before trying again. */
  failed: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

export class SyncManager {
  readonly events = new EventBus<SyncEvent>();
  private readonly o: Required<Omit<SyncManagerOptions, 'home'>> & { home: string };
  private readonly file: string;
  private readonly jobs = new Map<string, Runtime>();
  private power: PowerState = { onBattery: false, metered: false };
  private started = false;
  private fileWatch?: () => void;

  constructor(o: SyncManagerOptions) {
    this.o = { ...SYNC_DEFAULTS, now: () => Date.now(), ...o, home: o.home ?? o.env.home };
    this.file = stateFilePath(this.o.home);
    for (const rec of readState(this.file).jobs) this.jobs.set(rec.job.id, this.runtime(rec));
  }

  get stateFile(): string {
    return this.file;
  }

  list(): SyncJob[] {
    return [...this.jobs.values()].map((r) => r.record.job);
  }

  add(spec: SyncJobSpec): SyncJob {
    const rec = addJob(this.file, spec, this.o.now());
    const job = rec.job;
    const rt = this.runtime(rec);
    this.jobs.set(job.id, rt);
    this.events.emit({ type: 'sync.job-added', id: job.id, job });
    if (this.started) void this.activate(rt);
    return job;
  }

  async remove(id: string): Promise<boolean> {
    const rt = this.jobs.get(id);
    const inFile = removeJob(this.file, id);
    if (!rt) return inFile;
    this.jobs.delete(id);
    await this.deactivate(rt);
    this.events.emit({ type: 'sync.job-removed', id });
    return true;
  }

  pause(id: string): SyncJobStatus {
    return this.setPaused(id, true);
  }

  resume(id: string): SyncJobStatus {
    return this.setPaused(id, false);
  }

  status(): SyncJobStatus[];
  status(id: string): SyncJobStatus;
  status(id?: string): SyncJobStatus | SyncJobStatus[] {
    if (id === undefined) return [...this.jobs.values()].map((r) => this.describe(r));
    return this.describe(this.get(id));
  }

  getPowerState(): PowerState {
    return { ...this.power };
  }

  /** From Electron's powerMonitor, /sys/class/power_supply (core/power-supply.ts) or the host's network manager. */
  setPowerState(p: Partial<PowerState>): void {
    const next = { ...this.power, ...p };
    if (next.onBattery === this.power.onBattery && next.metered === this.power.metered) return;
    this.power = next;
    for (const rt of this.jobs.values()) this.kick(rt);
  }

  /** Starts watching every job; each job syncs once at start (changes made while nothing ran). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await Promise.all([...this.jobs.values()].map((rt) => this.activate(rt)));
    this.fileWatch = watchFileChanges(this.file, () => this.reload());
    // What another process wrote between the constructor's read and the watch's baseline.
    this.reload();
  }

  /** Stops watchers and timers; a sync in progress is cancelled (the next start syncs again). */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.fileWatch?.();
    this.fileWatch = undefined;
    await Promise.all([...this.jobs.values()].map((rt) => this.deactivate(rt)));
  }

  /** Syncs a job now, ignoring the debounce (not the pause, window or power rules); resolves when done. */
  async syncNow(id: string): Promise<SyncJobStatus> {
    const rt = this.get(id);
    rt.dirty = true;
    rt.failed = false;
    rt.debouncer.cancel();
    this.kick(rt);
    await this.settled(rt);
    return this.describe(rt);
  }

  /** Resolves when no job has a sync running or due (pending changes of paused or waiting jobs do not count). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.jobs.values()].filter((rt) => rt.running || (rt.debouncer.pending && !this.blocked(rt)));
      if (busy.length === 0) return;
      await Promise.all(busy.map((rt) => this.settled(rt)));
    }
  }

  private async settled(rt: Runtime): Promise<void> {
    while (rt.running || (rt.dirty && !rt.failed && !this.blocked(rt) && this.started)) {
      if (rt.running) await rt.running;
      else await new Promise((r) => setTimeout(r, 20));
    }
  }

  private get(id: string): Runtime {
    const rt = this.jobs.get(id);
    if (!rt) throw unknownJob(id);
    return rt;
  }

  private runtime(record: JobRecord): Runtime {
    const rt: Runtime = {
      record,
      state: record.job.paused ? 'paused' : 'idle',
      dirty: false,
      changed: new Set(),
      unsynced: new Set(),
      failed: false,
      debouncer: undefined as unknown as Debouncer,
    };
    if (record.lastError) {
      rt.state = 'error';
      rt.reason = record.lastError;
    }
    rt.debouncer = new Debouncer(
      () => {
        const paths = [...rt.changed].sort();
        rt.changed.clear();
        if (paths.length > 0) this.events.emit({ type: 'sync.change', id: record.job.id, paths });
        rt.failed = false; // a new change is worth a new try
        this.kick(rt);
      },
      record.job.debounceMs ?? this.o.debounceMs,
      this.o.maxWaitMs,
    );
    return rt;
  }

  private async activate(rt: Runtime): Promise<void> {
    rt.dirty = true; // the first sync catches up with whatever changed while we were not watching
    await this.watchFolder(rt);
    this.kick(rt);
  }

  /** Starts the job's watcher if its folder exists (a missing folder is an error state; watched once it is back). */
  private async watchFolder(rt: Runtime): Promise<void> {
    const folder = rt.record.job.folder;
    if (rt.watcher || !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) return;
    const matcher = jobIgnoreRules(rt.record.job).forRoot(folder);
    const w = new FolderWatcher(folder, {
      ignored: (p, isDir) => isTemporaryName(p) || watchIgnores(matcher, p, isDir),
      onChange: (p) => {
        const rel = path.relative(folder, p).split(path.sep).join('/');
        if (path.basename(p) === IGNORE_FILE)
          matcher.forget(path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel));
        rt.changed.add(rel);
        rt.unsynced.add(rel);
        rt.dirty = true;
        rt.debouncer.trigger();
      },
      onError: (e) => this.fail(rt, e),
    });
    rt.watcher = w;
    w.start();
  }

  private async deactivate(rt: Runtime): Promise<void> {
    rt.debouncer.cancel();
    if (rt.timer) clearTimeout(rt.timer);
    rt.timer = undefined;
    rt.abort?.abort();
    rt.watcher?.close();
    rt.watcher = undefined;
    if (rt.running) await rt.running.catch(() => {});
  }

  /** Why the job may not sync now, or undefined. */
  private blocked(rt: Runtime): { state: SyncStateName; reason: string } | undefined {
    const j = rt.record.job;
    if (j.paused) return { state: 'paused', reason: 'paused by the user' };
    if (rt.record.guard)
      return {
        state: 'paused',
        reason: `deletion guard: ${rt.record.guard.reason}; confirm with 'warp sync confirm ${j.id}'`,
      };
    if (j.pauseOnBattery && this.power.onBattery) return { state: 'paused', reason: 'on battery' };
    if (j.pauseOnMetered && this.power.metered) return { state: 'paused', reason: 'metered network' };
    if (!insideSchedule(j.schedule, this.o.now()))
      return { state: 'waiting-window', reason: 'outside the schedule window' };
    return undefined;
  }

  /** Decides what a job does next: wait (paused, window, retry), run a sync, or nothing. */
  private kick(rt: Runtime): void {
    if (!this.started || !this.jobs.has(rt.record.job.id) || rt.running) return;
    if (rt.timer) {
      clearTimeout(rt.timer);
      rt.timer = undefined;
    }
    const b = this.blocked(rt);
    if (b) {
      this.setState(rt, b.state, b.reason);
      if (b.state === 'waiting-window') this.arm(rt, this.o.windowCheckMs);
      return;
    }
    if (rt.failed) {
      this.arm(rt, this.o.retryMs, true);
      return;
    }
    if (!rt.dirty || rt.debouncer.pending) {
      if (rt.state === 'paused' || rt.state === 'waiting-window') this.setState(rt, 'idle');
      return;
    }
    rt.dirty = false;
    rt.running = this.runOnce(rt).finally(() => {
      rt.running = undefined;
      this.kick(rt);
    });
  }

  private arm(rt: Runtime, ms: number, retry = false): void {
    rt.timer = setTimeout(() => {
      rt.timer = undefined;
      if (retry) {
        rt.failed = false;
        rt.dirty = true;
      }
      this.kick(rt);
    }, ms);
    rt.timer.unref?.();
  }

  private async runOnce(rt: Runtime): Promise<void> {
    const rec = rt.record;
    const ac = new AbortController();
    rt.abort = ac;
    const unsynced = [...rt.unsynced];
    rt.unsynced.clear();
    const conflicts: ConflictRecord[] = [];
    try {
      const r = await runCycle({
        env: this.o.env,
        job: rec.job,
        snapshot: rec.snapshot ?? {},
        signal: ac.signal,
        now: this.o.now,
        emit: (e) => {
          if (e.type === 'sync.conflict')
            conflicts.push({
              path: e.path,
              keptAs: e.keptAs,
              winner: e.winner,
              at: new Date(this.o.now()).toISOString(),
            });
          this.events.emit(e);
        },
        // Once paused or stopped, the unwinding cycle must not paint the job 'pushing' again.
        setState: (s) => {
          if (!ac.signal.aborted) this.setState(rt, s);
        },
        approvedDeletions: rec.approvedDeletions,
      });
      if (r.guard) {
        this.holdForGuard(rt, r.guard);
        return;
      }
      pruneVersions(rec.job.folder, jobVersionsPolicy(rec.job), this.o.now());
      this.persist(rec.job.id, (x) => {
        x.approvedDeletions = undefined;
        x.snapshot = r.snapshot;
        x.lastSyncAt = new Date(this.o.now()).toISOString();
        x.lastError = undefined;
        x.lastErrorCode = undefined;
        x.held = r.held || undefined;
        if (conflicts.length) x.conflicts = [...(x.conflicts ?? []), ...conflicts].slice(-MAX_CONFLICTS);
        if (r.push) x.lastPush = r.push;
      });
      rt.failed = false;
      await this.report(rec.job, true, movedOf(r.push, r.held));
      this.setState(rt, 'idle');
      afterBurst();
      if (rt.watcher?.size === 0) {
        rt.watcher.close(); // the folder had gone (an unmounted disk): watch it afresh now that it is back
        rt.watcher = undefined;
      }
      if (!rt.watcher && this.started && this.jobs.has(rec.job.id)) await this.watchFolder(rt);
    } catch (e) {
      for (const u of unsynced) rt.unsynced.add(u);
      if (ac.signal.aborted) {
        // stopped or paused: the next start (or resume) syncs again
        rt.dirty = true;
        const b = this.blocked(rt);
        this.setState(rt, b?.state ?? 'idle', b?.reason);
        return;
      }
      this.fail(rt, e);
    } finally {
      rt.abort = undefined;
    }
  }

  /** The deletion guard stopped the sync: nothing changed, the job waits (paused) for a confirmation. */
  private holdForGuard(rt: Runtime, report: GuardReport): void {
    rt.dirty = true;
    this.persist(rt.record.job.id, (x) => {
      x.guard = report;
      x.approvedDeletions = undefined;
    });
    this.events.emit({ type: 'sync.guard', id: rt.record.job.id, report });
    const b = this.blocked(rt)!;
    this.setState(rt, b.state, b.reason);
  }

  /** Changes a job's deletion guard and versions retention (job-file.ts setJobSettings); the next sync uses them. */
  setSettings(id: string, settings: SyncSettings): SyncJobStatus {
    const rt = this.get(id);
    const job = setJobSettings(this.file, id, settings);
    rt.record.job = { ...job, paused: rt.record.job.paused };
    return this.describe(rt);
  }

  /** Lets the sync the deletion guard stopped go through (at most `deletions` deletions, default what it reported). */
  confirmDeletions(id: string, deletions?: number): SyncJobStatus {
    const rt = this.get(id);
    const allowed = confirmDeletions(this.file, id, deletions);
    rt.record.guard = undefined;
    rt.record.approvedDeletions = allowed;
    rt.dirty = true;
    rt.failed = false;
    this.kick(rt);
    return this.describe(rt);
  }

  /** The peer lists the folder with this machine's name (incoming.ts); best effort, never fails the sync. */
  private async report(job: SyncJob, ok: boolean, moved: ReturnType<typeof movedOf>, error?: string): Promise<void> {
    await reportToPeer(this.o.env, job.peer, {
      dest: remoteFolder(job.remotePath, job.folder),
      job: job.id,
      mode: job.mode ?? 'two-way',
      ok,
      moved,
      ...(error ? { error } : {}),
    });
  }

  /** The job's open conflicts, mine and theirs side by side (resolve.ts). */
  conflicts(id: string): ConflictPair[] {
    const r = this.get(id).record;
    return conflictPairs(r.job.folder, r.conflicts ?? []);
  }

  /** Keeps mine, theirs or both of the conflict on `which` (its path or its copy's); the next sync carries it over. */
  resolveConflict(id: string, which: string, keep: Resolution): { path: string; versioned?: string } {
    const rt = this.get(id);
    const done = resolveJobConflict(this.file, id, which, keep, this.o.now());
    rt.record.conflicts = readState(this.file).jobs.find((j) => j.job.id === id)?.conflicts;
    rt.dirty = true;
    this.kick(rt);
    return done;
  }

  private fail(rt: Runtime, e: unknown): void {
    const error = isWarpError(e)
      ? { code: e.code, message: e.message }
      : { code: ErrorCodes.INTERNAL, message: (e as Error)?.message ?? String(e) };
    // A peer that answered but the sync failed (a refused path, a full disk there) hears about it too.
    if (error.code !== ErrorCodes.PEER_UNREACHABLE && error.code !== ErrorCodes.INPUT_NOT_FOUND && this.started)
      void this.report(rt.record.job, false, movedOf(undefined, 0), error.message);
    rt.failed = true;
    rt.dirty = true;
    this.persist(rt.record.job.id, (x) => {
      x.lastError = error.message;
      x.lastErrorCode = error.code;
    });
    this.events.emit({ type: 'sync.error', id: rt.record.job.id, error });
    this.setState(rt, 'error', error.message);
  }

  /** Updates one job's record in memory and in the file (read-modify-write, so jobs other processes added survive). */
  private persist(id: string, change: (r: JobRecord) => void): void {
    const rt = this.jobs.get(id);
    if (rt) change(rt.record);
    updateState(this.file, (d) => {
      const i = d.jobs.findIndex((j) => j.job.id === id);
      if (i < 0) return; // removed meanwhile
      if (rt) d.jobs[i] = { ...rt.record, job: { ...rt.record.job, paused: d.jobs[i].job.paused } };
    });
  }

  private setPaused(id: string, paused: boolean): SyncJobStatus {
    const rt = this.get(id);
    rt.record.job = { ...rt.record.job, paused };
    setJobPaused(this.file, id, paused);
    if (paused) {
      // The running cycle (if any) unwinds in the background; the user sees the job paused at once.
      rt.abort?.abort();
      this.setState(rt, 'paused', 'paused by the user');
    }
    this.kick(rt);
    return this.describe(rt);
  }

  private setState(rt: Runtime, state: SyncStateName, reason?: string): void {
    if (rt.state === state && rt.reason === reason) return;
    rt.state = state;
    rt.reason = reason;
    this.events.emit({ type: 'sync.state', id: rt.record.job.id, state, ...(reason ? { reason } : {}) });
  }

  /** Picks up jobs added, removed, paused or resumed by another process. */
  private reload(): void {
    let jobs: JobRecord[];
    try {
      jobs = readState(this.file).jobs;
    } catch {
      return;
    }
    const seen = new Set<string>();
    for (const rec of jobs) {
      seen.add(rec.job.id);
      const rt = this.jobs.get(rec.job.id);
      if (rt && !sameSettings(rt.record.job, rec.job)) {
        // `warp sync settings` in another process: the next sync uses them
        const { guard: _g, versions: _v, ...rest } = rt.record.job;
        rt.record.job = { ...rest, ...pickSettings(rec.job) };
      }
      if (!rt) {
        const n = this.runtime(rec);
        this.jobs.set(rec.job.id, n);
        this.events.emit({ type: 'sync.job-added', id: rec.job.id, job: rec.job });
        if (this.started) void this.activate(n);
      } else if (rt.record.guard && !rec.guard && rec.approvedDeletions !== undefined) {
        // `warp sync confirm` in another process
        rt.record.guard = undefined;
        rt.record.approvedDeletions = rec.approvedDeletions;
        rt.dirty = true;
        this.kick(rt);
      } else if (rt.record.job.paused !== rec.job.paused) {
        rt.record.job = { ...rt.record.job, paused: rec.job.paused };
        if (rec.job.paused) rt.abort?.abort();
        this.kick(rt);
      }
    }
    for (const [id, rt] of this.jobs) {
      if (seen.has(id)) continue;
      this.jobs.delete(id);
      void this.deactivate(rt).then(() => this.events.emit({ type: 'sync.job-removed', id }));
    }
  }

  private describe(rt: Runtime): SyncJobStatus {
    const r = rt.record;
    const files = Object.values(r.snapshot ?? {});
    const s: SyncJobStatus = {
      id: r.job.id,
      job: { ...r.job },
      state: rt.state,
      pending: rt.dirty || rt.debouncer.pending,
      pendingChanges: rt.unsynced.size,
      syncedFiles: files.length,
      syncedBytes: files.reduce((n, f) => n + f.size, 0),
    };
    if (rt.reason) s.reason = rt.reason;
    if (r.lastSyncAt) s.lastSyncAt = r.lastSyncAt;
    if (r.lastError) {
      s.lastError = r.lastError;
      s.lastErrorCode = r.lastErrorCode;
    }
    if (r.lastPush) s.lastPush = r.lastPush as PushSummary;
    if (r.guard) s.guard = r.guard;
    if (r.held) s.held = r.held;
    return s;
  }
}

/**
 * The watcher's question: is this path left out by the job's rules? (A removed path has no type: a
 * folder-only pattern cannot match it, and the sync's scan decides.) A broken `.warpignore` does not stop the watcher:
 * the path counts as included and the sync's scan reports the file and line.
 */
function watchIgnores(m: TreeMatcher, abs: string, isDir: boolean | undefined): boolean {
  const rel = m.relOf(abs);
  if (rel === undefined || rel === '') return false;
  try {
    return m.excludesPath(rel, isDir ?? false);
  } catch {
    return false;
  }
}

function pickSettings(j: SyncJob): Pick<SyncJob, 'guard' | 'versions'> {
  return { ...(j.guard ? { guard: j.guard } : {}), ...(j.versions ? { versions: j.versions } : {}) };
}

function sameSettings(a: SyncJob, b: SyncJob): boolean {
  return JSON.stringify(pickSettings(a)) === JSON.stringify(pickSettings(b));
}
