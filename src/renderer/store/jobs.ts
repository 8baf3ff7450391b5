/**
 * Every long operation the UI shows (archive create/extract/verify, uploads, transfers, pairing), keyed by job
 * id. Fed by `job.update` (status changes) and the archive/transfer events tagged with the same job id
 * (progress at ~10 Hz). Transfers a peer starts against us have no job; they appear as `incoming:<session>`.
 */
import { snapshotOf } from '../../engine/core/progress.ts';
import { create } from 'zustand';
import type {
  ErrorDto,
  JobDto,
  JobKind,
  JobStatus,
  JobTitleWords,
  ProgressDto,
  TransferRole,
  WarpEvent,
} from '../../shared/events.ts';
import { appendCapped } from './ring.ts';

export const RATE_HISTORY = 120;

export interface JobView {
  id: string;
  kind: JobKind | 'transfer.incoming';
  status: JobStatus;
  title: string;
  /** The title as catalogue words (shown in the UI's language: useJobTitle). */
  titleWords?: JobTitleWords;
  createdAt: string;
  progress?: ProgressDto;
  /** Recent rates (bytes/s), one per progress event, newest last. */
  rates: number[];
  error?: ErrorDto;
  result?: Record<string, unknown>;
  /** Transfer details (from transfer.* events). */
  session?: string;
  role?: TransferRole;
  peer?: string;
  transport?: string;
  path?: string;
  chunks?: number;
  totalChunks?: number;
  wireBytes?: number;
  needBytes?: number;
  haveBytes?: number;
  /** Archive details. */
  archive?: string;
  lastFile?: string;
  warnings: string[];
  /** Wall-clock ms of the last event, for "updated 3 s ago" and ordering. */
  touched: number;
}

interface JobsState {
  jobs: Record<string, JobView>;
  /** Engine session id → job id (swarm events carry sessions). */
  sessions: Record<string, string>;
  replace(list: readonly JobDto[]): void;
  apply(events: readonly WarpEvent[]): void;
}

function fromDto(dto: JobDto, prev?: JobView): JobView {
  return {
    ...(prev ?? { rates: [], warnings: [] }),
    id: dto.id,
    kind: dto.kind,
    status: dto.status,
    title: dto.title,
    titleWords: dto.titleWords,
    createdAt: dto.createdAt,
    progress: finished(dto.status, dto.progress ?? prev?.progress),
    error: dto.error,
    result: dto.result,
    touched: Date.now(),
  };
}

/**
 * A job that is done is complete, whatever its last throttled progress said (a sender's last progress event
 * can trail the receiver's completion; chunks the peer already had never count as sent).
 */
export function finished<P extends ProgressDto | undefined>(status: JobStatus, p: P): P {
  if (status !== 'done' || !p) return p;
  return {
    ...p,
    bytes: Math.max(p.bytes, p.totalBytes),
    files: Math.max(p.files, p.totalFiles),
    rate: 0,
    etaSeconds: 0,
  };
}

function blank(id: string, kind: JobView['kind'], title: string): JobView {
  return {
    id,
    kind,
    status: 'running',
    title,
    createdAt: new Date().toISOString(),
    rates: [],
    warnings: [],
    touched: Date.now(),
  };
}

export const useJobs = create<JobsState>((set, get) => ({
  jobs: {},
  sessions: {},
  replace(list) {
    const jobs = { ...get().jobs };
    for (const dto of list) jobs[dto.id] = fromDto(dto, jobs[dto.id]);
    set({ jobs });
  },
  apply(events) {
    const b = new EventBatch(get().jobs, get().sessions);
    for (const e of events) {
      // Every transfer event carries the engine session; a swarm download emits no transfer.start, so link here.
      if (
        e.type.startsWith('transfer.') &&
        'session' in e &&
        'job' in e &&
        e.session &&
        b.sessionJob(e.session) !== e.job
      ) {
        b.link(e.session, e.job);
        b.touch(e.job, () => blank(e.job, 'transfer.incoming', 'transfer')).session = e.session;
      }
      if (e.type === 'job.update') b.put(e.job);
      else if (e.type.startsWith('archive.')) applyArchive(b, e);
      else if (e.type.startsWith('transfer.')) applyTransfer(b, e);
    }
    const changed = b.result();
    if (changed) set(changed);
  },
}));

/**
 * The changes one batch of events makes: the jobs and sessions maps are copied once, on the first change, and
 * each job's rates are appended once (one array copy per job per frame).
 */
class EventBatch {
  private jobs: Record<string, JobView> | undefined;
  private sessions: Record<string, string> | undefined;
  private readonly rates = new Map<string, number[]>();

  private readonly baseJobs: Record<string, JobView>;
  private readonly baseSessions: Record<string, string>;

  constructor(baseJobs: Record<string, JobView>, baseSessions: Record<string, string>) {
    this.baseJobs = baseJobs;
    this.baseSessions = baseSessions;
  }

  /** The job to change, copied into this batch (made by `make` if it is new). */
  touch(id: string, make: () => JobView): JobView {
    this.jobs ??= { ...this.baseJobs };
    const next = { ...(this.jobs[id] ?? make()), touched: Date.now() };
    this.jobs[id] = next;
    return next;
  }

  put(dto: JobDto): void {
    this.jobs ??= { ...this.baseJobs };
    this.jobs[dto.id] = fromDto(dto, this.jobs[dto.id]);
  }

  sessionJob(session: string): string | undefined {
    return (this.sessions ?? this.baseSessions)[session];
  }

  link(session: string, job: string): void {
    this.sessions ??= { ...this.baseSessions };
    this.sessions[session] = job;
  }

  rate(id: string, rate: number): void {
    pushRate(this.rates, id, rate);
  }

  result(): Partial<Pick<JobsState, 'jobs' | 'sessions'>> | undefined {
    const jobs = this.jobs;
    if (jobs) {
      for (const [id, list] of this.rates) {
        const j = jobs[id];
        if (j) j.rates = appendCapped(j.rates, list, RATE_HISTORY);
      }
      return this.sessions ? { jobs, sessions: this.sessions } : { jobs };
    }
    return this.sessions ? { sessions: this.sessions } : undefined;
  }
}

type ArchiveEvent = Extract<WarpEvent, { type: `archive.${string}` }>;
type TransferEvent = Extract<WarpEvent, { type: `transfer.${string}` }>;

function applyArchive(b: EventBatch, ev: WarpEvent): void {
  const e = ev as ArchiveEvent;
  switch (e.type) {
    case 'archive.start': {
      const j = b.touch(e.job, () => blank(e.job, `archive.${e.op}`, `${e.op} ${e.archive}`));
      j.archive = e.archive;
      j.progress = {
        bytes: 0,
        totalBytes: e.totalBytes,
        files: 0,
        totalFiles: e.totalFiles,
        rate: 0,
        etaSeconds: -1,
        elapsedSeconds: 0,
      };
      break;
    }
    case 'archive.progress': {
      const j = b.touch(e.job, () => blank(e.job, `archive.${e.op}`, e.op));
      j.progress = snapshotOf(e);
      b.rate(e.job, e.rate);
      break;
    }
    case 'archive.file':
      b.touch(e.job, () => blank(e.job, `archive.${e.op}`, e.op)).lastFile = e.path;
      break;
    case 'archive.warning': {
      const j = b.touch(e.job, () => blank(e.job, `archive.${e.op}`, e.op));
      j.warnings = appendCapped(j.warnings, [`${e.path}: ${e.message}`], 50);
      break;
    }
    case 'archive.bad-chunk': {
      const j = b.touch(e.job, () => blank(e.job, 'archive.verify', 'verify'));
      j.warnings = appendCapped(j.warnings, [`chunk ${e.chunk}: ${e.reason} (${e.files.join(', ')})`], 50);
      break;
    }
    case 'archive.done': {
      const j = b.touch(e.job, () => blank(e.job, `archive.${e.op}`, e.op));
      if (j.progress)
        j.progress = {
          ...j.progress,
          bytes: Math.max(j.progress.bytes, e.bytes),
          rate: 0,
          etaSeconds: 0,
          elapsedSeconds: e.elapsedSeconds,
        };
      if (j.status === 'running' || j.status === 'queued') j.status = 'done';
      break;
    }
    default:
      break;
  }
}

function applyTransfer(b: EventBatch, ev: WarpEvent): void {
  const e = ev as TransferEvent;
  switch (e.type) {
    case 'transfer.start': {
      const j = b.touch(e.job, () =>
        blank(e.job, e.job.startsWith('incoming:') ? 'transfer.incoming' : 'transfer.send', `${e.role} ${e.path}`),
      );
      Object.assign(j, { session: e.session, role: e.role, peer: e.peer, transport: e.transport, path: e.path });
      b.link(e.session, e.job);
      break;
    }
    case 'transfer.manifest': {
      const j = b.touch(e.job, () => blank(e.job, 'transfer.incoming', 'transfer'));
      Object.assign(j, { totalChunks: e.needChunks, needBytes: e.needBytes, haveBytes: e.haveBytes });
      break;
    }
    case 'transfer.progress': {
      const j = b.touch(e.job, () => blank(e.job, 'transfer.incoming', 'transfer'));
      j.progress = snapshotOf(e);
      Object.assign(j, { chunks: e.chunks, totalChunks: e.totalChunks, wireBytes: e.wireBytes });
      if (j.status === 'queued') j.status = 'running';
      b.rate(e.job, e.rate);
      break;
    }
    case 'transfer.file':
      b.touch(e.job, () => blank(e.job, 'transfer.incoming', 'transfer')).lastFile = e.path;
      break;
    case 'transfer.warning':
    case 'transfer.chunk-rejected': {
      const j = b.touch(e.job, () => blank(e.job, 'transfer.incoming', 'transfer'));
      const msg =
        e.type === 'transfer.warning' ? `${e.path}: ${e.message}` : `chunk ${e.chunk} from ${e.source}: ${e.reason}`;
      j.warnings = appendCapped(j.warnings, [msg], 50);
      break;
    }
    case 'transfer.error': {
      const j = b.touch(e.job, () => blank(e.job, 'transfer.incoming', 'transfer'));
      j.error = e.error;
      if (j.kind === 'transfer.incoming') j.status = 'failed';
      break;
    }
    case 'transfer.done': {
      const j = b.touch(e.job, () => blank(e.job, 'transfer.incoming', 'transfer'));
      if (j.progress)
        j.progress = {
          ...j.progress,
          bytes: j.progress.totalBytes,
          rate: 0,
          etaSeconds: 0,
          elapsedSeconds: e.elapsedSeconds,
        };
      else
        j.progress = {
          bytes: e.bytes,
          totalBytes: e.bytes,
          files: e.files,
          totalFiles: e.files,
          rate: 0,
          etaSeconds: 0,
          elapsedSeconds: e.elapsedSeconds,
        };
      j.wireBytes = e.wireBytes;
      if (j.status === 'running' || j.status === 'queued') j.status = 'done';
      break;
    }
    default:
      break;
  }
}

function pushRate(m: Map<string, number[]>, id: string, rate: number): void {
  const l = m.get(id);
  if (l) l.push(rate);
  else m.set(id, [rate]);
}

export function isTransfer(j: JobView): boolean {
  return j.kind.startsWith('transfer.');
}
export function isArchive(j: JobView): boolean {
  return j.kind.startsWith('archive.');
}
/** What a job's badge says: a verify that found damage finished, but it is not "done" to the user. */
export function displayStatus(j: Pick<JobView, 'kind' | 'status' | 'result'>): JobStatus | 'damaged' {
  if (j.kind === 'archive.verify' && j.status === 'done' && (j.result as { ok?: unknown } | undefined)?.ok === false)
    return 'damaged';
  return j.status;
}

/** Only a running job has a rate and an ETA (a paused or queued one moves nothing). */
export function isMoving(j: Pick<JobView, 'status'>): boolean {
  return j.status === 'running';
}

export function isActive(j: JobView): boolean {
  return j.status === 'running' || j.status === 'queued' || j.status === 'paused';
}
