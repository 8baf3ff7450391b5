/**
 * BLAKE3 of inputs of at most one chunk (1,024 bytes), in plain JavaScript, for the Merkle tree's 33- and
 * 65-byte nodes. The native binding costs ~0.6-1 us per call whatever the input (reset, update, digest and the
 * hex round trip through N-API), which is 130k calls and ~130 ms for a 65k-chunk tree, paid by both peers of
 * every transfer; one or two compressions in JIT-compiled JavaScript cost a fraction of that. Large inputs
 * stay native (codec/blake3.ts). The oracle in the tests is @noble/hashes.
 *
 * Single-chunk BLAKE3 (the spec, section 2): the chunk's 64-byte blocks are compressed in turn starting from
 * the IV, with CHUNK_START on the first block and CHUNK_END | ROOT on the last; the root output is the first
 * 8 words of the last compression. Words are little-endian; this module reads them through a Uint32Array
 * view, so it refuses to load on a big-endian machine rather than hash wrongly.
 */

const IV = Uint32Array.of(
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
);
const CHUNK_START = 1;
const CHUNK_END = 2;
const ROOT = 8;
export const SMALL_MAX = 1024;

if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) throw new Error('blake3-small assumes a little-endian machine');

const block = new Uint8Array(64);
const words = new Uint32Array(block.buffer);
const cv = new Uint32Array(8);

/**
 * Compresses `block` (block counter 0) into cv. The 16 state words and the 16 message words live in locals
 * (generated-looking on purpose: V8 keeps them in registers; through a typed array it was ~2x slower).
 */
// One function on purpose: the state lives in locals across all seven rounds; split, V8 spills them.
// eslint-disable-next-line max-lines-per-function -- an unrolled hash kernel (see above), not control flow
function compress(blockLen: number, flags: number): void {
  let v0 = cv[0],
    v1 = cv[1],
    v2 = cv[2],
    v3 = cv[3],
    v4 = cv[4],
    v5 = cv[5],
    v6 = cv[6],
    v7 = cv[7];
  let v8 = IV[0],
    v9 = IV[1],
    v10 = IV[2],
    v11 = IV[3],
    v12 = 0,
    v13 = 0,
    v14 = blockLen,
    v15 = flags;
  let m0 = words[0],
    m1 = words[1],
    m2 = words[2],
    m3 = words[3],
    m4 = words[4],
    m5 = words[5],
    m6 = words[6],
    m7 = words[7];
  let m8 = words[8],
    m9 = words[9],
    m10 = words[10],
    m11 = words[11],
    m12 = words[12],
    m13 = words[13],
    m14 = words[14],
    m15 = words[15];
  for (let r = 0; r < 7; r++) {
    v0 = (v0 + v4 + m0) | 0;
    v12 ^= v0;
    v12 = (v12 >>> 16) | (v12 << 16);
    v8 = (v8 + v12) | 0;
    v4 ^= v8;
    v4 = (v4 >>> 12) | (v4 << 20);
    v0 = (v0 + v4 + m1) | 0;
    v12 ^= v0;
    v12 = (v12 >>> 8) | (v12 << 24);
    v8 = (v8 + v12) | 0;
    v4 ^= v8;
    v4 = (v4 >>> 7) | (v4 << 25);
    v1 = (v1 + v5 + m2) | 0;
    v13 ^= v1;
    v13 = (v13 >>> 16) | (v13 << 16);
    v9 = (v9 + v13) | 0;
    v5 ^= v9;
    v5 = (v5 >>> 12) | (v5 << 20);
    v1 = (v1 + v5 + m3) | 0;
    v13 ^= v1;
    v13 = (v13 >>> 8) | (v13 << 24);
    v9 = (v9 + v13) | 0;
    v5 ^= v9;
    v5 = (v5 >>> 7) | (v5 << 25);
    v2 = (v2 + v6 + m4) | 0;
    v14 ^= v2;
    v14 = (v14 >>> 16) | (v14 << 16);
    v10 = (v10 + v14) | 0;
    v6 ^= v10;
    v6 = (v6 >>> 12) | (v6 << 20);
    v2 = (v2 + v6 + m5) | 0;
    v14 ^= v2;
    v14 = (v14 >>> 8) | (v14 << 24);
    v10 = (v10 + v14) | 0;
    v6 ^= v10;
    v6 = (v6 >>> 7) | (v6 << 25);
    v3 = (v3 + v7 + m6) | 0;
    v15 ^= v3;
    v15 = (v15 >>> 16) | (v15 << 16);
    v11 = (v11 + v15) | 0;
    v7 ^= v11;
    v7 = (v7 >>> 12) | (v7 << 20);
    v3 = (v3 + v7 + m7) | 0;
    v15 ^= v3;
    v15 = (v15 >>> 8) | (v15 << 24);
    v11 = (v11 + v15) | 0;
    v7 ^= v11;
    v7 = (v7 >>> 7) | (v7 << 25);
    v0 = (v0 + v5 + m8) | 0;
    v15 ^= v0;
    v15 = (v15 >>> 16) | (v15 << 16);
    v10 = (v10 + v15) | 0;
    v5 ^= v10;
    v5 = (v5 >>> 12) | (v5 << 20);
    v0 = (v0 + v5 + m9) | 0;
    v15 ^= v0;
    v15 = (v15 >>> 8) | (v15 << 24);
    v10 = (v10 + v15) | 0;
    v5 ^= v10;
    v5 = (v5 >>> 7) | (v5 << 25);
    v1 = (v1 + v6 + m10) | 0;
    v12 ^= v1;
    v12 = (v12 >>> 16) | (v12 << 16);
    v11 = (v11 + v12) | 0;
    v6 ^= v11;
    v6 = (v6 >>> 12) | (v6 << 20);
    v1 = (v1 + v6 + m11) | 0;
    v12 ^= v1;
    v12 = (v12 >>> 8) | (v12 << 24);
    v11 = (v11 + v12) | 0;
    v6 ^= v11;
    v6 = (v6 >>> 7) | (v6 << 25);
    v2 = (v2 + v7 + m12) | 0;
    v13 ^= v2;
    v13 = (v13 >>> 16) | (v13 << 16);
    v8 = (v8 + v13) | 0;
    v7 ^= v8;
    v7 = (v7 >>> 12) | (v7 << 20);
    v2 = (v2 + v7 + m13) | 0;
    v13 ^= v2;
    v13 = (v13 >>> 8) | (v13 << 24);
    v8 = (v8 + v13) | 0;
    v7 ^= v8;
    v7 = (v7 >>> 7) | (v7 << 25);
    v3 = (v3 + v4 + m14) | 0;
    v14 ^= v3;
    v14 = (v14 >>> 16) | (v14 << 16);
    v9 = (v9 + v14) | 0;
    v4 ^= v9;
    v4 = (v4 >>> 12) | (v4 << 20);
    v3 = (v3 + v4 + m15) | 0;
    v14 ^= v3;
    v14 = (v14 >>> 8) | (v14 << 24);
    v9 = (v9 + v14) | 0;
    v4 ^= v9;
    v4 = (v4 >>> 7) | (v4 << 25);
    // The message permutation between rounds.
    const t0 = m0,
      t1 = m1,
      t2 = m2,
      t3 = m3,
      t4 = m4,
      t5 = m5,
      t6 = m6,
      t7 = m7,
      t8 = m8,
      t9 = m9,
      t10 = m10,
      t11 = m11,
      t12 = m12,
      t13 = m13,
      t14 = m14,
      t15 = m15;
    m0 = t2;
    m1 = t6;
    m2 = t3;
    m3 = t10;
    m4 = t7;
    m5 = t0;
    m6 = t4;
    m7 = t13;
    m8 = t1;
    m9 = t11;
    m10 = t12;
    m11 = t5;
    m12 = t9;
    m13 = t14;
    m14 = t15;
    m15 = t8;
  }
  cv[0] = v0 ^ v8;
  cv[1] = v1 ^ v9;
  cv[2] = v2 ^ v10;
  cv[3] = v3 ^ v11;
  cv[4] = v4 ^ v12;
  cv[5] = v5 ^ v13;
  cv[6] = v6 ^ v14;
  cv[7] = v7 ^ v15;
}

/**
 * BLAKE3(input[0, len)) into `out[at, at + 32)`; len ≤ 1,024. `out` may be the input (the digest is written
 * after the last block is read).
 */
export function blake3SmallInto(input: Uint8Array, len: number, out: Uint8Array, at: number): void {
  if (len > SMALL_MAX || len > input.length)
    throw new RangeError(`blake3SmallInto: ${len} bytes (at most ${SMALL_MAX})`);
  cv.set(IV);
  let off = 0;
  for (;;) {
    const n = Math.min(64, len - off);
    const last = off + n >= len;
    if (n === 64) block.set(input.subarray(off, off + 64));
    else {
      block.fill(0);
      block.set(input.subarray(off, off + n));
    }
    compress(n, (off === 0 ? CHUNK_START : 0) | (last ? CHUNK_END | ROOT : 0));
    if (last) break;
    off += 64;
  }
  const o = new Uint8Array(cv.buffer);
  out.set(o, at);
}
