/**
 * Exact-arithmetic guard for backend equivalence.
 *
 * A pair's cost is `a * size + b` in f32. GPU compilers may fuse that into one FMA (one rounding) or not (two
 * roundings), which could flip near-ties and so the chosen edge. Keeping `a` and `size` to 12 significant bits
 * each makes the product exactly representable in f32 (12 + 12 = 24 bits), so fused and unfused evaluation
 * give the same bits, and the only rounding left is the correctly rounded f32 addition that both WGSL and
 * `Math.fround(x + y)` (double rounding from f64 is innocuous for a sum of two f32 values) perform.
 * 12 bits is 0.05 % resolution on the transfer-time term: far below the noise of any bandwidth estimate.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Clears the low 12 of the 23 explicit mantissa bits (truncation toward zero). */
export const QUANT_MASK = 0xfffff000;

export function quantize12(x: number): number {
  f32[0] = x;
  u32[0] = u32[0] & QUANT_MASK;
  return f32[0];
}
