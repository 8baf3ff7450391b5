/**
 * Sorts chunk ids ascending before an incremental run: ids in memory order turn random cache misses into
 * near-sequential reads of the chunk arrays (measured: 100k random ids of 10M chunks scored ~3× faster
 * sorted). LSD radix sort, 11-bit digits: a few linear passes instead of a comparison sort's n log n.
 */
const DIGIT_BITS = 11;
const BINS = 1 << DIGIT_BITS;
/** Below this, the native typed-array sort is as fast and needs no scratch. */
const RADIX_MIN = 4096;

export class IdSorter {
  private scratch: Uint32Array = new Uint32Array(0);
  private readonly counts = new Uint32Array(BINS);

  /** Sorts list[0..count) in place; `maxId` bounds the ids (fewer passes for small models). */
  sort(list: Uint32Array, count: number, maxId: number): void {
    if (count < 2) return;
    if (count < RADIX_MIN) {
      list.subarray(0, count).sort();
      return;
    }
    if (this.scratch.length < count) this.scratch = new Uint32Array(Math.ceil(count * 1.25));
    let src: Uint32Array = list;
    let dst: Uint32Array = this.scratch;
    const counts = this.counts;
    const passes = Math.max(1, Math.ceil(Math.log2(Math.max(2, maxId + 1)) / DIGIT_BITS));
    for (let p = 0, shift = 0; p < passes; p++, shift += DIGIT_BITS) {
      counts.fill(0);
      for (let i = 0; i < count; i++) counts[(src[i] >>> shift) & (BINS - 1)]++;
      let sum = 0;
      for (let d = 0; d < BINS; d++) {
        const n = counts[d];
        counts[d] = sum;
        sum += n;
      }
      for (let i = 0; i < count; i++) {
        const x = src[i];
        dst[counts[(x >>> shift) & (BINS - 1)]++] = x;
      }
      const t = src;
      src = dst;
      dst = t;
    }
    if (src !== list) list.set(src.subarray(0, count));
  }
}
