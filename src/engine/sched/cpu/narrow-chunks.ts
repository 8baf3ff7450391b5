/**
 * A narrow, CPU-only mirror of the per-chunk data the ranked kernel reads: one small record per chunk.
 *
 * The model's layout (CSR offsets, u32 pairs = edge | failures << 16, f32 costSize) is the one both backends
 * share and the WGSL kernel reads; the ranked kernel needs less: with ≤ 255 edges an edge id fits a byte, and a
 * chunk's size matters only through its size class (rank-table.ts), which fits a u16. A record is
 *   bytes 0-1: size class (u16), or SLOW_CLASS; byte 2: pair count n; bytes 3 .. 3+n: the edge ids,
 * padded to a multiple of 4 bytes (`stride`; 8 at 5 replicas, sized for the most replicas a chunk had when
 * the mirror was created). A full run streams 8 bytes per chunk instead of 4 + 4 + 20 spread over three
 * arrays (plus the 2 MiB class map), and a scattered incremental chunk costs one cache line for its inputs
 * instead of three. Failure counts are not mirrored: a chunk whose pairs ever failed, or that has more pairs
 * than a record holds, is SLOW and scored from the model's arrays (the model logs chunks with failures,
 * `failureLog`; they are few, since failures are rare and retries bounded).
 *
 * Built once, then extended as chunks are appended (pairs of existing chunks never change except for failure
 * counts). Costs `stride` bytes per chunk, allocated like the model (shared with workers).
 */
import { PAIR_EDGE_MASK } from '../constants.ts';
import type { SchedModel } from '../model.ts';
import type { Allocate } from '../typed-growth.ts';
import { CLASS_KEY_SHIFT, type RankTable } from './rank-table.ts';

/** Class of a chunk that must be scored from the model's arrays (a pair recorded a failure, or too many pairs). */
export const SLOW_CLASS = 0xffff;
/** Most size classes the u16 class ids hold (SLOW_CLASS excluded). */
export const NARROW_MAX_CLASSES = 0xffff;
/** Most edges: ids fit a byte. */
export const NARROW_MAX_EDGES = 255;
/** Record header bytes (class u16, count u8). */
export const RECORD_HEADER = 3;

export class NarrowChunks {
  /** The records, `stride` bytes per chunk. */
  rec: Uint8Array = new Uint8Array(0);
  /** The same bytes as u16 (a record's class is rec16[c × stride / 2]). */
  rec16: Uint16Array = new Uint16Array(0);
  stride = 0;
  private model: SchedModel | undefined;
  private table: RankTable | undefined;
  private chunks = 0;
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
    const C = m.chunkCount;
    const { availStart, pairs } = m;
    if (m !== this.model || table !== this.table) {
      this.model = m;
      this.table = table;
      this.chunks = 0;
      this.failures = 0;
      let most = 5;
      for (let c = 0; c < C; c++) most = Math.max(most, availStart[c + 1] - availStart[c]);
      this.stride = Math.ceil((RECORD_HEADER + Math.min(most, 255)) / 4) * 4;
      this.rec = new Uint8Array(0);
    }
    const S = this.stride;
    if (this.rec.length < C * S) {
      const next = new Uint8Array(this.allocate((Math.ceil(C * 1.25) + 16) * S));
      next.set(this.rec.subarray(0, this.chunks * S));
      this.rec = next;
      this.rec16 = new Uint16Array(next.buffer, 0, next.length >>> 1);
    }
    const rec = this.rec;
    const rec16 = this.rec16;
    const bits = new Uint32Array(m.costSize.buffer, m.costSize.byteOffset, C);
    const classOf = table.classOf;
    const room = S - RECORD_HEADER;
    for (let c = this.chunks; c < C; c++) {
      const o = c * S;
      const j0 = availStart[c];
      const n = availStart[c + 1] - j0;
      if (n > room) {
        rec16[o >> 1] = SLOW_CLASS;
        continue;
      }
      rec16[o >> 1] = classOf[bits[c] >>> CLASS_KEY_SHIFT];
      rec[o + 2] = n;
      for (let i = 0; i < n; i++) rec[o + RECORD_HEADER + i] = pairs[j0 + i] & PAIR_EDGE_MASK;
    }
    // Chunks that ever recorded a failure (including new ones: addChunks starts every count at 0) go SLOW.
    const log = m.failureLog;
    for (let i = this.failures; i < m.failureLogCount; i++) if (log[i] < C) rec16[(log[i] * S) >> 1] = SLOW_CLASS;
    this.failures = m.failureLogCount;
    this.chunks = C;
    return true;
  }
}
