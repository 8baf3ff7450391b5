/**
 * A cheap guess at whether zstd will shrink a chunk: Shannon entropy of the byte histogram over a sample
 * (up to 8 windows of 512 bytes spread over the chunk). Random and already-compressed data sit near 8
 * bits/byte; trying to compress it only burns CPU.
 */
const WINDOW = 512;
const WINDOWS = 8;
const counts = new Uint32Array(256);

export function sampleEntropy(data: Uint8Array): number {
  counts.fill(0);
  let n = 0;
  if (data.length <= WINDOW * WINDOWS) {
    for (let i = 0; i < data.length; i++) counts[data[i]]++;
    n = data.length;
  } else {
    const stride = Math.floor((data.length - WINDOW) / (WINDOWS - 1));
    for (let w = 0; w < WINDOWS; w++) {
      const s = w * stride;
      for (let i = s; i < s + WINDOW; i++) counts[data[i]]++;
    }
    n = WINDOW * WINDOWS;
  }
  if (n === 0) return 0;
  let h = 0;
  for (let b = 0; b < 256; b++) {
    const c = counts[b];
    if (c !== 0) {
      const p = c / n;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

/**
 * Above this, compression is skipped. A 4 KiB sample of random bytes measures ~7.95 (the small-sample bias
 * keeps it under 8); text and logs measure 4-6; base64 ~6.
 */
export const INCOMPRESSIBLE_BITS = 7.5;
