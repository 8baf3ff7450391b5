/**
 * FastCDC content-defined chunking (Xia et al. 2016/2020): a gear rolling hash, sub-minimum cut-point
 * skipping, normalized chunking (a stricter mask before the average size, a looser one after) and the
 * "two bytes per step" loop. The hash is 32-bit, so each cut depends on the last 32 bytes only.
 *
 * Streaming: `findCut` keeps its state (position in the current chunk, hash) between calls, so the cut
 * points are the same however the input is split into reads. Cut points are part of how data dedups across
 * archives and peers: changing the gear table or the masks changes every chunk id (see docs/FORMAT.md).
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';

export interface ChunkerParams {
  readonly minSize: number;
  readonly avgSize: number;
  readonly maxSize: number;
}

/** Defaults: 256 KiB / 1 MiB / 4 MiB (restic uses 512 KiB / 1 MiB / 8 MiB). */
export const DEFAULT_CHUNKER: ChunkerParams = { minSize: 256 * 1024, avgSize: 1024 * 1024, maxSize: 4 * 1024 * 1024 };

export const CHUNK_SIZE_LIMITS = { min: 64, max: 64 * 1024 * 1024 } as const;

/** Derives min and max from an average the way the defaults do (avg / 4, avg * 4), for `--chunk-avg`. */
export function paramsForAverage(avgSize: number): ChunkerParams {
  return validateChunkerParams({
    minSize: Math.max(CHUNK_SIZE_LIMITS.min, Math.floor(avgSize / 4)),
    avgSize,
    maxSize: avgSize * 4,
  });
}

/** Why `p` is not a chunking Warp writes, or undefined: one rule for `--chunk-avg`, untrusted headers and manifests. */
export function chunkingProblem(p: ChunkerParams): string | undefined {
  const ok =
    Number.isInteger(p.minSize) &&
    Number.isInteger(p.avgSize) &&
    Number.isInteger(p.maxSize) &&
    p.minSize >= CHUNK_SIZE_LIMITS.min &&
    p.maxSize <= CHUNK_SIZE_LIMITS.max &&
    p.minSize <= p.avgSize &&
    p.avgSize <= p.maxSize;
  if (ok) return undefined;
  return `chunk sizes min=${p.minSize} avg=${p.avgSize} max=${p.maxSize}: need ${CHUNK_SIZE_LIMITS.min} <= min <= avg <= max <= ${CHUNK_SIZE_LIMITS.max} bytes`;
}

export function validateChunkerParams(p: ChunkerParams): ChunkerParams {
  const why = chunkingProblem(p);
  if (why) throw new WarpError(ErrorCodes.USAGE, `invalid ${why}`);
  return p;
}

/** The same rule for untrusted input (archive headers, manifests): the caller's `bad` names the damage. */
export function checkChunking(p: ChunkerParams, bad: (why: string) => Error): void {
  const why = chunkingProblem(p);
  if (why) throw bad(why);
}

/** The gear table: 256 pseudo-random 32-bit values from splitmix32 with a fixed seed (format-relevant). */
export const GEAR: Int32Array = (() => {
  const t = new Int32Array(256);
  let s = 0x9e3779b9 | 0;
  for (let i = 0; i < 256; i++) {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    t[i] = z ^ (z >>> 16);
  }
  return t;
})();
const GEAR_LS: Int32Array = GEAR.map((g) => g << 1);

/** A mask of `bits` ones placed just under bit 31 (bit 31 stays free so the two-byte step stays exact). */
function maskOf(bits: number): number {
  const b = Math.max(1, Math.min(30, bits));
  return (((1 << b) - 1) << (31 - b)) | 0;
}

export interface CutState {
  /** Bytes of the current chunk already consumed. */
  pos: number;
  /** Rolling hash after the consumed bytes. */
  fp: number;
}

export class FastCdc {
  readonly params: ChunkerParams;
  private readonly maskS: number;
  private readonly maskL: number;
  private readonly maskSls: number;
  private readonly maskLls: number;
  private readonly normal: number;

  constructor(params: ChunkerParams = DEFAULT_CHUNKER) {
    this.params = validateChunkerParams(params);
    const bits = Math.round(Math.log2(params.avgSize));
    this.maskS = maskOf(bits + 2);
    this.maskL = maskOf(bits - 2);
    this.maskSls = (this.maskS << 1) | 0;
    this.maskLls = (this.maskL << 1) | 0;
    this.normal = Math.min(Math.max(params.avgSize, params.minSize), params.maxSize);
  }

  newState(): CutState {
    return { pos: 0, fp: 0 };
  }

  /**
   * Scans buf[start, end) continuing the chunk described by `state`. Returns the index just after the cut
   * (the chunk ends there; state is reset for the next chunk) or -1 when the data ran out first (state holds
   * the progress). The caller ends the last chunk at end of input.
   */
  findCut(state: CutState, buf: Uint8Array, start: number, end: number): number {
    const { minSize, maxSize } = this.params;
    let pos = state.pos;
    let i = start;
    if (pos < minSize) {
      const skip = Math.min(minSize - pos, end - i);
      i += skip;
      pos += skip;
      if (pos < minSize) {
        state.pos = pos;
        return -1;
      }
    }
    let fp = state.fp;
    // Phase 1: before the normal size, the stricter mask; phase 2: up to max, the looser one.
    for (let phase = 0; phase < 2; phase++) {
      const limitPos = phase === 0 ? this.normal : maxSize;
      if (pos >= limitPos) continue;
      const mask = phase === 0 ? this.maskS : this.maskL;
      const maskLs = phase === 0 ? this.maskSls : this.maskLls;
      const stop = Math.min(end, i + (limitPos - pos));
      const start0 = i;
      while (i + 1 < stop) {
        fp = ((fp << 2) + GEAR_LS[buf[i]]) | 0;
        if ((fp & maskLs) === 0) {
          i += 1;
          return this.cut(state, i);
        }
        fp = (fp + GEAR[buf[i + 1]]) | 0;
        if ((fp & mask) === 0) {
          i += 2;
          return this.cut(state, i);
        }
        i += 2;
      }
      if (i < stop) {
        fp = ((fp << 1) + GEAR[buf[i]]) | 0;
        i += 1;
        if ((fp & mask) === 0) return this.cut(state, i);
      }
      pos += i - start0;
      if (i >= end && pos < maxSize) {
        state.pos = pos;
        state.fp = fp;
        return -1;
      }
    }
    // pos reached maxSize: forced cut.
    return this.cut(state, i);
  }

  private cut(state: CutState, at: number): number {
    state.pos = 0;
    state.fp = 0;
    return at;
  }

  /** Convenience for tests and small inputs: every chunk length of a whole buffer. */
  chunkLengths(buf: Uint8Array): number[] {
    const out: number[] = [];
    const st = this.newState();
    let chunkStart = 0;
    let scan = 0;
    while (scan < buf.length) {
      const c = this.findCut(st, buf, scan, buf.length);
      if (c < 0) break;
      out.push(c - chunkStart);
      chunkStart = scan = c;
    }
    if (chunkStart < buf.length) out.push(buf.length - chunkStart);
    return out;
  }
}
