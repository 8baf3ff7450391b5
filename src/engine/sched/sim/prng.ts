/** A small seeded PRNG (mulberry32): the simulator, benchmarks and tests must be reproducible from a seed. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  range(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }
  /** `count` distinct integers from [0, n), in random order (partial Fisher-Yates over a scratch array). */
  distinct(n: number, count: number, scratch?: Uint32Array): number[] {
    const k = Math.min(n, count);
    if (k * 4 < n) {
      const out: number[] = [];
      while (out.length < k) {
        const x = Math.floor(this.next() * n);
        if (!out.includes(x)) out.push(x);
      }
      return out;
    }
    const a = scratch && scratch.length >= n ? scratch : new Uint32Array(n);
    for (let i = 0; i < n; i++) a[i] = i;
    const out: number[] = [];
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(this.next() * (n - i));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
      out.push(a[i]);
    }
    return out;
  }
}
