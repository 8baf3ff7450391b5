/**
 * The server side of the bridge contract (src/shared/bridge.ts) over the real engine, free of any transport:
 * the HTTP daemon (src/engine/http) and the Electron main process (IPC handlers) host this same object. Inputs are
 * assumed validated by the caller (routes.ts does it for HTTP); the engine still checks what it owns.
 */
import { snapshotOf } from '../core/progress.ts';
import { jobTitle } from '../../shared/job-title.ts';
import fs from 'node:fs';
import path from 'node:path';
import {
  createArchive,
  extractArchive,
  verifyArchive,
  ArchiveReader,
  ENTRY_TYPE_NAMES,
  EntryType,
  keySourceFromFiles,
  type KeySource,
} from '../archive/index.ts';
import { paramsForAverage } from '../codec/fastcdc.ts';
import { EventBus } from '../core/event-bus.ts';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { makeDirs } from '../core/make-dirs.ts';
import { CONFIG_SCHEMA, loadConfig, describeAllowed, formatValue, type WarpConfig } from '../config/index.ts';
import { looksLikePeerAddress, parsePeerAddress } from '../net/address.ts';
import { lastPath } from '../net/path.ts';
import type { SelfInfo } from '../net/pair.ts';
import { fullCode, shortCode } from '../net/pair-code.ts';
import { joinPairing } from '../net/pair-join.ts';
import { PairRequests } from './pair-requests.ts';
import { defaultDeviceName, dialTargets, type DialTarget } from '../net/peer-book.ts';
import { cleanName, type AddressSource, type TrustedPeer } from '../net/trust.ts';
import { parsePeerRules, swarmFetch, type PowerOverrides } from '../swarm/index.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import type { TransferEvent as EngineTransferEvent } from '../transfer/transfer-events.ts';
import type {
  ArchiveCreateRequest,
  ArchiveExtractRequest,
  ArchiveInfoDto,
  ArchiveInfoRequest,
  ArchiveListRequest,
  ArchiveListResult,
  ArchiveSecret,
  ArchiveVerifyRequest,
  ConfigDto,
  ConfigSetRequest,
  InfoDto,
  JobRef,
  PairJoinRequest,
  PairStartRequest,
  PairStartResult,
  PeerDto,
  PeerAddressesRequest,
  NearbyDto,
  PeerRenameRequest,
  RemoveResult,
  SelfDto,
  SwarmStatusDto,
  SyncAddRequest,
  SyncJobDto,
  SyncConflictDto,
  SyncResolveRequest,
  SyncSettingsRequest,
  SyncResolveResult,
  SyncRestoreRequest,
  SyncRestoreResult,
  SyncVersionDto,
  TransferDto,
  TransferListRequest,
  TransferRef,
  TransferStartRequest,
} from '../../shared/bridge.ts';
import type {
  ArchiveEngineEvent,
  JobDto,
  TransferEngineEvent,
  WarpEvent,
  WarpEventListener,
} from '../../shared/events.ts';
import type { SwarmEvent } from '../swarm/swarm-events.ts';
import { writeConfigValues } from './config-write.ts';
import { ArchiveLibrary } from './archive-library.ts';
import { JobRunner } from './job-runner.ts';
import { Metrics } from './metrics.ts';
import { PeerHost } from './peer-host.ts';
import { ShareOps } from './share-ops.ts';
import { incomingSyncDto } from './sync-host.ts';
import { DiscoveryHost } from './discovery-host.ts';
import { SwarmTracker } from './swarm-tracker.ts';
import { TransferManager } from './transfer-manager.ts';

export const VERSION = '0.1.0';

/** The sync engine's manager, as the daemon uses it (src/engine/sync). Absent: sync routes answer 503. */
export interface SyncBackend {
  list(): SyncJobDto[] | Promise<SyncJobDto[]>;
  add(req: SyncAddRequest): SyncJobDto | Promise<SyncJobDto>;
  remove(id: string): boolean | Promise<boolean>;
  pause(id: string): SyncJobDto | Promise<SyncJobDto>;
  resume(id: string): SyncJobDto | Promise<SyncJobDto>;
  confirm(id: string): SyncJobDto | Promise<SyncJobDto>;
  versions(id: string): SyncVersionDto[] | Promise<SyncVersionDto[]>;
  restore(req: SyncRestoreRequest): SyncRestoreResult | Promise<SyncRestoreResult>;
  conflicts(id: string): SyncConflictDto[] | Promise<SyncConflictDto[]>;
  now(id: string): SyncJobDto | Promise<SyncJobDto>;
  resolve(req: SyncResolveRequest): SyncResolveResult | Promise<SyncResolveResult>;
  settings(req: SyncSettingsRequest): SyncJobDto | Promise<SyncJobDto>;
}

/** InfoDto without what only the host knows: which process it is and what its transport offers (uploads). */
export type ServiceInfo = Omit<InfoDto, 'host' | 'features'> & { features: Omit<InfoDto['features'], 'upload'> };

export interface ServiceOptions {
  home: string;
  config: WarpConfig;
  env: TransferEnv;
  /** Run a peer listener (incoming sends, fetches and pairing) on this address; omit for none. */
  listen?: {
    host: string;
    port: number;
    root: string;
    allow?: string[];
    power?: PowerOverrides;
    acceptPrepositionBytes?: number;
  };
  /** The config file `config.set` writes (default $WARP_HOME/config.toml). */
  configPath?: string;
  log?: (msg: string) => void;
}

export class WarpService {
  readonly events = new EventBus<WarpEvent>();
  readonly metrics = new Metrics();
  readonly jobs: JobRunner;
  readonly transfers: TransferManager;
  readonly swarmTracker = new SwarmTracker();
  /** Every archive created or opened here, kept across restarts. */
  readonly library: ArchiveLibrary;
  /** Share links (operations `shares.*`). */
  readonly shares: ShareOps;
  readonly home: string;
  readonly env: TransferEnv;
  peerHost?: PeerHost;
  /** LAN discovery (with the peer listener, unless transfer.discovery is off). */
  discovery?: DiscoveryHost;
  sync?: SyncBackend;
  /** Pairing by request: asked of this machine (with a peer listener) or by it. */
  readonly pairRequests: PairRequests;
  private config: WarpConfig;
  private readonly o: ServiceOptions;
  private readonly startedAt = new Date().toISOString();

  private constructor(o: ServiceOptions) {
    this.o = o;
    this.home = o.home;
    this.env = o.env;
    // Every dial of a paired peer tells it where this machine listens now (and learns the same of it).
    o.env.self = () => this.selfInfo();
    this.config = o.config;
    this.library = new ArchiveLibrary(o.home);
    this.jobs = new JobRunner((e) => this.emit(e));
    this.shares = new ShareOps(o.home, () => this.config, o.env.index);
    this.pairRequests = new PairRequests({
      env: o.env,
      jobs: this.jobs,
      emit: (e) => this.emit(e),
      me: () => this.selfInfo(),
      discovery: () => this.discovery,
      onPaired: (rec) => {
        this.emit({ type: 'peer.paired', peer: rec.id, name: rec.name, address: rec.addresses[0] });
        this.discovery?.announce();
      },
    });
    this.transfers = new TransferManager({
      env: o.env,
      jobs: this.jobs,
      emit: (e) => this.emit(e),
      resolvePeer: (p) => this.resolvePeer(p),
      onEngineEvent: (e, transfer) => this.engineTransferEvent(e, transfer),
    });
    // Swarm downloads (transfers.start with `from`): the swarm engine's swarm.* events go to every client and
    // into the snapshots of swarm.status(); its transfer.* events go to the transfer like any other.
    this.transfers.swarmFetch = (f) => {
      const peerRules = parsePeerRules(this.config.swarm.peerRules);
      const opts = {
        sources: f.from,
        remotePath: f.remotePath,
        dest: f.localDir,
        signal: f.signal,
        policy: this.config.sched.policy,
        tickHz: this.config.sched.tickHz,
        perPeerParallel: this.config.swarm.perPeerParallel,
        // Per-peer windows and budgets from config (swarm.peer_rules), as `warp fetch --from` applies them.
        constraints: peerRules.constraints,
        bytesThisMonth: peerRules.used,
        onEvent: (e: SwarmEvent | EngineTransferEvent) => {
          if (e.type.startsWith('swarm.')) this.ingestSwarm(e as SwarmEvent);
          else f.onEvent(e as EngineTransferEvent);
        },
        // Scheduler tick durations for /metrics.
        onTick: (t: { totalMs: number }) => this.metrics.onTick(t.totalMs / 1000),
      };
      return swarmFetch(o.env, opts);
    };
  }

  static async start(o: ServiceOptions): Promise<WarpService> {
    const s = new WarpService(o);
    if (o.listen) {
      fs.mkdirSync(o.listen.root, { recursive: true });
      s.peerHost = await PeerHost.start({
        env: o.env,
        host: o.listen.host,
        port: o.listen.port,
        root: o.listen.root,
        allow: new Set(o.listen.allow ?? []),
        power: o.listen.power,
        acceptPrepositionBytes: o.listen.acceptPrepositionBytes,
        onEvent: (e) => {
          s.metrics.onTransfer(e, `incoming:${e.session}`);
          if (e.type !== 'transfer.chunk') s.emit({ ...e, job: `incoming:${e.session}` } as WarpEvent);
        },
        onLog: (m) => o.log?.(m),
        onPaired: (peer, info) => {
          const given = s.pendingPairName;
          const rec = o.env.trust.add({
            id: peer,
            name: given ?? info.name,
            renamed: given !== undefined || undefined,
            addresses: info.addrs,
            via: 'pair',
          });
          s.emit({ type: 'peer.paired', peer, name: rec.name, address: rec.addresses[0] });
          if (s.pendingPairJob) s.jobs.update(s.pendingPairJob, { status: 'done', result: { peer } });
          s.discovery?.announce(); // no longer pairing
        },
        onPeerInfo: (peer, info) => s.learnPeer(peer, info, 'contact'),
        requests: s.pairRequests.book,
        // A machine synced a folder with this one: its row in the sync list changed.
        onSyncReport: (r) => s.emit({ type: 'sync.state', id: incomingSyncDto(r).id, state: r.state }),
        name: () => s.deviceName(),
        onPairFailed: (message) => {
          s.discovery?.announce();
          s.emit({ type: 'peer.pair-failed', error: { code: ErrorCodes.PAIRING_FAILED, message } });
          if (s.pendingPairJob)
            s.jobs.update(s.pendingPairJob, { status: 'failed', error: { code: ErrorCodes.PAIRING_FAILED, message } });
        },
      });
      if (o.config.transfer.discovery !== 'off') s.startDiscovery();
    }
    return s;
  }

  private pendingPairName?: string;
  private pendingPairJob?: string;

  private startDiscovery(): void {
    const host = this.peerHost!;
    this.discovery = new DiscoveryHost({
      env: this.env,
      interfaceAddress: this.config.transfer.discoveryInterface || undefined,
      self: () => ({
        addrs: host.addresses(),
        name: this.deviceName(),
        pairing: host.pairingLookup(),
        requests: true,
      }),
      onPeerMoved: (peer, addrs) => this.learnPeer(peer, { addrs }, 'discovery'),
      onNearby: (devices) => this.emit({ type: 'peer.nearby', devices }),
      onLog: (m) => this.o.log?.(m),
    });
    this.findOnLan = (lookup) => this.discovery!.findPairing(lookup);
  }

  /** This machine's friendly name: `transfer.name`, else its host name. */
  deviceName(): string {
    return cleanName(this.config.transfer.name) ?? defaultDeviceName();
  }

  /** What this machine tells peers of itself (its peer listener's addresses, best first, and its name). */
  selfInfo(): SelfInfo {
    return this.peerHost?.selfInfo() ?? { addrs: [], name: this.deviceName() };
  }

  /** A paired peer's addresses or name changed (it said so on contact, or discovery saw it). */
  learnPeer(peer: string, info: SelfInfo, from: AddressSource): void {
    if (this.env.trust.learn(peer, { addresses: info.addrs, name: info.name }, from))
      this.emit({ type: 'peer.updated', peer: this.peerDto(this.env.trust.get(peer)) });
  }

  emit(e: WarpEvent): void {
    if (e.type === 'job.update') this.metrics.onJob(e.job);
    this.events.emit(e);
  }

  onEvent(listener: WarpEventListener): () => void {
    const off = this.events.on(listener);
    return () => {
      off();
    };
  }

  /** Swarm events from the swarm engine: forwarded to every client and kept for `swarm.status()`. */
  ingestSwarm(e: SwarmEvent): void {
    this.swarmTracker.ingest(e);
    this.metrics.onSwarm(e);
    this.emit(e);
  }

  private engineTransferEvent(e: TransferEngineEvent, transfer: string): void {
    this.metrics.onTransfer(e, transfer);
    if (e.type === 'transfer.start' || e.type === 'transfer.manifest')
      this.swarmTracker.linkTransfer(e.session, transfer);
  }

  async stop(): Promise<void> {
    this.jobs.abortAll();
    this.transfers.abortAll();
    await this.transfers.idle(5000);
    await this.discovery?.stop();
    this.pairRequests.close();
    await this.peerHost?.stop();
    this.env.index?.close();
  }

  // ---- info ----

  /** What the service knows about itself; the host adds what it knows (hostFacts in dispatch.ts). */
  info(): ServiceInfo {
    return {
      version: VERSION,
      peerId: this.env.identity.peerId,
      home: this.home,
      platform: process.platform,
      startedAt: this.startedAt,
      listen: this.peerHost ? `${this.o.listen!.host}:${this.peerHost.node.port()}` : undefined,
      features: { sync: this.sync !== undefined, swarm: this.transfers.swarmFetch !== undefined },
    };
  }

  // ---- archive ----

  private async key(s: ArchiveSecret): Promise<KeySource | undefined> {
    if (s.password !== undefined && s.keyFile !== undefined)
      throw new WarpError(ErrorCodes.USAGE, 'give either a password or a key file, not both');
    if (s.password !== undefined) {
      const a = this.config.archive;
      return {
        kind: 'password',
        password: new TextEncoder().encode(s.password),
        kdfLimits: { maxMemKiB: Math.floor(a.argon2MaxMemory / 1024), maxOps: a.argon2MaxPasses },
      };
    }
    return keySourceFromFiles({ keyFile: s.keyFile });
  }

  private archiveListener(job: string): (e: ArchiveEngineEvent) => void {
    return (e) => {
      this.metrics.onArchive(e);
      if (e.type === 'archive.progress') this.jobs.update(job, { progress: snapshotOf(e) });
      this.emit({ ...e, job } as WarpEvent);
    };
  }

  archiveCreate(
    req: ArchiveCreateRequest,
    kind: 'archive.create' | 'archive.upload' = 'archive.create',
    after?: () => void,
  ): JobRef {
    for (const i of req.inputs)
      if (!fs.existsSync(i)) throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `${i} does not exist on this machine`);
    const job = this.jobs.run(kind, jobTitle('create', { name: path.basename(req.output) }), async ({ id, signal }) => {
      try {
        const outDir = path.dirname(path.resolve(req.output));
        try {
          makeDirs(outDir);
        } catch (e) {
          throw fromSystemError(e, outDir, 'write');
        }
        const cfg = this.config.archive;
        const r = await createArchive({
          inputs: req.inputs,
          output: req.output,
          level: req.level ?? cfg.level,
          key: await this.key(req),
          overwrite: req.overwrite,
          chunker: { minSize: cfg.chunkMin, avgSize: cfg.chunkAvg, maxSize: cfg.chunkMax },
          workers: cfg.workers,
          signal,
          onEvent: this.archiveListener(id),
        });
        this.library.record(
          {
            archive: r.archive,
            archiveBytes: r.archiveBytes,
            files: r.files,
            bytes: r.bytesIn,
            encrypted: r.encrypted,
          },
          'created',
        );
        return {
          archive: r.archive,
          bytesIn: r.bytesIn,
          files: r.files,
          uniqueChunks: r.uniqueChunks,
          archiveBytes: r.archiveBytes,
          dedupRatio: r.dedupRatio,
          compressionRatio: r.compressionRatio,
          encrypted: r.encrypted,
          merkleRoot: r.merkleRoot,
          contentId: r.contentId,
          elapsedSeconds: r.elapsedSeconds,
        };
      } finally {
        after?.();
      }
    });
    return { job };
  }

  archiveExtract(req: ArchiveExtractRequest): JobRef {
    const job = this.jobs.run(
      'archive.extract',
      jobTitle('extract', { name: path.basename(req.archive) }),
      async ({ id, signal }) => {
        const r = await extractArchive({
          archive: req.archive,
          target: req.target,
          paths: req.paths,
          key: await this.key(req),
          existing: req.existing === 'error' || req.existing === undefined ? 'fail' : req.existing,
          workers: this.config.archive.workers,
          signal,
          onEvent: this.archiveListener(id),
          manifestInWorker: true,
        });
        return { ...r, target: req.target };
      },
    );
    return { job };
  }

  archiveVerify(req: ArchiveVerifyRequest): JobRef {
    const job = this.jobs.run(
      'archive.verify',
      jobTitle('verify', { name: path.basename(req.archive) }),
      async ({ id, signal }) => {
        const r = await verifyArchive({
          archive: req.archive,
          key: await this.key(req),
          workers: this.config.archive.workers,
          signal,
          onEvent: this.archiveListener(id),
          manifestInWorker: true,
        });
        this.library.verified(req.archive, r.ok, damagedFileCount(r));
        return { ...r };
      },
    );
    return { job };
  }

  async archiveList(req: ArchiveListRequest): Promise<ArchiveListResult> {
    const reader = await ArchiveReader.open(req.archive, await this.key(req), { manifestInWorker: true });
    try {
      const prefix = req.prefix?.replace(/\/+$/, '');
      const offset = req.offset ?? 0;
      const limit = req.limit ?? 1000;
      const entries: ArchiveListResult['entries'] = [];
      let total = 0;
      for (const e of reader.manifest.entries()) {
        if (prefix && e.path !== prefix && !e.path.startsWith(prefix + '/')) continue;
        if (total >= offset && entries.length < limit) {
          entries.push({
            path: e.path,
            type: ENTRY_TYPE_NAMES[e.type],
            size: e.size,
            mode: e.mode,
            mtimeMs: e.mtimeMs,
            ...(e.linkTarget !== undefined ? { target: e.linkTarget } : {}),
          });
        }
        total++;
      }
      return { archive: req.archive, total, offset, entries };
    } finally {
      reader.close();
    }
  }

  async archiveInfo(req: ArchiveInfoRequest): Promise<ArchiveInfoDto> {
    const reader = await ArchiveReader.open(req.archive, await this.key(req), { manifestInWorker: true });
    try {
      const m = reader.manifest;
      let files = 0,
        dirs = 0,
        symlinks = 0,
        bytes = 0;
      for (const e of m.entries()) {
        if (e.type === EntryType.FILE) {
          files++;
          bytes += e.size;
        } else if (e.type === EntryType.DIR) dirs++;
        else symlinks++;
      }
      this.library.record(
        { archive: req.archive, archiveBytes: reader.size, files, bytes, encrypted: reader.encrypted },
        'opened',
      );
      return {
        archive: req.archive,
        archiveBytes: reader.size,
        formatVersion: reader.header.version,
        encrypted: reader.encrypted,
        files,
        dirs,
        symlinks,
        bytes,
        chunks: m.chunkCount,
        merkleRoot: m.merkleRoot.toString('hex'),
        contentId: m.contentId().toString('hex'),
      };
    } finally {
      reader.close();
    }
  }

  // ---- jobs ----

  jobList(): JobDto[] {
    return this.jobs.list();
  }
  jobGet(id: string): JobDto {
    return this.jobs.get(id);
  }
  jobCancel(id: string): JobDto {
    const j = this.jobs.get(id);
    if (j.kind.startsWith('transfer.')) {
      this.transfers.cancel(id);
      return this.jobs.get(id);
    }
    // A code's job (`pair-…`) ends with the code; a request's job (peers.pairAsk) is an ordinary abortable job.
    if (j.kind === 'peers.pair' && id.startsWith('pair-')) {
      if (id === this.pendingPairJob && j.status === 'running') {
        this.peerHost?.cancelPairing();
        this.discovery?.announce();
        this.pendingPairJob = undefined;
        this.jobs.update(id, { status: 'cancelled' });
      }
      return this.jobs.get(id);
    }
    return this.jobs.cancel(id);
  }

  // ---- transfers ----

  transferStart(req: TransferStartRequest): TransferRef {
    return { id: this.transfers.start(req) };
  }
  transferList(req: TransferListRequest = {}): TransferDto[] {
    return this.transfers.list(req.all ?? true);
  }
  transferGet(id: string): TransferDto {
    return this.transfers.get(id);
  }
  transferCancel(id: string): TransferDto {
    return this.transfers.cancel(id);
  }
  transferPause(id: string): TransferDto {
    return this.transfers.pause(id);
  }
  transferResume(id: string): TransferDto {
    return this.transfers.resume(id);
  }

  /** A paired peer's id or name (with its remembered address) or an address, to an address the engine dials. */
  resolvePeer(peer: string): string {
    const p = this.env.trust.find(peer);
    // The best known address, pinned to the id; the dial tries the peer's other addresses after it.
    if (p) return dialTargets(this.env.trust, peer)[0].text;
    if (!looksLikePeerAddress(peer)) {
      throw new WarpError(
        ErrorCodes.USAGE,
        `invalid peer address '${peer}': not a paired peer's id or name, and not host:port, <peer-id>@host:port or a multiaddr`,
      );
    }
    parsePeerAddress(peer); // throws a clear usage error for a bad port or peer id
    return peer;
  }

  // ---- peers ----

  peersSelf(): SelfDto {
    return { peerId: this.env.identity.peerId, addresses: this.peerHost?.addresses() ?? [], name: this.deviceName() };
  }

  private peerDto(p: TrustedPeer): PeerDto {
    return {
      id: p.id,
      name: p.name,
      address: p.addresses[0],
      addresses: p.addresses,
      addressesAt: p.addressesAt,
      addressesFrom: p.addressesFrom,
      path: lastPath(p.id),
      addedAt: p.addedAt,
      via: p.via,
    };
  }

  peersList(): PeerDto[] {
    return this.env.trust.list().map((p) => this.peerDto(p));
  }

  peersNearby(): NearbyDto[] {
    return this.discovery?.nearby() ?? [];
  }

  peersSetAddresses(req: PeerAddressesRequest): PeerDto {
    const p = this.peerDto(this.env.trust.setAddresses(req.peer, req.addresses));
    this.emit({ type: 'peer.updated', peer: p });
    return p;
  }

  peersRename(req: PeerRenameRequest): PeerDto {
    const p = this.peerDto(this.env.trust.rename(req.peer, req.name));
    this.emit({ type: 'peer.updated', peer: p });
    return p;
  }

  peersPairStart(req: PairStartRequest = {}): PairStartResult {
    if (!this.peerHost)
      throw new WarpError(
        ErrorCodes.USAGE,
        'this daemon runs without a peer listener (started with --no-listen), so it cannot pair',
        { details: { status: 409 } },
      );
    const ttl = (req.timeoutSeconds ?? 300) * 1000;
    if (this.pendingPairJob) this.jobs.update(this.pendingPairJob, { status: 'cancelled' });
    const code = this.peerHost.startPairing(ttl);
    this.pendingPairName = req.name;
    const job = `pair-${code.lookup}${code.secret.slice(0, 3)}`;
    this.pendingPairJob = job;
    const now = new Date().toISOString();
    this.jobs.track({
      id: job,
      kind: 'peers.pair',
      status: 'running',
      ...jobTitle('pairWait'),
      createdAt: now,
      updatedAt: now,
    });
    this.discovery?.announce(); // the lookup id, so a joiner with the short code finds this machine
    const port = this.peerHost.node.port();
    const hostAddr = this.o.listen!.host === '0.0.0.0' ? '127.0.0.1' : this.o.listen!.host;
    const addresses = this.peerHost.addresses();
    return {
      code: shortCode(code),
      fullCode: fullCode(code, { peerId: this.env.identity.peerId, addresses, expiresAt: code.expiresAt }),
      peerId: this.env.identity.peerId,
      name: this.deviceName(),
      addresses: [`${hostAddr}:${port}`, ...addresses],
      expiresAt: new Date(code.expiresAt).toISOString(),
      job,
    };
  }

  async peersPairJoin(req: PairJoinRequest): Promise<PeerDto> {
    const joined = await joinPairing({
      identity: this.env.identity,
      transport: this.env.transport,
      code: req.code,
      address: req.address || undefined,
      defaultPort: this.config.transfer.port,
      me: this.selfInfo(),
      findOnLan: this.findOnLan,
    });
    const rec = this.env.trust.add({
      id: joined.peer,
      name: req.name ?? joined.info.name,
      renamed: req.name !== undefined || undefined,
      addresses: joined.info.addrs.length > 0 ? joined.info.addrs : [joined.address],
      via: 'pair',
    });
    const dto = this.peerDto(rec);
    this.emit({ type: 'peer.paired', peer: rec.id, name: rec.name, address: dto.address });
    return dto;
  }

  /** LAN lookup of an inviter by its code's lookup id (set when discovery runs). */
  findOnLan?: (lookup: string) => Promise<DialTarget[]>;

  peersRemove(id: string): RemoveResult {
    const removed = this.env.trust.remove(id);
    if (removed) this.emit({ type: 'peer.removed', peer: id });
    return { removed };
  }

  // ---- swarm ----

  swarmStatus(): SwarmStatusDto {
    return { available: this.transfers.swarmFetch !== undefined, sessions: this.swarmTracker.list() };
  }

  // ---- sync ----

  private syncBackend(): SyncBackend {
    if (!this.sync)
      throw new WarpError(ErrorCodes.USAGE, 'folder sync is not available in this build yet', {
        details: { status: 503, code: 'SYNC_UNAVAILABLE' },
      });
    return this.sync;
  }

  async syncList(): Promise<SyncJobDto[]> {
    return this.syncBackend().list();
  }
  async syncAdd(req: SyncAddRequest): Promise<SyncJobDto> {
    return this.syncBackend().add(req);
  }
  async syncRemove(id: string): Promise<RemoveResult> {
    return { removed: await this.syncBackend().remove(id) };
  }
  async syncPause(id: string): Promise<SyncJobDto> {
    return this.syncBackend().pause(id);
  }
  async syncResume(id: string): Promise<SyncJobDto> {
    return this.syncBackend().resume(id);
  }
  async syncConfirm(id: string): Promise<SyncJobDto> {
    return this.syncBackend().confirm(id);
  }
  async syncVersions(id: string): Promise<SyncVersionDto[]> {
    return this.syncBackend().versions(id);
  }
  async syncRestore(req: SyncRestoreRequest): Promise<SyncRestoreResult> {
    return this.syncBackend().restore(req);
  }
  async syncNow(id: string): Promise<SyncJobDto> {
    return this.syncBackend().now(id);
  }
  async syncConflicts(id: string): Promise<SyncConflictDto[]> {
    return this.syncBackend().conflicts(id);
  }
  async syncResolve(req: SyncResolveRequest): Promise<SyncResolveResult> {
    return this.syncBackend().resolve(req);
  }
  async syncSettings(req: SyncSettingsRequest): Promise<SyncJobDto> {
    return this.syncBackend().settings(req);
  }

  // ---- config ----

  configGet(): ConfigDto {
    const r = loadConfig({ configPath: this.o.configPath });
    const entries: ConfigDto['entries'] = [];
    for (const [section, spec] of Object.entries(CONFIG_SCHEMA)) {
      for (const [name, k] of Object.entries(spec.keys)) {
        const e = r.entries[section][name];
        entries.push({
          key: `${section}.${name}`,
          value: e.value,
          default: k.default,
          source: e.source === 'flag' ? 'override' : e.source,
          type: k.type,
          description: k.description,
          ...(k.type === 'enum' ? { allowed: describeAllowed(k) } : {}),
          text: formatValue(k, e.value),
          defaultText: formatValue(k, k.default),
          accepts: describeAllowed(k),
        });
      }
    }
    return { file: r.file.path, entries };
  }

  configSet(req: ConfigSetRequest): ConfigDto {
    const file = writeConfigValues(this.o.configPath ?? path.join(this.home, 'config.toml'), req.values);
    this.config = loadConfig({ configPath: file }).config;
    // Transfer settings apply to the next transfer without a restart (the env object is shared by reference).
    const t = this.config.transfer;
    Object.assign(this.env, {
      chunking: paramsForAverage(t.chunkAvg),
      streams: t.streams,
      window: t.window,
      compress: t.compress !== 'off',
      compressLoopback: t.compress === 'on',
      transport: t.transport,
    });
    this.emit({ type: 'config.changed', keys: Object.keys(req.values) });
    return this.configGet();
  }
}

/** Files a verify found damaged: those that failed their own hash and those holding a bad chunk, each once. */
function damagedFileCount(r: { badFiles: Array<{ path: string }>; badChunks: Array<{ files: string[] }> }): number {
  return new Set([...r.badFiles.map((f) => f.path), ...r.badChunks.flatMap((c) => c.files)]).size;
}
