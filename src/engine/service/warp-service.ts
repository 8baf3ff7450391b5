/**
 * The server side of the bridge contract (src/shared/bridge.ts) over the real engine, free of any transport:
 * the HTTP daemon (src/engine/http) and the Electron main process (IPC handlers) host this same object. Inputs are
 * assumed validated by the caller (routes.ts does it for HTTP); the engine still checks what it owns.
 * This file wires the parts together and owns the event stream and the config; each group of operations lives in
 * its own module (archive-ops.ts, peer-ops.ts, transfer-manager.ts, config-ops.ts, the SyncBackend of
 * service-types.ts), which dispatch.ts maps the operation table onto.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EventBus } from '../core/event-bus.ts';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { loadConfig, type WarpConfig } from '../config/index.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import type {
  ConfigDto,
  ConfigSetRequest,
  RemoveResult,
  SwarmStatusDto,
  SyncAddRequest,
  SyncConflictDto,
  SyncJobDto,
  SyncResolveRequest,
  SyncResolveResult,
  SyncRestoreRequest,
  SyncRestoreResult,
  SyncSettingsRequest,
  SyncVersionDto,
  TransferDto,
  TransferListRequest,
  TransferRef,
  TransferStartRequest,
} from '../../shared/bridge.ts';
import type { JobDto, TransferEngineEvent, WarpEvent, WarpEventListener } from '../../shared/events.ts';
import type { SwarmEvent } from '../swarm/swarm-events.ts';
import { ArchiveLibrary } from './archive-library.ts';
import { ArchiveOps } from './archive-ops.ts';
import { applyTransferSettings, configDto } from './config-ops.ts';
import { writeConfigValues } from './config-write.ts';
import { DiscoveryHost } from './discovery-host.ts';
import { JobRunner } from './job-runner.ts';
import { Metrics } from './metrics.ts';
import { PairRequests } from './pair-requests.ts';
import { PeerHost } from './peer-host.ts';
import { PeerOps } from './peer-ops.ts';
import { VERSION, type ServiceInfo, type ServiceOptions, type SyncBackend } from './service-types.ts';
import { ShareOps } from './share-ops.ts';
import { swarmFetcher } from './swarm-fetcher.ts';
import { incomingSyncDto } from './sync-host.ts';
import { SwarmTracker } from './swarm-tracker.ts';
import { TransferManager } from './transfer-manager.ts';

export class WarpService {
  readonly events = new EventBus<WarpEvent>();
  readonly metrics = new Metrics();
  readonly jobs: JobRunner;
  readonly transfers: TransferManager;
  readonly swarmTracker = new SwarmTracker();
  /** Every archive created or opened here, kept across restarts. */
  readonly library: ArchiveLibrary;
  /** Archive operations (`archive.*`). */
  readonly archives: ArchiveOps;
  /** This machine as peers see it, the trusted peers, pairing by code (`peers.*`). */
  readonly peers: PeerOps;
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
    this.config = o.config;
    const config = () => this.config;
    const emit = (e: WarpEvent) => this.emit(e);
    this.library = new ArchiveLibrary(o.home);
    this.jobs = new JobRunner(emit);
    this.archives = new ArchiveOps({ jobs: this.jobs, metrics: this.metrics, library: this.library, emit, config });
    this.peers = new PeerOps({
      env: o.env,
      jobs: this.jobs,
      emit,
      config,
      listenHost: o.listen?.host,
      peerHost: () => this.peerHost,
      discovery: () => this.discovery,
    });
    // Every dial of a paired peer tells it where this machine listens now (and learns the same of it).
    o.env.self = () => this.peers.selfInfo();
    this.shares = new ShareOps(o.home, config, o.env.index);
    this.pairRequests = new PairRequests({
      env: o.env,
      jobs: this.jobs,
      emit,
      me: () => this.peers.selfInfo(),
      discovery: () => this.discovery,
      onPaired: (rec) => {
        this.emit({ type: 'peer.paired', peer: rec.id, name: rec.name, address: rec.addresses[0] });
        this.discovery?.announce();
      },
    });
    this.transfers = new TransferManager({
      env: o.env,
      jobs: this.jobs,
      emit,
      resolvePeer: (p) => this.peers.resolve(p),
      onEngineEvent: (e, transfer) => this.engineTransferEvent(e, transfer),
    });
    this.transfers.swarmFetch = swarmFetcher(o.env, config, {
      onSwarm: (e) => this.ingestSwarm(e),
      onTickSeconds: (s) => this.metrics.onTick(s),
    });
  }

  static async start(o: ServiceOptions): Promise<WarpService> {
    const s = new WarpService(o);
    if (o.listen) {
      await s.startPeerHost(o.listen);
      if (o.config.transfer.discovery !== 'off') s.startDiscovery();
    }
    return s;
  }

  private async startPeerHost(listen: NonNullable<ServiceOptions['listen']>): Promise<void> {
    fs.mkdirSync(listen.root, { recursive: true });
    this.peerHost = await PeerHost.start({
      env: this.env,
      host: listen.host,
      port: listen.port,
      root: listen.root,
      allow: new Set(listen.allow ?? []),
      power: listen.power,
      acceptPrepositionBytes: listen.acceptPrepositionBytes,
      onEvent: (e) => {
        this.metrics.onTransfer(e, `incoming:${e.session}`);
        if (e.type !== 'transfer.chunk') this.emit({ ...e, job: `incoming:${e.session}` } as WarpEvent);
      },
      onLog: (m) => this.o.log?.(m),
      onPaired: (peer, info) => this.peers.onPaired(peer, info),
      onPeerInfo: (peer, info) => this.peers.learn(peer, info, 'contact'),
      requests: this.pairRequests.book,
      // A machine synced a folder with this one: its row in the sync list changed.
      onSyncReport: (r) => this.emit({ type: 'sync.state', id: incomingSyncDto(r).id, state: r.state }),
      name: () => this.peers.deviceName(),
      onPairFailed: (message) => this.peers.onPairFailed(message),
    });
  }

  private startDiscovery(): void {
    const host = this.peerHost!;
    this.discovery = new DiscoveryHost({
      env: this.env,
      interfaceAddress: this.config.transfer.discoveryInterface || undefined,
      self: () => ({
        addrs: host.addresses(),
        name: this.peers.deviceName(),
        pairing: host.pairingLookup(),
        requests: true,
      }),
      onPeerMoved: (peer, addrs) => this.peers.learn(peer, { addrs }, 'discovery'),
      onNearby: (devices) => this.emit({ type: 'peer.nearby', devices }),
      onLog: (m) => this.o.log?.(m),
    });
    this.peers.findOnLan = (lookup) => this.discovery!.findPairing(lookup);
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
    if (j.kind === 'peers.pair' && id.startsWith('pair-')) return this.peers.cancelPairJob(id);
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
    return configDto(this.o.configPath);
  }

  configSet(req: ConfigSetRequest): ConfigDto {
    const file = writeConfigValues(this.o.configPath ?? path.join(this.home, 'config.toml'), req.values);
    this.config = loadConfig({ configPath: file }).config;
    // Transfer settings apply to the next transfer without a restart.
    applyTransferSettings(this.env, this.config);
    this.emit({ type: 'config.changed', keys: Object.keys(req.values) });
    return this.configGet();
  }
}
