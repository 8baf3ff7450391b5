/**
 * The contract's transfer shapes (operations `transfers.*` and `swarm.status`): starting a send, fetch or swarm
 * download, a transfer as the host tracks it (status, progress, sources), and the latest state of each swarm
 * download kept from the `swarm.*` events. Plain JSON types only (see bridge.ts for the rules).
 */
import type { ErrorDto, JobStatus, ProgressDto, SwarmEdgeSnapshot, SwarmEvent } from '../events.ts';
// ---- transfers ----

interface TransferStartBase {
  /** Path on this machine: the folder to send, or where fetched files go. */
  localPath: string;
  /** Path on the peer: where sent files go, or what to fetch. */
  remotePath: string;
}

export type TransferStartRequest =
  /** Offer `localPath` to a peer, which pulls it into `remotePath`. `peer`: address (host:port[/p2p/id]) or a paired peer's id/name. */
  | (TransferStartBase & { kind: 'send'; peer: string })
  /** Pull `remotePath` from one peer into `localPath`. */
  | (TransferStartBase & { kind: 'fetch'; peer: string })
  /** Pull `remotePath` from several peers at once (the swarm scheduler picks who serves which chunk). */
  | (TransferStartBase & { kind: 'swarm'; from: string[] });

export type TransferKind = TransferStartRequest['kind'];

export interface TransferRef {
  /** The transfer id (also its job id; events carry it as `job`). */
  id: string;
}

export interface TransferProgressDto extends ProgressDto {
  chunks: number;
  totalChunks: number;
  wireBytes: number;
}

export interface TransferSourceDto {
  peer: string;
  bytes: number;
  chunks: number;
}

export interface TransferDto {
  id: string;
  kind: TransferKind;
  status: JobStatus;
  /** Peers involved (one for send/fetch, the sources for swarm). */
  peers: string[];
  localPath: string;
  remotePath: string;
  /** The engine's resumable session id, once connected (swarm events carry it as `session`). */
  session?: string;
  transport?: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  manifest?: {
    files: number;
    bytes: number;
    chunks: number;
    needChunks: number;
    needBytes: number;
    merkleRoot: string;
  };
  progress?: TransferProgressDto;
  /** Bytes and chunks per source peer (fetch and swarm). */
  sources?: TransferSourceDto[];
  /** How many times it was resumed after a pause or failure. */
  resumes: number;
  error?: ErrorDto;
  result?: {
    files: number;
    bytes: number;
    wireBytes: number;
    fetchedChunks: number;
    localChunks: number;
    elapsedSeconds: number;
    merkleRoot: string;
  };
}

export interface TransferListRequest {
  /** Include finished ones (default true). */
  all?: boolean;
}

// ---- swarm ----

/** The latest known state of one swarm download (kept by the host from the `swarm.*` events). */
export interface SwarmSessionDto {
  session: string;
  /** The transfer this session belongs to, when started through `transfers.start`. */
  transfer?: string;
  contentId: string;
  chunks: number;
  bytes: number;
  startedAt: string;
  updatedAt: string;
  done: boolean;
  edges: SwarmEdgeSnapshot[];
  /** Latest drift sample per edge (-1 = whole transfer). */
  drift: Extract<SwarmEvent, { type: 'swarm.drift' }>[];
  /** The most recent triggers, re-optimisations, failovers and pre-positionings (bounded, oldest first). */
  recent: Extract<SwarmEvent, { type: 'swarm.trigger' | 'swarm.reopt' | 'swarm.failover' | 'swarm.preposition' }>[];
  summary?: Extract<SwarmEvent, { type: 'swarm.done' }>;
}

export interface SwarmStatusDto {
  /** False while the swarm engine is not part of this build (swarm transfers then fail with SWARM_UNAVAILABLE). */
  available: boolean;
  sessions: SwarmSessionDto[];
}
