/**
 * The edge registry: every peer a swarm download has used, persisted in WARP_HOME/swarm/edges.json with its
 * last known state (online, degraded, offline), when it was last seen, and its estimates (bandwidth EMA,
 * smoothed RTT and variance, health). A later download seeds its estimates from here instead of guessing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EdgeState } from './swarm-events.ts';

export interface EdgeRecord {
  peer: string;
  address: string;
  state: EdgeState;
  /** ISO time the peer last answered. */
  lastSeen?: string;
  bandwidth?: number;
  srttMs?: number;
  rttVarMs?: number;
  health?: number;
  metered?: boolean;
  batteryLow?: boolean;
  /** Downloads that used this peer. */
  sessions: number;
}

export class EdgeRegistry {
  readonly file: string;
  private readonly peers = new Map<string, EdgeRecord>();

  constructor(home: string) {
    this.file = path.join(home, 'swarm', 'edges.json');
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as { peers?: EdgeRecord[] };
      for (const r of data.peers ?? []) if (r && typeof r.peer === 'string') this.peers.set(r.peer, r);
    } catch {
      /* none yet, or torn: start empty */
    }
  }

  get(peer: string): EdgeRecord | undefined {
    return this.peers.get(peer);
  }

  list(): EdgeRecord[] {
    return [...this.peers.values()].sort((a, b) => a.peer.localeCompare(b.peer));
  }

  update(peer: string, patch: Partial<EdgeRecord> & { address: string }): EdgeRecord {
    const old = this.peers.get(peer) ?? { peer, address: patch.address, state: 'offline' as EdgeState, sessions: 0 };
    const next = { ...old, ...patch, peer };
    this.peers.set(peer, next);
    return next;
  }

  save(): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, JSON.stringify({ version: 1, peers: this.list() }, null, 2));
      fs.renameSync(tmp, this.file);
    } catch {
      /* bookkeeping only: a download never fails because the registry could not be written */
    }
  }
}
