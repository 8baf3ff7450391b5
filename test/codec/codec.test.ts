import fc from 'fast-check';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NonceDomain, makeNonce, nodeCryptoAead, sodiumAead } from '../../src/engine/codec/aead.ts';
import { Codec, compressChunk, decompressChunk } from '../../src/engine/codec/compress.ts';
import { sampleEntropy } from '../../src/engine/codec/entropy.ts';
import { DEFAULT_ARGON2, deriveFromPassword, subkey } from '../../src/engine/codec/kdf.ts';
import { isWarpError } from '../../src/engine/core/errors.ts';

const text = Buffer.from(
  Array.from(
    { length: 4000 },
    (_, i) => `{"ts":${1700000000 + i},"level":"info","msg":"request ${i % 17} served","ms":${i % 97}}\n`,
  ).join(''),
);

describe('adaptive compression', () => {
  it('compresses text with zstd and round-trips', () => {
    const c = compressChunk(text, 'fast');
    expect(c.codec).toBe(Codec.ZSTD);
    expect(c.data.length).toBeLessThan(text.length / 3);
    expect(Buffer.from(decompressChunk(c.codec, c.data, text.length)).equals(text)).toBe(true);
  });
  it('skips random data without trying (entropy) and keeps the same bytes', () => {
    const r = crypto.randomBytes(256 * 1024);
    expect(sampleEntropy(r)).toBeGreaterThan(7.5);
    const c = compressChunk(r, 'max');
    expect(c.codec).toBe(Codec.RAW);
    expect(c.data).toBe(r);
  });
  it('detects a damaged zstd frame', () => {
    const c = compressChunk(text, 'balanced');
    const bad = Buffer.from(c.data);
    bad[bad.length >> 1] ^= 0xff;
    let err: unknown;
    try {
      const out = decompressChunk(c.codec, bad, text.length);
      if (!Buffer.from(out).equals(text)) throw new Error('changed');
    } catch (e) {
      err = e;
    }
    expect(err).toBeDefined();
  });
  it('round-trips arbitrary data at every level', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.constantFrom('fast', 'balanced', 'max' as const), (d, lvl) => {
        const c = compressChunk(d, lvl);
        expect(Buffer.from(decompressChunk(c.codec, c.data, d.length)).equals(Buffer.from(d))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('ChaCha20-Poly1305', () => {
  it('node:crypto and libsodium produce identical ciphertexts and open each other', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 3000 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(),
        (key, plain, aad, ctr) => {
          const nonce = makeNonce(NonceDomain.CHUNK, ctr);
          const a = nodeCryptoAead.seal(key, nonce, plain, aad);
          const b = sodiumAead.seal(key, nonce, plain, aad);
          expect(a.equals(b)).toBe(true);
          expect(sodiumAead.open(key, nonce, a, aad)?.equals(Buffer.from(plain))).toBe(true);
          expect(nodeCryptoAead.open(key, nonce, b, aad)?.equals(Buffer.from(plain))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
  it('rejects a wrong key, a flipped bit, a wrong nonce or wrong associated data', () => {
    const key = crypto.randomBytes(32);
    const nonce = makeNonce(NonceDomain.MANIFEST, 0);
    for (const impl of [nodeCryptoAead, sodiumAead]) {
      const sealed = impl.seal(key, nonce, text, Buffer.from('hdr'));
      expect(impl.open(crypto.randomBytes(32), nonce, sealed, Buffer.from('hdr'))).toBeNull();
      const flipped = Buffer.from(sealed);
      flipped[10] ^= 1;
      expect(impl.open(key, nonce, flipped, Buffer.from('hdr'))).toBeNull();
      expect(impl.open(key, makeNonce(NonceDomain.MANIFEST, 1), sealed, Buffer.from('hdr'))).toBeNull();
      expect(impl.open(key, nonce, sealed, Buffer.from('hdX'))).toBeNull();
    }
  });
  it('nonces differ per domain and counter', () => {
    const seen = new Set<string>();
    for (const d of Object.values(NonceDomain)) for (let c = 0; c < 100; c++) seen.add(makeNonce(d, c).toString('hex'));
    expect(seen.size).toBe(300);
  });
});

describe('key derivation', () => {
  it('Argon2id is deterministic per password and salt, and differs otherwise', async () => {
    const salt = Buffer.alloc(16, 1);
    const p = { opsLimit: 1, memKiB: 8 * 1024 };
    const a = await deriveFromPassword(Buffer.from('hunter2'), salt, p);
    const b = await deriveFromPassword(Buffer.from('hunter2'), salt, p);
    const c = await deriveFromPassword(Buffer.from('hunter3'), salt, p);
    const d = await deriveFromPassword(Buffer.from('hunter2'), Buffer.alloc(16, 2), p);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    expect(a.equals(d)).toBe(false);
    expect(DEFAULT_ARGON2.memKiB).toBeGreaterThanOrEqual(64 * 1024);
  });
  it('refuses implausible parameters as a damaged header', async () => {
    await expect(deriveFromPassword(Buffer.from('x'), Buffer.alloc(16), { opsLimit: 0, memKiB: 8 })).rejects.toSatisfy(
      (e: unknown) => isWarpError(e, 'E_ARCHIVE_HEADER_CORRUPT'),
    );
  });
  it('subkeys are separated by purpose and salt', () => {
    const m = Buffer.alloc(32, 9);
    expect(subkey(m, Buffer.alloc(16), 'a').equals(subkey(m, Buffer.alloc(16), 'b'))).toBe(false);
    expect(subkey(m, Buffer.alloc(16), 'a').equals(subkey(m, Buffer.alloc(16, 1), 'a'))).toBe(false);
  });
});
