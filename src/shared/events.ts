/**
 * Every event the UI receives, whichever transport carries it (Electron IPC or the daemon's SSE stream at
 * /api/events). Plain JSON: no typed arrays, no bigint, no Dates.
 *
 * The archive and transfer shapes mirror the engine's (src/engine/archive/events.ts,
 * src/engine/transfer/events.ts); they are restated here because src/shared may not import the engine. The
 * daemon tags each with `job`, the id of the job or transfer that produced it (the id `archive.create`,
 * `transfers.start`, ... returned). Swarm events are the engine's own shapes (swarm-events.ts); their
 * `session` is the engine's transfer session id, which `TransferDto.session` links to a transfer.
 */
import type { SwarmEvent } from './swarm-events.ts';

export type { SwarmEvent } from './swarm-events.ts';

/** Mirrors ProgressSnapshot in src/engine/core/progress.ts. */
export interface ProgressDto {
  bytes: number;
  totalBytes: number;
  files: number;
  totalFiles: number;
  /** Bytes per second, exponentially smoothed. */
  rate: number;
  /** Seconds left at the current rate; -1 when unknown. */
  etaSeconds: number;
  elapsedSeconds: number;
}

export interface ErrorDto {
  /** A stable WarpError code (E_...), or an HTTP-level code such as BAD_REQUEST. */
  code: string;
  message: string;
}

// ---- archive (mirrors src/engine/archive/events.ts) ----

export type ArchiveOp = 'create' | 'extract' | 'verify';

export type ArchiveEngineEvent =
  | { type: 'archive.start'; op: ArchiveOp; archive: string; totalBytes: number; totalFiles: number }
  | ({ type: 'archive.progress'; op: ArchiveOp } & ProgressDto)
  | { type: 'archive.warning'; op: ArchiveOp; path: string; message: string }
  | { type: 'archive.file'; op: ArchiveOp; path: string; size: number }
  | { type: 'archive.bad-chunk'; chunk: number; reason: string; files: string[] }
  | { type: 'archive.done'; op: ArchiveOp; archive: string; elapsedSeconds: number; bytes: number };

/** An archive event tagged with the job that produced it. */
export type ArchiveEvent = ArchiveEngineEvent & { job: string };

// ---- transfer (mirrors src/engine/transfer/events.ts) ----

export type TransferRole = 'fetch' | 'send' | 'receive' | 'serve' | 'stream';

export type TransferEngineEvent =
  | { type: 'transfer.start'; session: string; role: TransferRole; peer: string; transport: string; path: string }
  | { type: 'transfer.manifest'; session: string; files: number; bytes: number; chunks: number; haveChunks: number; haveBytes: number; needChunks: number; needBytes: number; merkleRoot: string }
  | ({ type: 'transfer.progress'; session: string; chunks: number; totalChunks: number; wireBytes: number } & ProgressDto)
  | { type: 'transfer.chunk'; session: string; chunk: number; bytes: number; wireBytes: number; source: string }
  | { type: 'transfer.chunk-rejected'; session: string; chunk: number; source: string; reason: string }
  | { type: 'transfer.file'; session: string; path: string; size: number }
  | { type: 'transfer.warning'; session: string; path: string; message: string }
  | { type: 'transfer.paused'; session: string; paused: boolean }
  | { type: 'transfer.error'; session: string; error: ErrorDto }
  | { type: 'transfer.done'; session: string; files: number; bytes: number; wireBytes: number; fetchedChunks: number; localChunks: number; elapsedSeconds: number; merkleRoot: string };

/**
 * A transfer event tagged with the transfer id (`job`). Transfers a peer starts against this machine's listener
 * (an incoming send or fetch) have no job: `job` is then the string `incoming:<session>`.
 * Note: the daemon does not forward `transfer.chunk` (one per chunk is too many for a UI); progress carries it.
 */
export type TransferEvent = TransferEngineEvent & { job: string };

// ---- jobs (every long operation: archive create/extract/verify, uploads, transfers, pairing) ----

export type JobKind =
  | 'archive.create'
  | 'archive.extract'
  | 'archive.verify'
  | 'archive.upload'
  | 'transfer.send'
  | 'transfer.fetch'
  | 'transfer.swarm'
  | 'peers.pair';

export type JobStatus = 'queued' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

export interface JobDto {
  id: string;
  kind: JobKind;
  status: JobStatus;
  /** A short human title ("Create photos.warp", "Fetch /data from 12D3…"). */
  title: string;
  /** ISO 8601 times. */
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  progress?: ProgressDto;
  error?: ErrorDto;
  /** The operation's result when done (CreateResult-like summary, VerifyReport, ...): plain JSON. */
  result?: Record<string, unknown>;
}

/** Sent whenever a job is created or its status changes (not on every progress tick: see archive/transfer). */
export interface JobEvent {
  type: 'job.update';
  job: JobDto;
}

// ---- sync (src/engine/sync SyncManager; the daemon forwards them unchanged) ----

export type SyncState = 'idle' | 'scanning' | 'syncing' | 'paused' | 'waiting' | 'error';

export type SyncEvent =
  | { type: 'sync.state'; id: string; state: SyncState; reason?: string }
  | { type: 'sync.change'; id: string; paths: string[] }
  | { type: 'sync.push'; id: string; files: number; bytes: number; wireBytes: number; elapsedSeconds: number }
  | { type: 'sync.conflict'; id: string; path: string; keptAs: string }
  | { type: 'sync.error'; id: string; error: ErrorDto };

// ---- peers ----

export type PeerEvent =
  | { type: 'peer.paired'; peer: string; name?: string; address?: string }
  | { type: 'peer.pair-failed'; error: ErrorDto }
  | { type: 'peer.removed'; peer: string };

// ---- daemon ----

export type DaemonEvent =
  /** First event on every new SSE connection. */
  | { type: 'daemon.hello'; version: string; peerId: string; t: number }
  /** Every 15 s on SSE so a client notices a dead stream. */
  | { type: 'daemon.heartbeat'; t: number }
  | { type: 'config.changed'; keys: string[] };

/** Everything the UI receives through `WarpBridge.onEvent`. */
export type WarpEvent = ArchiveEvent | TransferEvent | SwarmEvent | JobEvent | SyncEvent | PeerEvent | DaemonEvent;

export type WarpEventType = WarpEvent['type'];

export type WarpEventListener = (e: WarpEvent) => void;
