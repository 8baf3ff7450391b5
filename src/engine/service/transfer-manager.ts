/**
 * Transfers the daemon runs: send, fetch and swarm fetch, each a job with live state. Pause aborts the run and
 * keeps the engine's resumable session (part files, the session record); resume runs the same request again,
 * and because the session id derives from both peers and both paths, only missing chunks move.
 */
import { jobTitle } from '../../shared/job-title.ts';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import { fetchTree } from '../transfer/client.ts';
import { sendTree } from '../transfer/send.ts';
import { SessionStore } from '../transfer/sessions.ts';
import type { TransferEvent as EngineTransferEvent } from '../transfer/transfer-events.ts';
import type { TransferDto, TransferStartRequest } from '../../shared/bridge.ts';
import type { JobDto, JobKind, WarpEvent } from '../../shared/events.ts';
import type { JobRunner } from './job-runner.ts';
import { FINISHED, errorDto, newId } from './job-runner.ts';

/** Runs a swarm fetch; provided once the swarm engine exposes an entry point (src/engine/swarm). */
export type SwarmFetch = (o: {
  from: string[];
  remotePath: string;
  localDir: string;
  signal: AbortSignal;
  onEvent: (e: EngineTransferEvent) => void;
}) => Promise<unknown>;

interface Running {
  dto: TransferDto;
  req: TransferStartRequest;
  abort?: AbortController;
  /** Why the current run was aborted. */
  stopping?: 'pause' | 'cancel';
}

export class TransferManager {
  private readonly items = new Map<string, Running>();
  private readonly env: TransferEnv;
  private readonly jobs: JobRunner;
  private readonly emit: (e: WarpEvent) => void;
  private readonly onEngineEvent: (e: EngineTransferEvent, transfer: string) => void;
  /** Resolves a peer given by id or name to an address the engine can dial. */
  private readonly resolvePeer: (peer: string) => string;
  swarmFetch?: SwarmFetch;

  constructor(o: {
    env: TransferEnv;
    jobs: JobRunner;
    emit: (e: WarpEvent) => void;
    onEngineEvent: (e: EngineTransferEvent, transfer: string) => void;
    resolvePeer: (peer: string) => string;
  }) {
    this.env = o.env;
    this.jobs = o.jobs;
    this.emit = o.emit;
    this.onEngineEvent = o.onEngineEvent;
    this.resolvePeer = o.resolvePeer;
    this.restore();
  }

  /**
   * Interrupted sessions the engine recorded (a daemon stopped mid-transfer, a paused transfer, a CLI run that
   * died) come back as paused or failed transfers, so they can be resumed after a restart. Their id is the
   * engine's session id.
   */
  private restore(): void {
    for (const s of new SessionStore(this.env.home).list()) {
      if (s.status === 'running' || this.items.has(s.id)) continue;
      const req: TransferStartRequest = {
        kind: s.kind,
        peer: s.address,
        localPath: s.localPath,
        remotePath: s.remotePath,
      };
      const cancelled = s.status === 'failed' && /cancel/i.test(s.error ?? '');
      const status = s.status === 'interrupted' || cancelled ? 'paused' : 'failed';
      const dto: TransferDto = {
        id: s.id,
        kind: s.kind,
        status,
        peers: [s.address],
        localPath: s.localPath,
        remotePath: s.remotePath,
        session: s.id,
        transport: s.transport,
        createdAt: s.startedAt,
        updatedAt: s.updatedAt || s.startedAt,
        resumes: 0,
        ...(status === 'failed'
          ? { error: { code: 'TRANSFER_FAILED', message: s.error ?? 'the transfer failed' } }
          : {}),
      };
      this.items.set(s.id, { dto, req });
      this.jobs.track({
        id: s.id,
        kind: `transfer.${s.kind}`,
        status,
        ...title(req),
        createdAt: dto.createdAt,
        updatedAt: dto.updatedAt,
        ...(dto.error ? { error: dto.error } : {}),
      });
    }
  }

  start(req: TransferStartRequest): string {
    if (req.kind === 'send' && !fs.existsSync(path.resolve(req.localPath))) {
      throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `${req.localPath} does not exist on this machine`);
    }
    if (req.kind === 'swarm' && !this.swarmFetch) {
      throw new WarpError(
        ErrorCodes.USAGE,
        'swarm transfers are not available in this build yet (the swarm engine is missing)',
        { details: { status: 503, code: 'SWARM_UNAVAILABLE' } },
      );
    }
    const peers = req.kind === 'swarm' ? req.from : [req.peer];
    for (const p of peers) this.resolvePeer(p); // a bad address is a 400 now, not a failed job later
    const id = newId();
    const now = new Date().toISOString();
    const dto: TransferDto = {
      id,
      kind: req.kind,
      status: 'queued',
      peers,
      localPath: path.resolve(req.localPath),
      remotePath: req.remotePath,
      createdAt: now,
      updatedAt: now,
      resumes: 0,
    };
    const r: Running = { dto, req };
    this.items.set(id, r);
    const kind: JobKind = `transfer.${req.kind}`;
    this.jobs.track({ id, kind, status: 'queued', ...title(req), createdAt: now, updatedAt: now });
    setImmediate(() => {
      void this.run(r);
    });
    return id;
  }

  list(all = true): TransferDto[] {
    return [...this.items.values()].map((r) => ({ ...r.dto })).filter((d) => all || !FINISHED.has(d.status));
  }

  get(id: string): TransferDto {
    return { ...this.item(id).dto };
  }

  active(): number {
    return [...this.items.values()].filter((r) => r.dto.status === 'running').length;
  }

  cancel(id: string): TransferDto {
    const r = this.item(id);
    if (r.abort && r.dto.status === 'running') {
      r.stopping = 'cancel';
      r.abort.abort();
    } else if (!FINISHED.has(r.dto.status)) this.set(r, { status: 'cancelled' });
    return { ...r.dto };
  }

  pause(id: string): TransferDto {
    const r = this.item(id);
    if (r.dto.status === 'running' && r.abort) {
      r.stopping = 'pause';
      r.abort.abort();
    } else if (r.dto.status === 'queued') this.set(r, { status: 'paused' });
    else if (r.dto.status !== 'paused')
      throw new WarpError(
        ErrorCodes.USAGE,
        `transfer ${id} is ${r.dto.status}; only a running transfer can be paused`,
        { details: { status: 409 } },
      );
    return { ...r.dto };
  }

  resume(id: string): TransferDto {
    const r = this.item(id);
    if (r.dto.status !== 'paused' && r.dto.status !== 'failed') {
      throw new WarpError(
        ErrorCodes.USAGE,
        `transfer ${id} is ${r.dto.status}; only a paused or failed transfer can be resumed`,
        { details: { status: 409 } },
      );
    }
    r.dto.resumes++;
    this.set(r, { status: 'queued', error: undefined });
    setImmediate(() => {
      void this.run(r);
    });
    return { ...r.dto };
  }

  abortAll(): void {
    for (const r of this.items.values())
      if (r.abort && r.dto.status === 'running') {
        r.stopping = 'pause';
        r.abort.abort();
      }
  }

  /** Waits until no run is in progress (for shutdown after abortAll). */
  async idle(timeoutMs: number): Promise<void> {
    const t0 = Date.now();
    while (this.active() > 0 && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 50));
  }

  private item(id: string): Running {
    const r = this.items.get(id);
    if (!r) throw new WarpError(ErrorCodes.SESSION_NOT_FOUND, `no transfer '${id}'`, { details: { status: 404 } });
    return r;
  }

  private set(r: Running, patch: Partial<TransferDto>): void {
    Object.assign(r.dto, patch, { updatedAt: new Date().toISOString() });
    if (patch.status && FINISHED.has(patch.status)) r.dto.finishedAt = r.dto.updatedAt;
    if (patch.status)
      this.jobs.update(r.dto.id, {
        status: patch.status,
        ...('error' in patch ? { error: patch.error } : {}),
        ...(patch.result ? { result: { ...patch.result } } : {}),
      });
  }

  private onEvent(r: Running, e: EngineTransferEvent): void {
    const d = r.dto;
    // Swarm downloads send no transfer.start: the session id comes with their first event.
    if (e.session && !d.session) d.session = e.session;
    this.onEngineEvent(e, d.id);
    switch (e.type) {
      case 'transfer.start':
        d.session = e.session;
        d.transport = e.transport;
        break;
      case 'transfer.manifest':
        d.manifest = {
          files: e.files,
          bytes: e.bytes,
          chunks: e.chunks,
          needChunks: e.needChunks,
          needBytes: e.needBytes,
          merkleRoot: e.merkleRoot,
        };
        break;
      case 'transfer.progress': {
        const { type: _t, session: _s, ...p } = e;
        d.progress = p;
        this.jobs.update(d.id, {
          progress: {
            bytes: p.bytes,
            totalBytes: p.totalBytes,
            files: p.files,
            totalFiles: p.totalFiles,
            rate: p.rate,
            etaSeconds: p.etaSeconds,
            elapsedSeconds: p.elapsedSeconds,
          },
        });
        break;
      }
      case 'transfer.chunk': {
        d.sources ??= [];
        let s = d.sources.find((x) => x.peer === e.source);
        if (!s) {
          s = { peer: e.source, bytes: 0, chunks: 0 };
          d.sources.push(s);
        }
        s.bytes += e.bytes;
        s.chunks++;
        return; // not forwarded: one event per chunk is too many for a UI
      }
      case 'transfer.done': {
        const { type: _t, session: _s, ...res } = e;
        d.result = res;
        break;
      }
      default:
        break;
    }
    d.updatedAt = new Date().toISOString();
    this.emit({ ...e, job: d.id } as WarpEvent);
  }

  private async run(r: Running): Promise<void> {
    if (r.dto.status !== 'queued') return; // paused or cancelled before it started
    const abort = new AbortController();
    r.abort = abort;
    r.stopping = undefined;
    this.set(r, { status: 'running' });
    const onEvent = (e: EngineTransferEvent): void => this.onEvent(r, e);
    const req = r.req;
    try {
      if (req.kind === 'send') {
        await sendTree(this.env, {
          address: this.resolvePeer(req.peer),
          localPath: req.localPath,
          remotePath: req.remotePath,
          signal: abort.signal,
          onEvent,
        });
      } else if (req.kind === 'fetch') {
        await fetchTree(this.env, {
          address: this.resolvePeer(req.peer),
          remotePath: req.remotePath,
          localDir: req.localPath,
          signal: abort.signal,
          onEvent,
        });
      } else {
        await this.swarmFetch!({
          from: req.from.map((p) => this.resolvePeer(p)),
          remotePath: req.remotePath,
          localDir: req.localPath,
          signal: abort.signal,
          onEvent,
        });
      }
      this.set(r, { status: 'done' });
    } catch (e) {
      const stopped =
        (r.stopping as Running['stopping']) ??
        (abort.signal.aborted || isWarpError(e, ErrorCodes.CANCELLED) ? 'cancel' : undefined);
      if (stopped === 'pause') this.set(r, { status: 'paused' });
      else if (stopped === 'cancel') this.set(r, { status: 'cancelled' });
      else {
        const error = errorDto(e);
        this.set(r, { status: 'failed', error });
        this.emit({ type: 'transfer.error', session: r.dto.session ?? '', error, job: r.dto.id });
      }
    } finally {
      r.abort = undefined;
    }
  }
}

function title(req: TransferStartRequest): Pick<JobDto, 'title' | 'titleWords'> {
  if (req.kind === 'send')
    return jobTitle('send', { name: path.basename(req.localPath) || req.localPath, peer: short(req.peer) });
  if (req.kind === 'fetch') return jobTitle('fetch', { name: req.remotePath, peer: short(req.peer) });
  return jobTitle('swarm', { name: req.remotePath, count: req.from.length });
}

function short(peer: string): string {
  return peer.length > 24 ? `${peer.slice(0, 12)}…${peer.slice(-6)}` : peer;
}
