/**
 * Per-size-class edge ranks: the CPU kernel's way of turning (cost, edge id) comparisons into small integers.
 *
 * A pair's cost is f32(a_e × costSize_c + b_e): it depends on the chunk only through costSize, which has 12
 * significant bits, so chunks fall into few size classes (≈ 2048 per power of two; 12k for 64 KiB–4 MiB).
 * For every class the table stores each edge's rank in the order (cost ascending, edge id ascending) — the
 * kernels' comparison — so the k best edges of a chunk are its k smallest ranks. Ranks are unique per class,
 * fit in a byte (E ≤ 255), and turn the top-k into branch-free integer min/max (kbest-ranked.ts).
 *
 * The table depends only on the edge parameters and the set of classes, so it is rebuilt only when one of
 * them changed. Building it sweeps the classes in ascending size with an insertion sort: two cost lines
 * cross at most once, so neighbouring classes have nearly the same order and each step is ~E comparisons.
 */
import type { EdgeParams } from '../cost.ts';
import type { SchedModel } from '../model.ts';
import type { Allocate } from '../typed-growth.ts';

/** Ranks are bytes; this value marks an excluded edge (sorts after every candidate). */
export const RANK_EXCLUDED = 255;
/** Most edges the rank table handles (ranks 0..254); larger models use the direct kernel. */
export const RANK_MAX_EDGES = 255;
/** Size class key of a costSize: its f32 bits without the 12 low mantissa bits that quantisation cleared. */
export const CLASS_KEY_SHIFT = 12;
/** Keys of costSize values ≤ 2^32 (u32 chunk sizes) are below this. */
const CLASS_KEYS = 1 << 19;
const f32 = new Float32Array(1);
const bits32 = new Uint32Array(f32.buffer);

export class RankTable {
  /** Size class index of a key (costSize bits >>> 12), or -1; shared with workers. */
  readonly classOf: Int32Array;
  /** ranks[class × stride + edge]. */
  ranks: Uint8Array = new Uint8Array(0);
  /** classSize[class] = the costSize of its chunks (the key with its cleared low bits restored). */
  classSize: Float32Array = new Float32Array(0);
  stride = 0;
  private readonly allocate: Allocate;
  private keys: number[] = [];
  private model: SchedModel | undefined;
  private scannedChunks = 0;
  private builtClasses = -1;
  private builtA = new Float64Array(0);
  private builtB = new Float64Array(0);
  private builtExcluded = new Uint8Array(0);
  /** Rebuilds so far (tests and benchmarks read it). */
  builds = 0;

  constructor(allocate: Allocate) {
    this.allocate = allocate;
    this.classOf = new Int32Array(allocate(CLASS_KEYS * 4)).fill(-1);
  }

  get classCount(): number {
    return this.keys.length;
  }

  /** Registers the size classes of chunks added since the last call. */
  syncClasses(model: SchedModel): void {
    const n = model.chunkCount;
    if (model !== this.model) {
      this.reset();
      this.model = model;
    }
    const bits = new Uint32Array(model.costSize.buffer, model.costSize.byteOffset, n);
    const classOf = this.classOf;
    for (let c = this.scannedChunks; c < n; c++) {
      const key = bits[c] >>> CLASS_KEY_SHIFT;
      if (classOf[key] < 0) {
        const cls = this.keys.length;
        classOf[key] = cls;
        this.keys.push(key);
        if (cls >= this.classSize.length) {
          const next = new Float32Array(this.allocate(Math.max(1024, cls * 2) * 4));
          next.set(this.classSize);
          this.classSize = next;
        }
        bits32[0] = key << CLASS_KEY_SHIFT;
        this.classSize[cls] = f32[0];
      }
    }
    this.scannedChunks = n;
  }

  /** True when the ranks match these parameters and every registered class has a row. */
  isCurrent(params: EdgeParams, edgeCount: number): boolean {
    if (this.builtClasses !== this.keys.length || this.stride !== edgeCount) return false;
    const { a, b, excluded } = params;
    const ba = this.builtA,
      bb = this.builtB,
      bx = this.builtExcluded;
    for (let e = 0; e < edgeCount; e++) if (a[e] !== ba[e] || b[e] !== bb[e] || excluded[e] !== bx[e]) return false;
    return true;
  }

  /** Work (table entries) a rebuild costs. */
  rebuildCost(edgeCount: number): number {
    return this.keys.length * edgeCount;
  }

  /** Recomputes every class's ranks for these parameters. */
  build(params: EdgeParams, edgeCount: number): void {
    const E = edgeCount;
    const NC = this.keys.length;
    if (this.ranks.length < NC * E) this.ranks = new Uint8Array(this.allocate(Math.ceil((NC * E * 1.25) / 4) * 4));
    this.stride = E;
    const { a, b, excluded } = params;
    const ranks = this.ranks;
    const byKey = Int32Array.from(this.keys.keys()).sort((x, y) => this.keys[x] - this.keys[y]);
    const order = new Int32Array(E);
    for (let e = 0; e < E; e++) order[e] = e;
    const cost = new Float64Array(E);
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    for (let i = 0; i < NC; i++) {
      const cls = byKey[i];
      u32[0] = this.keys[cls] << CLASS_KEY_SHIFT;
      const size = f32[0];
      for (let e = 0; e < E; e++) cost[e] = excluded[e] !== 0 ? Infinity : Math.fround(a[e] * size + b[e]);
      // Insertion sort from the previous class's order: (cost, edge id) ascending, as the kernels compare.
      for (let p = 1; p < E; p++) {
        const x = order[p];
        const cx = cost[x];
        let q = p - 1;
        while (q >= 0) {
          const y = order[q];
          const cy = cost[y];
          if (cy < cx || (cy === cx && y < x)) break;
          order[q + 1] = y;
          q--;
        }
        order[q + 1] = x;
      }
      const row = cls * E;
      for (let r = 0; r < E; r++) {
        const e = order[r];
        ranks[row + e] = excluded[e] !== 0 ? RANK_EXCLUDED : r;
      }
    }
    this.builtA = Float64Array.from(a.subarray(0, E));
    this.builtB = Float64Array.from(b.subarray(0, E));
    this.builtExcluded = Uint8Array.from(excluded.subarray(0, E));
    this.builtClasses = NC;
    this.builds++;
  }

  private reset(): void {
    for (const key of this.keys) this.classOf[key] = -1;
    this.classSize = new Float32Array(0);
    this.keys = [];
    this.scannedChunks = 0;
    this.builtClasses = -1;
  }
}
