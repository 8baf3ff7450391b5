/**
 * The one contract between the renderer and the engine host. Two implementations: the preload (Electron IPC to
 * the main process) and the web client (HTTP + SSE against `warp daemon`, routes in api-routes.ts). Both hosts
 * run the same service facade (src/engine/service/warp-service.ts), so behaviour is the same in both.
 *
 * Rules: plain JSON in and out (no Buffers, no Dates: ISO strings); long operations return an id at once
 * (`JobRef` / `TransferRef`) and report through `onEvent` (events.ts); failures reject with a `BridgeError`
 * carrying a stable code. Every call is one entry of the operation table (operations.ts). Paths are paths on the machine running the engine (in web mode: the daemon's).
 */
import type { ErrorDto, JobStatus, ProgressDto, WarpEventListener } from './events.ts';
import type { SwarmEdgeSnapshot, SwarmEvent } from './events.ts';
import type { BridgeOperations } from './operations.ts';
import type { PathSeen } from '../engine/net/path.ts';

/** What a rejected bridge call carries (an Error whose `code` is a WarpError code or an HTTP-level code). */
export interface BridgeError extends Error {
  code: string;
  /** HTTP status in web mode. */
  status?: number;
}

// ---- info ----

export interface InfoDto {
  version: string;
  /** This installation's libp2p peer id. */
  peerId: string;
  home: string;
  host: 'electron' | 'daemon';
  platform: string;
  startedAt: string;
  /** Where the engine's listener accepts peers (host:port), when it runs. */
  listen?: string;
  features: { sync: boolean; swarm: boolean; upload: boolean; webgpu?: boolean };
}

// ---- jobs ----

export interface JobRef {
  /** The job id; events carry it as `job`. */
  job: string;
}

// ---- archive ----

export type CompressionLevel = 'fast' | 'balanced' | 'max';

/** Either a password or a key file on the engine's machine; omit both for an unencrypted archive. */
export interface ArchiveSecret {
  password?: string;
  keyFile?: string;
}

export interface ArchiveCreateRequest extends ArchiveSecret {
  /** Files or folders to archive. */
  inputs: string[];
  /** The .warp file to write. */
  output: string;
  level?: CompressionLevel;
  overwrite?: boolean;
}

export interface ArchiveExtractRequest extends ArchiveSecret {
  archive: string;
  target: string;
  /** Only these paths (and what is under them); all when omitted. */
  paths?: string[];
  existing?: 'error' | 'skip' | 'overwrite';
}

export interface ArchiveVerifyRequest extends ArchiveSecret {
  archive: string;
}

export interface ArchiveListRequest extends ArchiveSecret {
  archive: string;
  /** Only entries under this path. */
  prefix?: string;
  offset?: number;
  /** At most this many entries (default 1000, max 100000: a page of 100k entries is about 12 MB of JSON). */
  limit?: number;
}

export type ArchiveEntryType = 'file' | 'dir' | 'symlink';

export interface ArchiveEntryDto {
  path: string;
  type: ArchiveEntryType;
  size: number;
  mode: number;
  /** Milliseconds since the epoch. */
  mtimeMs: number;
  target?: string;
}

export interface ArchiveListResult {
  archive: string;
  total: number;
  offset: number;
  entries: ArchiveEntryDto[];
}

export interface ArchiveInfoRequest extends ArchiveSecret {
  archive: string;
}

export interface ArchiveInfoDto {
  archive: string;
  archiveBytes: number;
  formatVersion: number;
  encrypted: boolean;
  files: number;
  dirs: number;
  symlinks: number;
  /** Sum of file sizes. */
  bytes: number;
  chunks: number;
  merkleRoot: string;
  contentId: string;
  createdAt?: string;
}

/** Summary of a finished create (JobDto.result of an archive.create or archive.upload job). */
export interface ArchiveCreateResultDto {
  archive: string;
  bytesIn: number;
  files: number;
  uniqueChunks: number;
  archiveBytes: number;
  dedupRatio: number;
  compressionRatio: number;
  encrypted: boolean;
  merkleRoot: string;
  contentId: string;
  elapsedSeconds: number;
}

export interface VerifyReportDto {
  ok: boolean;
  chunks: number;
  files: number;
  bytes: number;
  merkleRootOk: boolean;
  badChunks: Array<{ chunk: number; id: string; reason: string; files: string[] }>;
  badFiles: Array<{ path: string; reason: string }>;
  elapsedSeconds: number;
}

/** One file picked or dropped in a browser, with its path relative to the dropped folder ("a/b.txt"). */
export interface UploadFile {
  path: string;
  blob: Blob;
  /** The file's modification time (File.lastModified), kept in the archive. */
  mtimeMs?: number;
}

/** A folder in a browser drop, so empty ones are archived too; its time when the browser tells it. */
export interface UploadDir {
  path: string;
  mtimeMs?: number;
}

export interface ArchiveUploadRequest extends ArchiveSecret {
  files: UploadFile[];
  /** Folders of the drop (empty ones included); files' parent folders need not be listed. */
  dirs?: UploadDir[];
  /** Archive name (no folders); written to `<WARP_HOME>/archives/<name>.warp` unless `output` is given. */
  name: string;
  output?: string;
  level?: CompressionLevel;
  overwrite?: boolean;
}

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

// ---- peers ----

export interface SelfDto {
  peerId: string;
  /** Addresses peers can dial (multiaddrs with /p2p/id), best first, when the listener runs. */
  addresses: string[];
  /** This machine's friendly name (config transfer.name, else its host name). */
  name: string;
  /** Whether peers can reach it directly (AutoNAT's verdict), while the listener runs. */
  reachability?: ReachabilityDto;
}

/**
 * AutoNAT's verdict on this machine: `public` (a peer dialled a public address back, or the router mapped the
 * port), `nat` (peers see it at a public address that is not its own, or dial-backs failed), `unknown`.
 */
export interface ReachabilityDto {
  status: 'public' | 'nat' | 'unknown';
  /** Public addresses confirmed dialable from outside. */
  confirmed: string[];
  /** Public addresses peers see it at, not confirmed (the NAT's side). */
  observed: string[];
  /** Whether it runs AutoNAT (a listener bound beyond loopback with [net] autonat on). */
  autonat: boolean;
}

export interface PeerDto {
  id: string;
  /** Its friendly name (its own, learned when pairing, unless renamed here). */
  name?: string;
  /** The best known address (the first of `addresses`). */
  address?: string;
  /** Every known address, best first. */
  addresses: string[];
  /** When and how the addresses last changed. */
  addressesAt?: string;
  addressesFrom?: 'pair' | 'manual' | 'contact' | 'discovery';
  addedAt: string;
  via: 'pair' | 'manual';
  /** How this machine's newest connection to it went (direct, LAN or relayed through `relay`), with its RTT. */
  path?: PathSeen;
}

export interface PeerAddressesRequest {
  /** A paired peer's id or name. */
  peer: string;
  /** host:port, <peer-id>@host:port or multiaddrs (relayed ones too), best first. */
  addresses: string[];
}

export interface PeerRenameRequest {
  peer: string;
  name: string;
}

/** A Warp device seen on the local network (discovery). */
export interface NearbyDto {
  peerId: string;
  name: string;
  addresses: string[];
  /** Already paired with this machine. */
  paired: boolean;
  /** It shows a pairing code right now: its lookup id (the first part of the code). */
  pairing?: string;
  /** It takes pairing requests (one click here, a confirmation code on both screens, a yes there). */
  requests?: boolean;
  lastSeen: string;
}

export interface PairAskRequest {
  /** The nearby device's peer id (from `peers.nearby`). */
  peer: string;
  /** Remember it under this name instead of its own. */
  name?: string;
}

/**
 * A pairing request, asked by this machine (`out`) or of it (`in`). Both sides show `code`; nothing is trusted
 * until the asked side accepts.
 */
export interface PairRequestDto {
  /** `in`: the id to answer with `peers.pairAnswer`; `out`: the job that ends when the other side decides. */
  id: string;
  direction: 'in' | 'out';
  /** The other machine's peer id (proved by the connection) and the name it gives. */
  peer: string;
  name?: string;
  addresses: string[];
  /** The confirmation code both screens show (`123 456`). */
  code: string;
  expiresAt: string;
  state: 'pending' | 'accepted' | 'rejected' | 'expired' | 'withdrawn' | 'failed';
}

export interface PairAnswerRequest {
  id: string;
  accept: boolean;
}

export interface PairStartRequest {
  /** How long the code stays valid (default 300 s). */
  timeoutSeconds?: number;
  /** Remember the peer under this name. */
  name?: string;
}

export interface PairStartResult {
  /** The short code (`abc-defgh-jkmnp`): enough on the same network with discovery on. */
  code: string;
  /** The code with this machine's addresses (`<code>.<card>`): enough from anywhere that can reach one of them. */
  fullCode: string;
  /** This machine's friendly name (what the joiner will see). */
  name: string;
  peerId: string;
  /** Where the other side must dial: `warp pair <code> <address>`. */
  addresses: string[];
  expiresAt: string;
  /** The job that completes when someone pairs (a `peer.paired` event follows). */
  job: string;
}

export interface PairJoinRequest {
  /** The short or the full code. */
  code: string;
  /** host:port of the machine showing the code (not needed with the full code, or on the LAN with discovery). */
  address?: string;
  /** Remember the peer under this name instead of its own. */
  name?: string;
}

export interface RemoveResult {
  removed: boolean;
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

// ---- sync ----

export interface SyncWindowDto {
  /** Days of the week, 0 = Sunday; all days when omitted. */
  days?: number[];
  /** Local time "HH:MM". */
  start: string;
  end: string;
}

export interface SyncAddRequest {
  /** Folder on this machine to watch. */
  localPath: string;
  /** Paired peer (id, name or address) that receives the changes. */
  peer: string;
  /** Where on the peer. */
  remotePath: string;
  /** Only sync inside these windows; always when empty. */
  windows?: SyncWindowDto[];
  pauseOnBattery?: boolean;
  pauseOnMetered?: boolean;
  /** Debounce after the last change, milliseconds. */
  debounceMs?: number;
  /** Which way changes move (default two-way); docs/SYNC.md "Modes". */
  mode?: SyncModeDto;
  /** Selective sync: only these subfolders (relative to the folder); all when absent. */
  only?: string[];
  /** Who wins when both sides changed a file (default newer-wins); the losing copy is always kept. */
  conflict?: 'newer-wins' | 'local-wins' | 'remote-wins';
  /** gitignore patterns and preset names left out besides the folder's `.warpignore` files. */
  exclude?: string[];
  presets?: string[];
  /** When a sync that deletes stops and asks (defaults: half the folder from 5 files, or 1000 files). */
  deletionGuard?: SyncGuardSettings;
  /** How long `.warp-versions/` keeps deleted and replaced files (default trash-can, 30 days, 10 GiB). */
  versions?: SyncVersionsSettings;
}

export interface SyncGuardSettings {
  /** 0..1: deleting at least this share of the folder asks. */
  share?: number;
  /** Deleting at least this many files asks. */
  maxFiles?: number;
  /** The share rule applies from this many deletions up. */
  minFiles?: number;
}

export interface SyncVersionsSettings {
  /** trash-can: each version until maxAgeMs; simple: the `count` newest per file; staggered: sparser with age. */
  policy?: 'trash-can' | 'simple' | 'staggered';
  maxAgeMs?: number;
  maxBytes?: number;
  count?: number;
}

/** Changes a job's deletion guard and versions retention; `null` puts one back to the defaults. */
export interface SyncSettingsRequest {
  id: string;
  deletionGuard?: SyncGuardSettings | null;
  versions?: SyncVersionsSettings | null;
}

export type SyncModeDto = 'two-way' | 'send-only' | 'receive-only';

export interface SyncJobDto extends SyncAddRequest {
  id: string;
  /** `out`: a job this machine runs; `in`: a folder another machine keeps in sync with this one (it runs the job). */
  direction: 'out' | 'in';
  /** The peer's name from the paired peers, when it has one. */
  peerName?: string;
  mode: SyncModeDto;
  /** Files that differed at the last sync and that the mode left as they are. */
  held?: number;
  state: 'idle' | 'scanning' | 'syncing' | 'paused' | 'waiting' | 'error';
  /** Why it is paused or waiting ("user", "battery", "metered", "outside window"). */
  reason?: string;
  /** Paused by the user (survives restarts). */
  paused: boolean;
  lastSyncAt?: string;
  lastError?: ErrorDto;
  pendingChanges: number;
  syncedFiles: number;
  syncedBytes: number;
  /** Set while the deletion guard holds the job: what the sync would delete; `sync.confirm` lets it through. */
  guard?: {
    deletions: number;
    deleteHere: number;
    deleteThere: number;
    files: number;
    paths: string[];
    reason: string;
  };
  /** The last sync in one line: "pushed 3 files, deleted 1, 39 kB on the wire". */
  lastPushLine?: string;
}

/** A file kept in a synced folder's `.warp-versions/` (deleted or replaced by a sync). */
export interface SyncVersionDto {
  /** The version's name inside `.warp-versions/` (what `sync.restore` takes). */
  version: string;
  /** The file's path in the folder. */
  path: string;
  keptAt: string;
  size: number;
}

export interface SyncRestoreRequest {
  id: string;
  version: string;
  /** Restore under this path (relative to the folder) instead of the file's own. */
  as?: string;
}

/** One open conflict: this machine's version and the peer's, side by side (one is at `path`, the other at `copy`). */
export interface SyncConflictDto {
  path: string;
  /** The conflict copy's name, `<path>.conflict-<stamp>`. */
  copy: string;
  at: string;
  mine: { path: string; size: number; modifiedAt: string };
  theirs: { path: string; size: number; modifiedAt: string };
}

export interface SyncResolveRequest {
  id: string;
  /** The conflict's path or its copy's. */
  path: string;
  /** Which version stays at `path`; the other goes to `.warp-versions/`. `both` keeps the two files. */
  keep: 'mine' | 'theirs' | 'both';
}

export interface SyncResolveResult {
  path: string;
  /** Where the version not kept went, inside `.warp-versions/`. */
  versioned?: string;
}

export interface SyncRestoreResult {
  path: string;
  /** The file that was at the path, now kept as this version. */
  replacedKeptAs?: string;
}

// ---- config ----

export interface ConfigEntryDto {
  /** "section.key", e.g. "transfer.port". */
  key: string;
  value: unknown;
  default: unknown;
  /** Where the value came from. */
  source: 'default' | 'file' | 'env' | 'override';
  type: string;
  description: string;
  /** Allowed values when restricted. */
  allowed?: string;
  /** The value and the default as a user writes them in config.toml ("4MiB", "30s", "a, b"). */
  text?: string;
  defaultText?: string;
  /** What the key accepts, in words ("an integer from 1 to 256"). */
  accepts?: string;
}

export interface ConfigDto {
  /** The config file (may not exist yet). */
  file: string;
  entries: ConfigEntryDto[];
}

export interface ConfigSetRequest {
  /** "section.key" -> new value (string forms as in config.toml are accepted: "64MiB", "30s"). */
  values: Record<string, unknown>;
}

// ---- shares ----

/** A share's state as a reader sees it: the owner's (active, paused, revoked) or a limit that ran out. */
export type ShareStatusDto = 'active' | 'paused' | 'revoked' | 'expired' | 'exhausted';

/** One share link (never its key: the link is the only copy of it). Times are ms since the epoch. */
export interface ShareDto {
  id: string;
  status: ShareStatusDto;
  createdAt: number;
  /** null: never expires. */
  expiresAt: number | null;
  maxDownloads: number | null;
  /** Whether the link needs a password too. */
  password: boolean;
  files: number;
  totalBytes: number;
  /** Ciphertext kept on this machine. */
  storedBytes: number;
  downloads: number;
  bytesServed: number;
  lastAccess: number | null;
}

export interface ShareOptionsDto {
  /** Stop serving after this many seconds (default: never). */
  expiresSeconds?: number;
  maxDownloads?: number;
  /** Also require this password (Argon2id); the link alone then opens nothing. */
  password?: string;
  /** The address the link names, as the opener will reach this host (default: the daemon's configured one). */
  base?: string;
}

export interface ShareCreateRequest extends ShareOptionsDto {
  /** Files or folders on the engine's machine. */
  paths: string[];
}

/** A new share and its link: shown once, since the key inside it is stored nowhere. */
export interface ShareCreatedDto {
  share: ShareDto;
  link: string;
}

export interface ShareExtendRequest {
  id: string;
  /** New expiry counted from now. */
  expiresSeconds?: number;
  never?: boolean;
  maxDownloads?: number;
}

export interface ShareUploadRequest extends ShareOptionsDto {
  files: UploadFile[];
}

// ---- the bridge ----

/**
 * The contract's call methods come from the operation table (operations.ts); this adds what is not a plain call.
 */
export interface WarpBridge extends BridgeOperations {
  archive: BridgeOperations['archive'] & {
    /** Web mode only (browsers give no paths): streams the files to the daemon, which archives them. */
    upload?(
      req: ArchiveUploadRequest,
      onUploadProgress?: (sentBytes: number, totalBytes: number) => void,
      /** Aborting stops the upload and discards what was sent (rejects with code E_CANCELLED). */
      signal?: AbortSignal,
    ): Promise<JobRef>;
    /** Web mode only: a URL the browser can open to download an archive from the daemon's machine. */
    downloadUrl?(archive: string): string;
  };

  shares: BridgeOperations['shares'] & {
    /** Web mode only: streams dropped files to the daemon, which shares them (the staging copy is removed). */
    upload?(
      req: ShareUploadRequest,
      onUploadProgress?: (sentBytes: number, totalBytes: number) => void,
    ): Promise<ShareCreatedDto>;
  };

  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: WarpEventListener): () => void;
}

// ---- archive library ----

/** One archive Warp created or opened on this machine (the library, kept in `<WARP_HOME>/library.json`). */
export interface LibraryEntryDto {
  /** Absolute path of the .warp file on the engine's machine. */
  archive: string;
  /** Size on disk when last seen. */
  archiveBytes: number;
  files: number;
  /** Sum of file sizes. */
  bytes: number;
  encrypted: boolean;
  /** How it came into the library. */
  source: 'created' | 'opened';
  /** ISO 8601: when it was first added, and last created or opened through Warp. */
  addedAt: string;
  usedAt: string;
  /** The archive file's modification time (ISO 8601) when last seen. */
  modifiedAt?: string;
  /** The last verify through Warp: when, whether it was intact, how many files were damaged. */
  verified?: { at: string; ok: boolean; damagedFiles: number };
  /** The file is gone (or unreadable) now; it stays listed until removed. */
  missing?: boolean;
}

export interface LibraryRemoveRequest {
  archive: string;
}

// ---- folder browser (path pickers in web mode: the daemon's file system) ----

export interface BrowseRequest {
  /** An absolute folder; the user's home folder when omitted. */
  path?: string;
  /** List files too (to pick a file such as a .warp); folders only when false. */
  files?: boolean;
}

export interface BrowseEntryDto {
  name: string;
  type: 'dir' | 'file';
  /** Files only. */
  size?: number;
}

export interface BrowseResult {
  /** The folder listed (absolute, resolved). */
  path: string;
  /** Its parent; absent at a root. */
  parent?: string;
  /** The user's home folder on the engine's machine. */
  home: string;
  /** Path separator of the engine's machine. */
  sep: string;
  /** Folders first, then files, each by name; hidden entries (dot names) included. */
  entries: BrowseEntryDto[];
  /** More than BROWSE_LIMIT entries: only the first ones are listed. */
  truncated: boolean;
}

/** A native open dialog (desktop only): a folder, or a file with these extensions. */
export interface PickPathRequest {
  kind: 'folder' | 'file';
  title?: string;
  /** Where the dialog starts (an absolute path). */
  defaultPath?: string;
  /** For files: the extensions to offer, without dots ("warp"). */
  extensions?: string[];
}
