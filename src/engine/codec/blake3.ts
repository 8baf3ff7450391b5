/**
 * BLAKE3 at native speed (@napi-rs/blake-hash, ~4.5 GB/s here). @noble/hashes is the test oracle only.
 * Inputs may be views into SharedArrayBuffers (the pipeline's slabs): they are wrapped, never copied.
 */
import { Blake3Hasher, blake3 as nativeBlake3 } from '@napi-rs/blake-hash';

export const HASH_BYTES = 32;

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export function blake3(data: Uint8Array): Buffer {
  return nativeBlake3(asBuffer(data));
}

/** Incremental hashing for whole files (fed chunk by chunk, in order). */
export class Blake3Stream {
  private readonly h = new Blake3Hasher();

  update(data: Uint8Array): this {
    if (data.byteLength > 0) this.h.update(asBuffer(data));
    return this;
  }

  digest(): Buffer {
    return this.h.digestBuffer();
  }
}

/** BLAKE3 of several parts without concatenating them (Merkle nodes). */
export function blake3Parts(...parts: Uint8Array[]): Buffer {
  const h = new Blake3Hasher();
  for (const p of parts) h.update(asBuffer(p));
  return h.digestBuffer();
}
