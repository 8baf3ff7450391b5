/**
 * Every event the UI receives, whichever transport carries it (Electron IPC or the daemon's SSE stream at
 * /api/events). Plain JSON: no typed arrays, no bigint, no Dates.
 *
 * The engine defines each event once (archive/archive-events.ts, transfer/transfer-events.ts,
 * swarm/swarm-events.ts, core/progress.ts); this file imports those types (type-only imports, erased at build
 * time, so nothing of the engine reaches the browser) and adds what the hosts add. The daemon tags archive and
 * transfer events with `job`, the id of the job or transfer that produced it (the id `archive.create`,
 * `transfers.start`, ... returned). A swarm event's `session` is the engine's transfer session id, which
 * `TransferDto.session` links to a transfer. Jobs, peers, sync and daemon events are the service's own.
 */
import type { ArchiveEvent as EngineArchiveEvent } from '../engine/archive/archive-events.ts';
import type { ProgressSnapshot } from '../engine/core/progress.ts';
import type { NearbyDto, PairRequestDto, PeerDto } from './bridge.ts';
import type { SwarmEvent } from '../engine/swarm/swarm-events.ts';
import type { SyncEvent as EngineSyncEvent } from '../engine/sync/sync-events.ts';
import type { TransferEvent as EngineTransferEvent } from '../engine/transfer/transfer-events.ts';

export type { EdgeState, SwarmEdgeSnapshot, SwarmEvent, SwarmTriggerKind } from '../engine/swarm/swarm-events.ts';
export type { ArchiveOp } from '../engine/archive/archive-events.ts';
export type { TransferRole } from '../engine/transfer/transfer-events.ts';

/** ProgressSnapshot of src/engine/core/progress.ts. */
export type ProgressDto = ProgressSnapshot;

export interface ErrorDto {
  /** A stable WarpError code (E_...), or an HTTP-level code such as BAD_REQUEST. */
  code: string;
  message: string;
}

// ---- archive (src/engine/archive/archive-events.ts) ----

export type ArchiveEngineEvent = EngineArchiveEvent;

/** An archive event tagged with the job that produced it. */
export type ArchiveEvent = ArchiveEngineEvent & { job: string };

// ---- transfer (src/engine/transfer/transfer-events.ts) ----

export type TransferEngineEvent = EngineTransferEvent;

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

/** A job title's catalogue key under `jobTitle.` and its values (`count` picks the plural form). */
export interface JobTitleWords {
  key: 'create' | 'extract' | 'verify' | 'send' | 'fetch' | 'swarm' | 'pair' | 'pairWait';
  vars: Record<string, string | number>;
}

export interface JobDto {
  id: string;
  kind: JobKind;
  status: JobStatus;
  /** A short human title ("Create photos.warp", "Fetch /data from 12D3…"). */
  title: string;
  /** The same title as catalogue words, so each UI shows it in its own language (shared/job-title.ts). */
  titleWords?: JobTitleWords;
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

// ---- sync (src/engine/sync/sync-events.ts; the hosts rename the states, the rest is forwarded unchanged) ----

export type SyncState = 'idle' | 'scanning' | 'syncing' | 'paused' | 'waiting' | 'error';

/** The engine's sync events the hosts forward as they are (the deletion guard, skipped changes, pulls included). */
export type SyncEngineEvent = Extract<
  EngineSyncEvent,
  { type: 'sync.change' | 'sync.push' | 'sync.conflict' | 'sync.pulled' | 'sync.skipped' | 'sync.guard' | 'sync.error' }
>;

export type SyncEvent = { type: 'sync.state'; id: string; state: SyncState; reason?: string } | SyncEngineEvent;

// ---- peers ----

export type PeerEvent =
  | { type: 'peer.paired'; peer: string; name?: string; address?: string }
  | { type: 'peer.pair-failed'; error: ErrorDto }
  /** A pairing request, asked by this machine or of it, appeared or changed state. */
  | { type: 'peer.pair-request'; request: PairRequestDto }
  | { type: 'peer.removed'; peer: string }
  /** A paired peer's addresses or name changed (edited, refreshed on contact, or seen by discovery). */
  | { type: 'peer.updated'; peer: PeerDto }
  /** The nearby (LAN) devices changed. */
  | { type: 'peer.nearby'; devices: NearbyDto[] };

// ---- daemon ----

export type DaemonEvent =
  /** First event on every new SSE connection. */
  | { type: 'daemon.hello'; version: string; peerId: string; t: number }
  /** Every 15 s on SSE so a client notices a dead stream. */
  | { type: 'daemon.heartbeat'; t: number }
  | { type: 'config.changed'; keys: string[] };

/** Everything the UI receives through `WarpBridge.onEvent`. */
export type WarpEvent = ArchiveEvent | TransferEvent | SwarmEvent | JobEvent | SyncEvent | PeerEvent | DaemonEvent;

export type WarpEventListener = (e: WarpEvent) => void;
