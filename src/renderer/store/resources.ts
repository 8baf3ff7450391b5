/**
 * Lists the pages fetch through the bridge (peers, sync jobs, config, swarm status): loaded on demand,
 * refreshed when an event says they changed.
 */
import { create } from 'zustand';
import type {
  ConfigDto,
  NearbyDto,
  PairRequestDto,
  PeerDto,
  SelfDto,
  SwarmStatusDto,
  SyncJobDto,
  TransferDto,
} from '../../shared/bridge.ts';
import type { SyncEvent, WarpEvent } from '../../shared/events.ts';
import { bridge } from '../bridge/index.ts';
import { errorLine } from '../error-words.ts';
import { appendCapped } from './ring.ts';

/** One line of the Sync page's log: the event itself, worded when shown (so it follows a language change). */
export interface SyncActivity {
  t: number;
  id: string;
  kind: SyncEvent['type'];
  event: SyncEvent;
}

interface ResourceState {
  peers?: PeerDto[];
  self?: SelfDto;
  /** Warp devices on the local network (discovery), kept current by `peer.nearby` events. */
  nearby?: NearbyDto[];
  /** Pairing requests waiting for a decision (asked of this machine or by it), kept by `peer.pair-request` events. */
  pairRequests?: PairRequestDto[];
  syncJobs?: SyncJobDto[];
  syncLog: SyncActivity[];
  config?: ConfigDto;
  swarm?: SwarmStatusDto;
  transfers: Record<string, TransferDto>;
  errors: Partial<Record<'peers' | 'sync' | 'config' | 'swarm' | 'transfers', string>>;
  loadPeers(): Promise<void>;
  loadSync(): Promise<void>;
  loadConfig(): Promise<void>;
  loadSwarm(): Promise<void>;
  loadTransfers(): Promise<void>;
  apply(events: readonly WarpEvent[]): void;
}

export const useResources = create<ResourceState>((set, get) => ({
  syncLog: [],
  transfers: {},
  errors: {},
  async loadPeers() {
    try {
      const [peers, self, nearby, pairRequests] = await Promise.all([
        bridge().peers.list(),
        bridge().peers.self(),
        bridge().peers.nearby(),
        bridge().peers.pairRequests(),
      ]);
      set({ peers, self, nearby, pairRequests, errors: { ...get().errors, peers: undefined } });
    } catch (err) {
      set({ errors: { ...get().errors, peers: errorLine(err) } });
    }
  },
  async loadSync() {
    try {
      set({ syncJobs: await bridge().sync.list(), errors: { ...get().errors, sync: undefined } });
    } catch (err) {
      set({ errors: { ...get().errors, sync: errorLine(err) } });
    }
  },
  async loadConfig() {
    try {
      set({ config: await bridge().config.get(), errors: { ...get().errors, config: undefined } });
    } catch (err) {
      set({ errors: { ...get().errors, config: errorLine(err) } });
    }
  },
  async loadSwarm() {
    try {
      set({ swarm: await bridge().swarm.status(), errors: { ...get().errors, swarm: undefined } });
    } catch (err) {
      set({ errors: { ...get().errors, swarm: errorLine(err) } });
    }
  },
  async loadTransfers() {
    try {
      const list = await bridge().transfers.list({ all: true });
      const transfers: Record<string, TransferDto> = {};
      for (const t of list) transfers[t.id] = t;
      set({ transfers, errors: { ...get().errors, transfers: undefined } });
    } catch (err) {
      set({ errors: { ...get().errors, transfers: errorLine(err) } });
    }
  },
  apply(events) {
    let reloadPeers = false;
    let reloadSync = false;
    let reloadConfig = false;
    const transfersToFetch = new Set<string>();
    const log: SyncActivity[] = [];
    let syncJobs = get().syncJobs;
    for (const e of events) {
      if (e.type === 'peer.paired' || e.type === 'peer.removed') reloadPeers = true;
      else if (e.type === 'peer.updated' && get().peers)
        set({ peers: get().peers!.map((p) => (p.id === e.peer.id ? e.peer : p)) });
      else if (e.type === 'peer.nearby') set({ nearby: e.devices });
      else if (e.type === 'peer.pair-request') set({ pairRequests: upsertRequest(get().pairRequests, e.request) });
      else if (e.type === 'config.changed') reloadConfig = true;
      else if (e.type === 'job.update' && e.job.kind.startsWith('transfer.')) transfersToFetch.add(e.job.id);
      else if (e.type.startsWith('sync.')) {
        const s = e as SyncEvent;
        log.push({ t: Date.now(), id: s.id, kind: s.type, event: s });
        if (s.type === 'sync.state' && syncJobs) {
          syncJobs = syncJobs.map((j) => (j.id === s.id ? { ...j, state: s.state, reason: s.reason } : j));
        }
        if (s.type === 'sync.push' || s.type === 'sync.error' || s.type === 'sync.guard') reloadSync = true;
      }
    }
    if (log.length) set({ syncLog: appendCapped(get().syncLog, log, 200), syncJobs });
    if (reloadPeers && get().peers) void get().loadPeers();
    if (reloadSync) void get().loadSync();
    if (reloadConfig && get().config) void get().loadConfig();
    for (const id of transfersToFetch) {
      void bridge()
        .transfers.get(id)
        .then(
          (t) => set({ transfers: { ...get().transfers, [t.id]: t } }),
          () => undefined,
        );
    }
  },
}));

/** A request appears or changes; one no longer pending leaves the list. */
function upsertRequest(list: PairRequestDto[] | undefined, r: PairRequestDto): PairRequestDto[] {
  const rest = (list ?? []).filter((x) => x.id !== r.id);
  return r.state === 'pending' ? [...rest, r] : rest;
}
