/**
 * One source peer during a swarm download: its link and chunk session, what it holds, its estimators
 * (bandwidth EMA, RTT, health, drift), the work the executor has queued for it, and its counters.
 */
import type { EdgeState, SwarmEdgeSnapshot } from './swarm-events.ts';
import type { ChunkIdSet } from '../model/chunk-id.ts';
import type { PeerLink } from '../transfer/client.ts';
import type { RemoteSource } from '../transfer/source.ts';
import { DriftDetector, type DriftConfig } from './drift.ts';
import { BandwidthEma, HealthScore, RttEstimator } from './estimators.ts';
import { Notifier } from './notifier.ts';
import type { PeerPower } from './peer-power.ts';

export class SwarmEdge {
  readonly e: number;
  readonly address: string;
  peer: string;
  link?: PeerLink;
  source?: RemoteSource;
  /** The chunk session of the peer's `open` when it answered with the same tree (it holds every chunk). */
  openedSid: string | undefined;
  /** Bit c set: the peer holds manifest chunk c. */
  holds?: Uint8Array;
  state: EdgeState = 'offline';
  power: PeerPower = { metered: false, pluggedIn: true, batteryLow: false };
  /** Kept out of the schedule while other edges can serve (metered, low battery). */
  standby = false;
  eligible = true;
  /** Chunks in flight the schedule allows this edge (max parallel when not in standby). */
  parallel = 16;
  readonly bw = new BandwidthEma();
  readonly rtt = new RttEstimator();
  readonly health = new HealthScore();
  readonly drift: DriftDetector;
  /** The bandwidth the current schedule was made with (undefined until the first measured re-plan). */
  planned: number | undefined;
  /** Scheduler chunk ids dispatched to this edge and not yet requested on a lane. */
  readonly queue: number[] = [];
  readonly wake = new Notifier();
  /** Requests outstanding on the lanes. */
  outstanding = 0;
  completed = 0;
  bytes = 0;
  failures = 0;
  lanesOpen = 0;
  /** Incremented when the lanes are abandoned (edge offline): late replies of an old generation are ignored. */
  generation = 0;
  /** A status probe in flight since (ms), for liveness. */
  probeSince: number | undefined;
  lastSeen: number | undefined;
  /** Why the edge last failed (dial, `have`, going offline): named when the download cannot complete. */
  lastError: string | undefined;
  private rateBytes = 0;
  private rateAt = performance.now();
  rate = 0;
  lastCost = 0;
  /** Bytes the peer still accepts as pre-positioned chunks (0: refuses). */
  prepositionBudget = 0;
  /** Chunk ids (hex) an earlier download pre-positioned on this peer. */
  prepositioned?: ChunkIdSet;

  constructor(e: number, address: string, driftCfg?: Partial<DriftConfig>) {
    this.e = e;
    this.address = address;
    this.peer = address;
    this.drift = new DriftDetector(driftCfg);
  }

  received(bytes: number): void {
    this.bytes += bytes;
    this.rateBytes += bytes;
    this.completed++;
    this.bw.add(bytes);
    this.health.success();
  }

  resetRate(now: number): void {
    this.rateBytes = 0;
    this.rateAt = now;
  }

  /** Display rate over the last window (≥ 250 ms). */
  updateRate(now: number): void {
    const dt = now - this.rateAt;
    if (dt < 250) return;
    this.rate = (this.rateBytes * 1000) / dt;
    this.rateBytes = 0;
    this.rateAt = now;
  }

  /**
   * The RTT the scheduler's cost model sees, in seconds. A relayed edge is charged RELAYED_EXTRA_MS more per
   * chunk: its bytes cross a third machine (the relay's bandwidth and caps are shared, and it may cut the
   * circuit), so a chunk that a direct peer also holds goes there first; a chunk only it holds still comes.
   */
  schedRttS(srttMs: number | undefined): number {
    return ((srttMs ?? 1) + (this.link?.path.kind === 'relayed' ? RELAYED_EXTRA_MS : 0)) / 1000;
  }

  snapshot(assigned: number, inFlight: number): SwarmEdgeSnapshot {
    const now = performance.now();
    return {
      edge: this.e,
      peer: this.peer,
      address: this.address,
      state: this.state,
      bandwidth: Math.round(this.bw.value ?? 0),
      srttMs: round2(this.rtt.srttMs ?? 0),
      rttVarMs: round2(this.rtt.rttVarMs),
      health: round2(this.health.score(now, this.rtt.srttMs)),
      assigned,
      inFlight,
      completed: this.completed,
      bytes: this.bytes,
      rate: Math.round(this.rate),
      metered: this.power.metered,
      batteryLow: this.power.batteryLow,
      eligible: this.eligible && !this.standby,
      cost: this.lastCost,
      ...(this.link ? { path: this.link.path.kind, relay: this.link.path.relay } : {}),
    };
  }
}

/** What a relayed edge costs beyond its measured RTT, per chunk (see schedRttS). */
export const RELAYED_EXTRA_MS = 50;

const round2 = (x: number): number => Math.round(x * 100) / 100;
