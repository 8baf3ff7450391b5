/**
 * A narrow, CPU-only mirror of the per-chunk data the ranked kernel reads, so a full run streams fewer bytes.
 *
 * The model's layout (u32 pairs = edge | failures << 16, f32 costSize) is the one both backends share and the
 * WGSL kernel reads; the ranked kernel needs less: with ≤ 255 edges an edge id fits a byte, and a chunk's size
 * matters only through its size class (rank-table.ts), which fits a u16. Per chunk at 5 replicas that is
 * 5 + 2 bytes instead of 20 + 4 (plus a lookup in the 2 MiB class map). Failure counts are not mirrored: a
 * chunk whose pairs ever failed is marked SLOW and scored from the model's pairs (the model logs such chunks,
 * `failureLog`; they are few, since failures are rare and retries bounded).
 *
 * Built once, then extended as chunks are appended (pairs of existing chunks never change except for failure
 * counts). Costs 7 bytes per chunk of memory at 5 replicas, allocated like the model (shared with workers).
 */
import { PAIR_EDGE_MASK } from '../constants.ts';
import type { SchedModel } from '../model.ts';
import type { Allocate } from '../typed-growth.ts';
import { growU16, growU8 } from '../typed-growth.ts';
import { CLASS_KEY_SHIFT, type RankTable } from './rank-table.ts';

/** cls value of a chunk that must be scored from the model's pairs (some pair recorded a failure). */
export const SLOW_CLASS = 0xffff;
/** Most size classes the u16 class ids hold (SLOW_CLASS excluded). */
export const NARROW_MAX_CLASSES = 0xffff;
/** Most edges: ids fit a byte. */
export const NARROW_MAX_EDGES = 255;

export class NarrowChunks {
  /** Edge id of each pair, indexed like model.pairs. */
  edges: Uint8Array = new Uint8Array(0);
  /** Size class of each chunk, or SLOW_CLASS. */
  cls: Uint16Array = new Uint16Array(0);
  private model: SchedModel | undefined;
  private table: RankTable | undefined;
  private chunks = 0;
  private pairs = 0;
  private failures = 0;
  private readonly allocate: Allocate;

  constructor(allocate: Allocate) {
    this.allocate = allocate;
  }

  /**
   * Brings the mirror up to date with the model (the table's classes must be synced first). False when the
   * narrow layout cannot hold this model (too many edges or size classes).
   */
  sync(m: SchedModel, table: RankTable): boolean {
    if (m.edgeCount > NARROW_MAX_EDGES || table.classCount > NARROW_MAX_CLASSES) return false;
    if (m !== this.model || table !== this.table) {
      this.model = m;
      this.table = table;
      this.chunks = 0;
      this.pairs = 0;
      this.failures = 0;
    }
    const C = m.chunkCount;
    const P = m.pairCount;
    const a = this.allocate;
    if (this.cls.length < C) this.cls = growU16(this.chunks > 0 ? this.cls.subarray(0, this.chunks) : undefined, Math.ceil(C * 1.25) + 16, a);
    if (this.edges.length < P) this.edges = growU8(this.pairs > 0 ? this.edges.subarray(0, this.pairs) : undefined, Math.ceil(P * 1.25) + 64, a);
    const pairs = m.pairs;
    const edges = this.edges;
    for (let j = this.pairs; j < P; j++) edges[j] = pairs[j] & PAIR_EDGE_MASK;
    const bits = new Uint32Array(m.costSize.buffer, m.costSize.byteOffset, C);
    const classOf = table.classOf;
    const cls = this.cls;
    for (let c = this.chunks; c < C; c++) cls[c] = classOf[bits[c] >>> CLASS_KEY_SHIFT];
    // Chunks that ever recorded a failure (including new ones: addChunks starts every count at 0) go SLOW.
    const log = m.failureLog;
    for (let i = this.failures; i < m.failureLogCount; i++) if (log[i] < C) cls[log[i]] = SLOW_CLASS;
    this.failures = m.failureLogCount;
    this.chunks = C;
    this.pairs = P;
    return true;
  }
}
