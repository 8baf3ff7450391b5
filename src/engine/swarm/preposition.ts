/**
 * Predictive pre-positioning: after a swarm download, while its links are otherwise idle, copy the tree's
 * chunks to peers that accept them (`warp listen --accept-preposition`) and lack them — but only when the
 * tree is predicted to be fetched again (predict.ts) with enough confidence and the move makes that next
 * download clearly faster (estimated time with the peer as an extra holder at least `minGain` shorter).
 * Limits: a byte budget (ours and the peer's), a rate (token bucket) and one request in flight per peer.
 * Every chunk is read back from the verified destination files and checked by BLAKE3 before it goes out.
 * The chunk ids moved are remembered per peer (prepositioned.json), so later downloads report a hit rate.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EntryType, type Manifest } from '../model/manifest.ts';
import { HASH_BYTES, blake3 } from '../codec/blake3.ts';
import { ChunkIdSet } from '../model/chunk-id.ts';
import type { SwarmEdge } from './edge.ts';
import type { TokenBucket } from './token-bucket.ts';
import type { Prediction } from './predict.ts';

export interface PrepositionOptions {
  /** Act above this confidence (0..1). */
  minConfidence?: number;
  /** The next download must be at least this much faster (0.2 = 20 %). */
  minGain?: number;
  /** Bytes per download at most, over all peers. */
  maxBytes?: number;
  /** Bytes per second at most. */
  rate?: number;
}

export const DEFAULT_PREPOSITION = { minConfidence: 0.5, minGain: 0.2, maxBytes: 256e6, rate: 20e6 };

export interface PrepositionPlan {
  edge: SwarmEdge;
  chunks: number[];
  bytes: number;
  gain: number;
}

/** Which accepting peers should get which chunks, and the estimated gain for each. */
export function planPreposition(
  m: Manifest,
  edges: SwarmEdge[],
  budgets: Map<number, number>,
  seedBandwidth: number,
  o: PrepositionOptions,
  heat?: (c: number) => number,
): PrepositionPlan[] {
  const minGain = o.minGain ?? DEFAULT_PREPOSITION.minGain;
  let left = o.maxBytes ?? DEFAULT_PREPOSITION.maxBytes;
  const bw = (e: SwarmEdge): number => e.bw.value ?? seedBandwidth;
  const holders = edges.filter((e) => e.state !== 'offline' && e.holds);
  const plans: PrepositionPlan[] = [];
  for (const e of edges) {
    const budget = budgets.get(e.e) ?? 0;
    if (e.state === 'offline' || !e.holds || budget <= 0 || left <= 0) continue;
    const missing: number[] = [];
    let bytes = 0;
    const order: number[] = [];
    for (let c = 0; c < m.chunkCount; c++) if (!(e.holds[c >> 3] & (1 << (c & 7)))) order.push(c);
    // The hottest chunks first (fetched by the most downloads), so a small budget goes where it pays most.
    if (heat) order.sort((x, y) => heat(y) - heat(x) || x - y);
    for (const c of order) {
      const len = m.chunkRawSize(c);
      if (bytes + len > Math.min(budget, left)) break;
      missing.push(c);
      bytes += len;
    }
    if (missing.length === 0) continue;
    // Next download, simplified: these bytes come at the sum of their holders' bandwidths; with this peer
    // as one more holder, at that plus its bandwidth.
    const before = holders.filter((h) => h !== e).reduce((a, h) => a + bw(h), 0);
    const gain = before > 0 ? 1 - before / (before + bw(e)) : 1;
    if (gain < minGain) continue;
    plans.push({ edge: e, chunks: missing, bytes, gain });
    left -= bytes;
  }
  return plans;
}

/** Where each chunk lies in the downloaded tree (first occurrence). */
export function chunkPlaces(m: Manifest, target: string): Map<number, { file: string; offset: number }> {
  const out = new Map<number, { file: string; offset: number }>();
  for (let i = 0; i < m.entryCount; i++) {
    const e = m.entry(i);
    if (e.type !== EntryType.FILE) continue;
    let off = 0;
    for (const c of m.refsOf(i)) {
      if (!out.has(c)) out.set(c, { file: path.join(target, e.path), offset: off });
      off += m.chunkRawSize(c);
    }
  }
  return out;
}

export interface PrepositionResult {
  peer: string;
  edge: number;
  chunks: number;
  bytes: number;
  refused: boolean;
}

/** Sends the plan's chunks to one peer in frames of up to 4 MiB, paced by the shared bucket. */
export async function executePreposition(
  plan: PrepositionPlan,
  m: Manifest,
  places: Map<number, { file: string; offset: number }>,
  bucket: TokenBucket,
): Promise<PrepositionResult> {
  const ctl = plan.edge.link!.ctl;
  let chunks = 0;
  let bytes = 0;
  let refused = false;
  const sent: number[] = [];
  let batch: Buffer[] = [];
  let lens: number[] = [];
  let batchBytes = 0;
  let batchIds: number[] = [];
  const fds = new Map<string, number>();
  const flush = async (): Promise<void> => {
    if (lens.length === 0) return;
    await bucket.take(batchBytes);
    await ctl.write({ t: 'preposition', lens }, Buffer.concat(batch));
    const f = await ctl.expect('the pre-position answer', 'prepositioned');
    chunks += f.h.accepted;
    bytes += f.h.bytes;
    refused ||= f.h.refused;
    if (f.h.accepted > 0) sent.push(...batchIds);
    batch = [];
    lens = [];
    batchBytes = 0;
    batchIds = [];
  };
  try {
    for (const c of plan.chunks) {
      if (refused) break;
      const place = places.get(c);
      if (!place) continue;
      const len = m.chunkRawSize(c);
      let fd = fds.get(place.file);
      if (fd === undefined) {
        fd = fs.openSync(place.file, 'r');
        fds.set(place.file, fd);
      }
      const data = Buffer.allocUnsafe(len);
      if (fs.readSync(fd, data, 0, len, place.offset) !== len || !blake3(data).equals(Buffer.from(m.chunkId(c))))
        continue; // changed since: skip
      batch.push(Buffer.from(m.chunkId(c)), data);
      lens.push(HASH_BYTES + len);
      batchIds.push(c);
      batchBytes += len;
      if (batchBytes >= 4 * 1024 * 1024) await flush();
    }
    if (!refused) await flush();
  } finally {
    for (const fd of fds.values()) fs.closeSync(fd);
  }
  plan.chunks = sent;
  return { peer: plan.edge.peer, edge: plan.edge.e, chunks, bytes, refused };
}

/** Chunk ids pre-positioned per peer (hex in the file), persisted so later downloads can count hits. */
export class PrepositionLedger {
  readonly file: string;
  peers: Record<string, string[]> = {};

  constructor(home: string) {
    this.file = path.join(home, 'swarm', 'prepositioned.json');
    try {
      this.peers = (JSON.parse(fs.readFileSync(this.file, 'utf8')) as { peers?: Record<string, string[]> }).peers ?? {};
    } catch {
      /* none yet */
    }
  }

  add(peer: string, ids: Uint8Array[]): void {
    const set = new Set(this.peers[peer] ?? []);
    for (const id of ids) set.add(Buffer.from(id).toString('hex'));
    this.peers[peer] = [...set].slice(-100_000);
  }

  idsOf(peer: string): ChunkIdSet {
    return new ChunkIdSet((this.peers[peer] ?? []).map((hex) => Buffer.from(hex, 'hex')));
  }

  save(): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, JSON.stringify({ version: 1, peers: this.peers }));
      fs.renameSync(tmp, this.file);
    } catch {
      /* bookkeeping only */
    }
  }
}

export type { Prediction };
