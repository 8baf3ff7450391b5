/**
 * The scheduler's model of one swarm download, built once when the pull starts: an edge per source peer (its
 * bandwidth estimate, RTT, in-flight depth, power flags, constraints) and the missing chunks with the edges that
 * hold them (from the `have` answers). A chunk no reachable source holds stops the download before it begins.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { Manifest } from '../model/manifest.ts';
import type { Scheduler } from '../sched/index.ts';
import type { SwarmEdge } from './edge.ts';
import type { EdgeRegistry } from './registry.ts';
import type { SwarmFetchOptions } from './swarm-types.ts';

/** The bandwidth an edge is assumed to have before anything was measured or remembered (B/s). */
export const DEFAULT_SEED_BW = 8e6;
/** In-flight work per edge aims at this many seconds of its bandwidth (bounded by perPeerParallel). */
export const PIPE_SECONDS = 0.3;
/**
 * ...and at least PIPE_FLOOR_SECONDS of it, up to PIPE_MIN_BYTES. A window caps the rate an edge can be measured at
 * (window / RTT), so a depth taken from a low estimate can keep an edge starved: Linux tree, 12 KB chunks, 4 peers
 * at 25 MB/s on a loaded machine (RTTs read 40-100 ms), edges measured at 0.3 MB/s got 4 slots and stayed there
 * while one edge carried 93 % of the tree (2026-12-07). With 2 s of the estimate in flight the window limits the
 * rate only past a 2 s RTT, so what is measured is the peer; a peer that is really slow (60 KB/s) still holds only
 * its few chunks, not 1 MiB.
 */
export const PIPE_FLOOR_SECONDS = 2;
export const PIPE_MIN_BYTES = 1024 * 1024;

/** The in-flight depth for an edge of `bw` B/s with chunks of `mean` bytes (at least 4, at most perPeerParallel). */
export function pipeDepth(bw: number, mean: number, perPeerParallel: number): number {
  const bytes = Math.max(bw * PIPE_SECONDS, Math.min(PIPE_MIN_BYTES, bw * PIPE_FLOOR_SECONDS));
  return Math.max(4, Math.min(perPeerParallel, Math.round(bytes / Math.max(1, mean))));
}

/** Adds every edge and the needed chunks; returns the chunks' total and mean size. */
export function buildModel(
  sched: Scheduler,
  edges: readonly SwarmEdge[],
  m: Manifest,
  need: readonly number[],
  o: SwarmFetchOptions,
  registry: EdgeRegistry,
): { bytes: number; meanSize: number } {
  let bytes = 0;
  for (const c of need) bytes += m.chunkRawSize(c);
  const meanSize = bytes / Math.max(1, need.length);
  addEdges(sched, edges, meanSize, o, registry);
  addChunks(sched, edges, m, need);
  return { bytes, meanSize };
}

function addEdges(
  sched: Scheduler,
  edges: readonly SwarmEdge[],
  mean: number,
  o: SwarmFetchOptions,
  registry: EdgeRegistry,
): void {
  const par = o.perPeerParallel ?? 256;
  for (const edge of edges) {
    const rec = registry.get(edge.peer);
    const bw = edge.bw.value ?? DEFAULT_SEED_BW;
    sched.model.addEdge({
      bandwidth: bw,
      rtt: edge.schedRttS(rec?.srttMs),
      health: 1,
      maxParallel: pipeDepth(bw, mean, par),
      metered: edge.power.metered,
      batteryLow: edge.power.batteryLow,
      unavailable: edge.state === 'offline' || !edge.source,
    });
    const rules = o.constraints?.[edge.peer] ?? o.constraints?.[edge.address];
    if (rules) {
      sched.setEdgeConstraints(edge.e, rules);
      sched.setEdgeEnvironment(edge.e, {
        batteryPercent: edge.power.batteryPercent,
        pluggedIn: edge.power.pluggedIn,
        bytesThisMonth: o.bytesThisMonth?.[edge.peer] ?? o.bytesThisMonth?.[edge.address] ?? 0,
      });
    }
  }
}

/** Availability from the `have` answers: per needed chunk, the edges whose bitmap has it. */
function addChunks(sched: Scheduler, edges: readonly SwarmEdge[], m: Manifest, need: readonly number[]): void {
  const sizes = new Uint32Array(need.length);
  const start = new Uint32Array(need.length + 1);
  const reps: number[] = [];
  let orphaned = 0;
  need.forEach((c, i) => {
    sizes[i] = m.chunkRawSize(c);
    start[i] = reps.length;
    for (const edge of edges) if (edge.holds && edge.holds[c >> 3] & (1 << (c & 7))) reps.push(edge.e);
    if (reps.length === start[i]) orphaned++;
  });
  start[need.length] = reps.length;
  if (orphaned > 0) throw orphanError(orphaned, need.length, edges);
  sched.model.addChunks({ sizes, replicaStart: start, replicaEdges: reps });
}

/** Says which sources could not be asked and why: "held by no reachable source" alone hides the cause. */
function orphanError(orphaned: number, needed: number, edges: readonly SwarmEdge[]): WarpError {
  const silent = edges.filter((e) => !e.holds).map((e) => `${e.address}: ${e.lastError ?? 'not reached'}`);
  const why = silent.length > 0 ? ` (no answer about its chunks from ${silent.join('; ')})` : '';
  return new WarpError(
    ErrorCodes.CHUNK_UNAVAILABLE,
    `${orphaned} of the ${needed} missing chunks are held by no reachable source; the download cannot complete${why}`,
  );
}
