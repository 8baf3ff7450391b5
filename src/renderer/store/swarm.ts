/**
 * Swarm view state per session: the latest edge snapshots, drift series (expected versus actual throughput,
 * whole transfer and per edge), and a log of failovers, re-optimisations, triggers and pre-positioning.
 */
import { create } from 'zustand';
import type { SwarmEdgeSnapshot, SwarmEvent, SwarmTriggerKind } from '../../shared/events.ts';
import type { WarpEvent } from '../../shared/events.ts';
import type { SwarmSessionDto } from '../../shared/bridge.ts';
import { appendCapped } from './ring.ts';
import { formatNumber, formatSeconds } from '../format.ts';
import { t as tr } from '../i18n/index.ts';
import { peerName } from '../peer-names.ts';
import { failoverText, movedText, reoptText, triggerText, type EdgeIncident } from '../routing-words.ts';

export const DRIFT_POINTS = 600;
export const LOG_ENTRIES = 300;

export interface DriftPoint {
  t: number;
  expected: number;
  actual: number;
  drifting: boolean;
}

export interface SwarmLogEntry {
  /** Unique in the session: a collapsed incident's line is updated in place. */
  id: number;
  /** Wall-clock ms (engine events carry ms since the session started; the store adds the start time). */
  t: number;
  kind: 'failover' | 'reopt' | 'trigger' | 'preposition' | 'start' | 'done';
  text: string;
}

export interface SwarmSession {
  session: string;
  contentId: string;
  chunks: number;
  bytes: number;
  startedAt: number;
  edges: SwarmEdgeSnapshot[];
  /** Edge -1 is the whole transfer. */
  drift: Record<number, DriftPoint[]>;
  log: SwarmLogEntry[];
  failovers: number;
  /** Re-optimisations made (the engine's count once done); evaluations that chose to change nothing are `reoptsSkipped`. */
  reopts: number;
  reoptsSkipped: number;
  /** The last incident of each edge (the Routing "why" column). */
  incidents: Record<number, EdgeIncident>;
  /** Failovers away from an edge within FAILOVER_BURST_MS of each other become one log line. */
  bursts: Record<number, FailoverBurst>;
  done?: Extract<SwarmEvent, { type: 'swarm.done' }>;
  touched: number;
}

interface SwarmState {
  sessions: Record<string, SwarmSession>;
  /** The session the Routing page shows (the most recently active unless the user picked one). */
  selected?: string;
  select(session: string | undefined): void;
  /** Seeds sessions from `swarm.status()` (a page opened mid-transfer). Live events then take over. */
  seed(list: readonly SwarmSessionDto[]): void;
  apply(events: readonly WarpEvent[]): void;
}

/** Failovers away from one peer closer together than this are one incident. */
const FAILOVER_BURST_MS = 2000;

interface FailoverBurst {
  entry: number;
  first: number;
  last: number;
  count: number;
  to: string[];
}

let entryIds = 0;

function isSwarm(e: WarpEvent): e is SwarmEvent {
  return e.type.startsWith('swarm.');
}

function blank(session: string): SwarmSession {
  return {
    session,
    contentId: '',
    chunks: 0,
    bytes: 0,
    startedAt: Date.now(),
    edges: [],
    drift: {},
    log: [],
    failovers: 0,
    reopts: 0,
    reoptsSkipped: 0,
    incidents: {},
    bursts: {},
    touched: Date.now(),
  };
}

function describe(e: SwarmSessionDto['recent'][number], s: SwarmSession): string {
  switch (e.type) {
    case 'swarm.trigger':
      return triggerText(e.kind, e.edge >= 0 ? edgePeer(s, e.edge) : undefined);
    case 'swarm.reopt':
      return e.level === 'none' ? tr('routingWords.noChange') : reoptText(e.level, e.moved);
    case 'swarm.failover':
      return failoverText(edgePeer(s, e.fromEdge), [edgePeer(s, e.toEdge)], 1, 0);
    case 'swarm.preposition':
      return tr('routingWords.preposition', {
        count: e.chunks,
        peer: peerName(e.peer),
        sure: formatNumber(e.confidence * 100, 0),
      });
  }
}

function edgePeer(s: SwarmSession, edge: number): string {
  const e = s.edges.find((x) => x.edge === edge);
  return e ? peerName(e.peer) : tr('routingWords.aPeer');
}

const INCIDENT: Partial<Record<SwarmTriggerKind, EdgeIncident['kind']>> = {
  'edge-degraded': 'slow',
  drift: 'slow',
  'edge-recovered': 'recovered',
  'edge-left': 'left',
};

/** What applying one event may do besides changing its session: add log lines, rewrite one, add drift points. */
interface BatchOps {
  log(id: string, entry: Omit<SwarmLogEntry, 'id'>): number;
  update(s: SwarmSession, entryId: number, text: string): void;
  drifts: Map<string, Map<number, DriftPoint[]>>;
}

/** One swarm event applied to its session (a copy made for this batch). */
function applyEvent(s: SwarmSession, e: SwarmEvent, ops: BatchOps): void {
  switch (e.type) {
    case 'swarm.start':
      Object.assign(s, {
        contentId: e.contentId,
        chunks: e.chunks,
        bytes: e.bytes,
        edges: e.edges,
        startedAt: Date.now(),
      });
      ops.log(e.session, {
        t: Date.now(),
        kind: 'start',
        text: tr('routingWords.start', {
          chunks: tr('routingWords.chunks', { count: e.chunks }),
          peers: tr('routingWords.peers', { count: e.edges.length }),
        }),
      });
      break;
    case 'swarm.edges':
      s.edges = e.edges;
      break;
    case 'swarm.drift': {
      let m = ops.drifts.get(e.session);
      if (!m) {
        m = new Map();
        ops.drifts.set(e.session, m);
      }
      const l = m.get(e.edge);
      const p = { t: e.t, expected: e.expected, actual: e.actual, drifting: e.drifting };
      if (l) l.push(p);
      else m.set(e.edge, [p]);
      break;
    }
    case 'swarm.trigger': {
      const t = s.startedAt + e.t;
      const text = describe(e, s);
      const kind = INCIDENT[e.kind];
      if (kind && e.edge >= 0) s.incidents = { ...s.incidents, [e.edge]: { t, kind, text } };
      ops.log(e.session, { t, kind: 'trigger', text });
      break;
    }
    case 'swarm.reopt':
      // The engine counts a re-optimisation when it starts one; each started one reports once (done or
      // superseded). Evaluations that decided on no change ('none') are not re-optimisations.
      // Those are counted, not logged: a line per "no change" buried the real events.
      if (e.level === 'none') {
        s.reoptsSkipped++;
        break;
      }
      s.reopts++;
      ops.log(e.session, { t: s.startedAt + e.t, kind: 'reopt', text: describe(e, s) });
      break;
    case 'swarm.failover': {
      s.failovers++;
      const t = s.startedAt + e.t;
      const to = edgePeer(s, e.toEdge);
      const b = s.bursts[e.fromEdge];
      if (b && t - b.last <= FAILOVER_BURST_MS) {
        const next = { ...b, last: t, count: b.count + 1, to: b.to.includes(to) ? b.to : [...b.to, to] };
        s.bursts = { ...s.bursts, [e.fromEdge]: next };
        ops.update(s, b.entry, failoverText(edgePeer(s, e.fromEdge), next.to, next.count, next.last - next.first));
      } else {
        const entry = ops.log(e.session, { t, kind: 'failover', text: describe(e, s) });
        s.bursts = { ...s.bursts, [e.fromEdge]: { entry, first: t, last: t, count: 1, to: [to] } };
      }
      const burst = s.bursts[e.fromEdge];
      s.incidents = {
        ...s.incidents,
        [e.fromEdge]: {
          t: burst.first,
          kind: 'offline',
          text: movedText(burst.to, burst.count, burst.last - burst.first),
        },
      };
      break;
    }
    case 'swarm.preposition':
      ops.log(e.session, { t: s.startedAt + e.t, kind: 'preposition', text: describe(e, s) });
      break;
    case 'swarm.done':
      s.done = e;
      // The final tally is the engine's: the stat and the last log line agree.
      s.failovers = e.failovers;
      s.reopts = e.reopts;
      ops.log(e.session, {
        t: Date.now(),
        kind: 'done',
        text: tr('routingWords.done', {
          seconds: formatSeconds(e.seconds),
          failovers: tr('routingWords.failovers', { count: e.failovers }),
          reopts: tr('routingWords.reopts', { count: e.reopts }),
        }),
      });
      break;
  }
}

export const useSwarm = create<SwarmState>((set, get) => ({
  sessions: {},
  selected: undefined,
  select(session) {
    set({ selected: session });
  },
  seed(list) {
    const sessions = { ...get().sessions };
    for (const d of list) {
      if (sessions[d.session]) continue;
      const s = blank(d.session);
      Object.assign(s, {
        contentId: d.contentId,
        chunks: d.chunks,
        bytes: d.bytes,
        edges: d.edges,
        startedAt: Date.parse(d.startedAt) || Date.now(),
        done: d.summary,
      });
      for (const p of d.drift)
        s.drift[p.edge] = [{ t: p.t, expected: p.expected, actual: p.actual, drifting: p.drifting }];
      s.log = d.recent
        .filter((r) => r.type !== 'swarm.reopt' || r.level !== 'none')
        .map((r) => ({
          id: ++entryIds,
          t: s.startedAt + r.t,
          kind: r.type.slice(6) as SwarmLogEntry['kind'],
          text: describe(r, s),
        }));
      if (d.summary) Object.assign(s, { failovers: d.summary.failovers, reopts: d.summary.reopts });
      sessions[d.session] = s;
    }
    const latest = list.filter((d) => !d.done).at(-1)?.session ?? list.at(-1)?.session;
    set({ sessions, selected: get().selected ?? latest });
  },
  apply(events) {
    let sessions: Record<string, SwarmSession> | undefined;
    const logs = new Map<string, SwarmLogEntry[]>();
    const drifts = new Map<string, Map<number, DriftPoint[]>>();
    let latest: string | undefined;
    const touch = (id: string): SwarmSession => {
      sessions ??= { ...get().sessions };
      const s = { ...(sessions[id] ?? blank(id)), touched: Date.now() };
      sessions[id] = s;
      latest = id;
      return s;
    };
    const log = (id: string, entry: Omit<SwarmLogEntry, 'id'>): number => {
      const full = { ...entry, id: ++entryIds };
      const l = logs.get(id);
      if (l) l.push(full);
      else logs.set(id, [full]);
      return full.id;
    };
    // A collapsed incident's line changes in place, wherever it is (this batch's lines or the stored log).
    const update = (s: SwarmSession, entryId: number, text: string): void => {
      const pending = logs.get(s.session);
      const i = pending?.findIndex((x) => x.id === entryId) ?? -1;
      if (pending && i >= 0) {
        pending[i] = { ...pending[i], text };
        return;
      }
      const j = s.log.findIndex((x) => x.id === entryId);
      if (j >= 0) s.log = s.log.map((x, k) => (k === j ? { ...x, text } : x));
    };
    const ops: BatchOps = { log, update, drifts };
    for (const e of events) {
      if (!isSwarm(e)) continue;
      const s = touch(e.session);
      applyEvent(s, e, ops);
    }
    if (!sessions) return;
    const all = sessions as Record<string, SwarmSession>;
    for (const [id, l] of logs) all[id].log = appendCapped(all[id].log, l, LOG_ENTRIES);
    for (const [id, m] of drifts) {
      const drift = { ...all[id].drift };
      for (const [edge, pts] of m) drift[edge] = appendCapped(drift[edge] ?? [], pts, DRIFT_POINTS);
      all[id].drift = drift;
    }
    const sel = get().selected;
    set({ sessions: all, selected: sel && all[sel] && !all[sel].done ? sel : (latest ?? sel) });
  },
}));
