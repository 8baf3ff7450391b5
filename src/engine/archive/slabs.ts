/**
 * Reusable SharedArrayBuffer slabs: files are read straight into them, chunked and hashed in place, and
 * workers compress from the same memory (no copies, no per-read allocation). A slab goes back to the pool
 * when the reader has moved on and every batch that points into it is done; the pool's size bounds memory.
 */
export class Slab {
  readonly sab: SharedArrayBuffer;
  readonly u8: Uint8Array;
  refs = 0;

  constructor(size: number) {
    this.sab = new SharedArrayBuffer(size);
    this.u8 = new Uint8Array(this.sab);
  }

  get size(): number {
    return this.u8.length;
  }
}

export class SlabPool {
  private readonly free: Slab[] = [];
  private readonly waiters: Array<(s: Slab) => void> = [];
  private created = 0;
  readonly slabSize: number;
  private readonly max: number;

  constructor(slabSize: number, max: number) {
    this.slabSize = slabSize;
    this.max = max;
  }

  /** A slab with one reference held by the caller. */
  async acquire(): Promise<Slab> {
    let s = this.free.pop();
    if (!s && this.created < this.max) {
      this.created++;
      s = new Slab(this.slabSize);
    }
    if (!s) s = await new Promise<Slab>((resolve) => this.waiters.push(resolve));
    s.refs = 1;
    return s;
  }

  hold(s: Slab): void {
    s.refs++;
  }

  release(s: Slab): void {
    if (--s.refs > 0) return;
    const w = this.waiters.shift();
    if (w) {
      s.refs = 1;
      w(s);
    } else {
      this.free.push(s);
    }
  }
}
