/**
 * Keeps the latest state of every swarm download from its `swarm.*` events, so `swarm.status()` (and a UI
 * that opens mid-transfer) sees peers, drift and the recent decision log without replaying the stream.
 */
import type { SwarmSessionDto } from '../../shared/bridge.ts';
import type { SwarmEvent } from '../swarm/swarm-events.ts';

const RECENT = 100;
const SESSIONS = 20;

export class SwarmTracker {
  private readonly sessions = new Map<string, SwarmSessionDto>();
  /** session -> transfer id, learned from transfer.start events of daemon-started transfers. */
  private readonly transfers = new Map<string, string>();

  linkTransfer(session: string, transfer: string): void {
    this.transfers.set(session, transfer);
    const s = this.sessions.get(session);
    if (s) s.transfer = transfer;
  }

  ingest(e: SwarmEvent): void {
    const now = new Date().toISOString();
    let s = this.sessions.get(e.session);
    if (e.type === 'swarm.start' || !s) {
      s = {
        session: e.session,
        transfer: this.transfers.get(e.session),
        contentId: '',
        chunks: 0,
        bytes: 0,
        startedAt: now,
        updatedAt: now,
        done: false,
        edges: [],
        drift: [],
        recent: [],
      };
      this.sessions.set(e.session, s);
      this.prune();
    }
    s.updatedAt = now;
    switch (e.type) {
      case 'swarm.start':
        s.contentId = e.contentId;
        s.chunks = e.chunks;
        s.bytes = e.bytes;
        s.edges = e.edges;
        break;
      case 'swarm.edges':
        s.edges = e.edges;
        break;
      case 'swarm.drift':
        s.drift = [...s.drift.filter((d) => d.edge !== e.edge), e];
        break;
      case 'swarm.done':
        s.done = true;
        s.summary = e;
        break;
      default:
        s.recent.push(e);
        if (s.recent.length > RECENT) s.recent.splice(0, s.recent.length - RECENT);
    }
  }

  list(): SwarmSessionDto[] {
    return [...this.sessions.values()].map((s) => structuredClone(s));
  }

  private prune(): void {
    const all = [...this.sessions.values()];
    const finished = all.filter((s) => s.done);
    for (const s of finished.slice(0, Math.max(0, all.length - SESSIONS))) this.sessions.delete(s.session);
  }
}
