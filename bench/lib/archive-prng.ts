/**
 * Deterministic randomness for the archive benchmark's data set: a small seeded PRNG for decisions (sizes, names,
 * text fields) and a keyed AES-CTR stream for bulk incompressible bytes (Math.random and crypto.randomBytes are not
 * reproducible; a JS PRNG filling gigabytes would dominate generation time, AES-NI runs at several GB/s).
 */
import { createCipheriv, createHash } from 'node:crypto';

/** splitmix32: spreads a user seed (often 0, 1, 2…) into well-mixed words for sfc32's state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** sfc32: 32-bit-only arithmetic (no BigInt), fast in V8, passes PractRand far beyond what a data set needs. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    const st = { s: (seed ^ Math.imul(stream + 1, 0x27d4eb2d)) | 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st) | 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** Log-uniform integer in [lo, hi]: many small values, a few large ones, as real file sizes are. */
  logInt(lo: number, hi: number): number {
    const l = Math.log(Math.max(1, lo));
    return Math.min(hi, Math.max(lo, Math.round(Math.exp(l + this.float() * (Math.log(hi) - l)))));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }
}

/**
 * Incompressible bytes that are nevertheless reproducible: AES-256-CTR keystream under a key derived from the seed
 * and a label (one label per file, so files differ and do not dedup against each other by accident).
 */
export class ByteStream {
  private readonly cipher;
  private zeros = Buffer.alloc(0);

  constructor(seed: number, label: string) {
    const key = createHash('sha256').update(`warp-bench-dataset:${seed}:${label}`).digest();
    this.cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  }

  next(n: number): Buffer {
    if (this.zeros.length < n) this.zeros = Buffer.alloc(n);
    return this.cipher.update(this.zeros.subarray(0, n));
  }
}
