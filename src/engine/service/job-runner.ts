/**
 * Long operations as jobs: an id at once, status changes as `job.update` events, cancel through an
 * AbortSignal. Finished jobs are kept (bounded) so a client that reconnects can still read the result.
 */
import crypto from 'node:crypto';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import type { ErrorDto, JobDto, JobKind, JobStatus, ProgressDto, WarpEvent } from '../../shared/events.ts';

const KEEP_FINISHED = 200;

export function newId(): string {
  return crypto.randomBytes(8).toString('hex');
}

export function errorDto(e: unknown): ErrorDto {
  if (isWarpError(e)) return { code: e.code, message: e.message };
  return { code: ErrorCodes.INTERNAL, message: (e as Error)?.message ?? String(e) };
}

export interface JobContext {
  id: string;
  signal: AbortSignal;
  progress(p: ProgressDto): void;
}

interface JobEntry {
  dto: JobDto;
  abort?: AbortController;
}

export const FINISHED: ReadonlySet<JobStatus> = new Set(['done', 'failed', 'cancelled']);

export class JobRunner {
  private readonly jobs = new Map<string, JobEntry>();
  private readonly emit: (e: WarpEvent) => void;

  constructor(emit: (e: WarpEvent) => void) {
    this.emit = emit;
  }

  /** Starts `work` now; the returned id is valid at once. */
  run(
    kind: JobKind,
    title: Pick<JobDto, 'title' | 'titleWords'>,
    work: (ctx: JobContext) => Promise<Record<string, unknown> | undefined>,
  ): string {
    const id = newId();
    const now = new Date().toISOString();
    const entry: JobEntry = {
      dto: { id, kind, status: 'running', ...title, createdAt: now, updatedAt: now },
      abort: new AbortController(),
    };
    this.jobs.set(id, entry);
    this.prune();
    this.publish(entry);
    const signal = entry.abort!.signal;
    // Deferred so the caller has the id (and can subscribe) before the first event of the work.
    setImmediate(() => {
      work({
        id,
        signal,
        progress: (p) => {
          entry.dto.progress = p;
        },
      })
        .then((result) => this.finish(entry, signal.aborted ? 'cancelled' : 'done', result))
        .catch((e: unknown) =>
          this.finish(
            entry,
            signal.aborted || isWarpError(e, ErrorCodes.CANCELLED) ? 'cancelled' : 'failed',
            undefined,
            errorDto(e),
          ),
        );
    });
    return id;
  }

  /** A job whose lifecycle another component drives (transfers). */
  track(dto: JobDto): void {
    this.jobs.set(dto.id, { dto });
    this.prune();
    this.publish(this.jobs.get(dto.id)!);
  }

  update(id: string, patch: Partial<JobDto>): void {
    const entry = this.jobs.get(id);
    if (!entry) return;
    const statusChanged = patch.status !== undefined && patch.status !== entry.dto.status;
    Object.assign(entry.dto, patch, { updatedAt: new Date().toISOString() });
    if (patch.status && FINISHED.has(patch.status)) entry.dto.finishedAt = entry.dto.updatedAt;
    if (statusChanged) this.publish(entry);
  }

  list(): JobDto[] {
    return [...this.jobs.values()].map((j) => ({ ...j.dto }));
  }

  get(id: string): JobDto {
    const entry = this.jobs.get(id);
    if (!entry) throw new WarpError(ErrorCodes.SESSION_NOT_FOUND, `no job '${id}'`, { details: { status: 404 } });
    return { ...entry.dto };
  }

  cancel(id: string): JobDto {
    const entry = this.jobs.get(id);
    if (!entry) return this.get(id);
    if (!entry.abort)
      throw new WarpError(ErrorCodes.USAGE, `job '${id}' is a transfer: cancel it through /api/transfers/${id}/cancel`);
    if (!FINISHED.has(entry.dto.status)) entry.abort.abort();
    return { ...entry.dto };
  }

  /** Aborts everything still running (daemon shutdown). */
  abortAll(): void {
    for (const j of this.jobs.values()) if (!FINISHED.has(j.dto.status)) j.abort?.abort();
  }

  private finish(entry: JobEntry, status: JobStatus, result?: Record<string, unknown>, error?: ErrorDto): void {
    const now = new Date().toISOString();
    Object.assign(
      entry.dto,
      { status, updatedAt: now, finishedAt: now },
      result ? { result } : {},
      error ? { error } : {},
    );
    this.publish(entry);
  }

  private publish(entry: JobEntry): void {
    this.emit({ type: 'job.update', job: { ...entry.dto } });
  }

  private prune(): void {
    const done = [...this.jobs.values()].filter((j) => FINISHED.has(j.dto.status));
    for (const j of done.slice(0, Math.max(0, done.length - KEEP_FINISHED))) this.jobs.delete(j.dto.id);
  }
}
