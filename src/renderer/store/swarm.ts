/**
 * Swarm view state per session: the latest edge snapshots, drift series (expected versus actual throughput,
 * whole transfer and per edge), and a log of failovers, re-optimisations, triggers and pre-positioning.
 */
import { create } from 'zustand';
import type { SwarmEdgeSnapshot, SwarmEvent } from '../../shared/swarm-events.ts';
import type { WarpEvent } from '../../shared/events.ts';
import type { SwarmSessionDto } from '../../shared/bridge.ts';
import { appendCapped } from './ring.ts';

export const DRIFT_POINTS = 600;
export const LOG_ENTRIES = 300;

export interface DriftPoint { t: number; expected: number; actual: number; drifting: boolean }

export interface SwarmLogEntry {
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

function isSwarm(e: WarpEvent): e is SwarmEvent {
  return e.type.startsWith('swarm.');
}

function blank(session: string): SwarmSession {
  return { session, contentId: '', chunks: 0, bytes: 0, startedAt: Date.now(), edges: [], drift: {}, log: [], failovers: 0, reopts: 0, reoptsSkipped: 0, touched: Date.now() };
}

function describe(e: SwarmSessionDto['recent'][number], s: SwarmSession): string {
  switch (e.type) {
    case 'swarm.trigger': return `${e.kind}${e.edge >= 0 ? ` on ${peerName(s, e.edge)}` : ''}: ${e.detail}`;
    case 'swarm.reopt': return e.level === 'none' ? `re-optimisation skipped: ${e.reason}` : `re-optimisation (${e.level}): ${e.reason}; ${e.moved} chunks moved`;
    case 'swarm.failover': return `chunk ${e.chunk}: ${peerName(s, e.fromEdge)} → ${peerName(s, e.toEdge)} (${e.reason})`;
    case 'swarm.preposition': return `pre-positioned ${e.chunks} chunks on ${e.peer.slice(0, 12)} (${e.reason}, confidence ${(e.confidence * 100).toFixed(0)} %)`;
  }
}

function peerName(s: SwarmSession, edge: number): string {
  const e = s.edges.find((x) => x.edge === edge);
  return e ? e.peer.slice(0, 12) : `edge ${edge}`;
}

export const useSwarm = create<SwarmState>((set, get) => ({
  sessions: {},
  selected: undefined,
  select(session) { set({ selected: session }); },
  seed(list) {
    const sessions = { ...get().sessions };
    for (const d of list) {
      if (sessions[d.session]) continue;
      const s = blank(d.session);
      Object.assign(s, { contentId: d.contentId, chunks: d.chunks, bytes: d.bytes, edges: d.edges, startedAt: Date.parse(d.startedAt) || Date.now(), done: d.summary });
      for (const p of d.drift) s.drift[p.edge] = [{ t: p.t, expected: p.expected, actual: p.actual, drifting: p.drifting }];
      s.log = d.recent.map((r) => ({ t: s.startedAt + r.t, kind: r.type.slice(6) as SwarmLogEntry['kind'], text: describe(r, s) }));
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
    const log = (id: string, entry: SwarmLogEntry) => { const l = logs.get(id); if (l) l.push(entry); else logs.set(id, [entry]); };
    for (const e of events) {
      if (!isSwarm(e)) continue;
      const s = touch(e.session);
      switch (e.type) {
        case 'swarm.start':
          Object.assign(s, { contentId: e.contentId, chunks: e.chunks, bytes: e.bytes, edges: e.edges, startedAt: Date.now() });
          log(e.session, { t: Date.now(), kind: 'start', text: `swarm download of ${e.chunks} chunks from ${e.edges.length} peers` });
          break;
        case 'swarm.edges': s.edges = e.edges; break;
        case 'swarm.drift': {
          let m = drifts.get(e.session);
          if (!m) { m = new Map(); drifts.set(e.session, m); }
          const l = m.get(e.edge);
          const p = { t: e.t, expected: e.expected, actual: e.actual, drifting: e.drifting };
          if (l) l.push(p); else m.set(e.edge, [p]);
          break;
        }
        case 'swarm.trigger': log(e.session, { t: s.startedAt + e.t, kind: 'trigger', text: describe(e, s) }); break;
        case 'swarm.reopt':
          // The engine counts a re-optimisation when it starts one; each started one reports once (done or
          // superseded). Evaluations that decided on no change ('none') are not re-optimisations.
          if (e.level === 'none') s.reoptsSkipped++; else s.reopts++;
          log(e.session, { t: s.startedAt + e.t, kind: 'reopt', text: describe(e, s) });
          break;
        case 'swarm.failover':
          s.failovers++;
          log(e.session, { t: s.startedAt + e.t, kind: 'failover', text: describe(e, s) });
          break;
        case 'swarm.preposition':
          log(e.session, { t: s.startedAt + e.t, kind: 'preposition', text: describe(e, s) });
          break;
        case 'swarm.done':
          s.done = e;
          // The final tally is the engine's: the stat and the last log line agree.
          s.failovers = e.failovers;
          s.reopts = e.reopts;
          log(e.session, { t: Date.now(), kind: 'done', text: `done in ${e.seconds.toFixed(1)} s: ${e.failovers} failovers, ${e.reopts} re-optimisations` });
          break;
      }
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
    set({ sessions: all, selected: sel && all[sel] && !all[sel].done ? sel : latest ?? sel });
  },
}));
