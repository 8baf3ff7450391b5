/**
 * ChaCha20-Poly1305 (IETF: 96-bit nonce, 128-bit tag appended), identical under Node and Electron.
 * Plain Node's node:crypto has it and is the fastest; Electron's BoringSSL-based node:crypto does not, so
 * there libsodium (sodium-native) does the same construction. Both produce byte-identical output (tested).
 */
import crypto from 'node:crypto';
import sodium from 'sodium-native';

export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

export interface AeadImpl {
  readonly name: 'node:crypto' | 'sodium-native';
  seal(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array, aad?: Uint8Array): Buffer;
  /** Returns null when the tag does not verify (wrong key or damaged data). */
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Buffer | null;
}

export const nodeCryptoAead: AeadImpl = {
  name: 'node:crypto',
  seal(key, nonce, plain, aad) {
    const c = crypto.createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
    if (aad) c.setAAD(aad, { plaintextLength: plain.length });
    const out = Buffer.allocUnsafe(plain.length + TAG_BYTES);
    const n = c.update(plain).copy(out, 0);
    c.final();
    c.getAuthTag().copy(out, n);
    return out;
  },
  open(key, nonce, sealed, aad) {
    if (sealed.length < TAG_BYTES) return null;
    const d = crypto.createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
    d.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    if (aad) d.setAAD(aad, { plaintextLength: sealed.length - TAG_BYTES });
    const body = d.update(sealed.subarray(0, sealed.length - TAG_BYTES));
    try {
      d.final();
    } catch {
      return null;
    }
    return body;
  },
};

const asBuf = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

export const sodiumAead: AeadImpl = {
  name: 'sodium-native',
  seal(key, nonce, plain, aad) {
    const out = Buffer.allocUnsafe(plain.length + TAG_BYTES);
    sodium.crypto_aead_chacha20poly1305_ietf_encrypt(
      out,
      asBuf(plain),
      aad ? asBuf(aad) : null,
      null,
      asBuf(nonce),
      asBuf(key),
    );
    return out;
  },
  open(key, nonce, sealed, aad) {
    if (sealed.length < TAG_BYTES) return null;
    const out = Buffer.allocUnsafe(sealed.length - TAG_BYTES);
    try {
      sodium.crypto_aead_chacha20poly1305_ietf_decrypt(
        out,
        null,
        asBuf(sealed),
        aad ? asBuf(aad) : null,
        asBuf(nonce),
        asBuf(key),
      );
    } catch {
      return null;
    }
    return out;
  },
};

function nodeHasChaCha(): boolean {
  try {
    return crypto.getCiphers().includes('chacha20-poly1305');
  } catch {
    return false;
  }
}

/** The implementation this runtime uses: node:crypto where it has the cipher, libsodium otherwise. */
export const aead: AeadImpl = nodeHasChaCha() ? nodeCryptoAead : sodiumAead;

/**
 * Nonces are never reused under one key: every archive (and stream) derives its own key from a fresh random
 * salt, and within it the nonce is (domain, counter) with each counter value used once per domain.
 */
export const NonceDomain = { CHUNK: 0, MANIFEST: 1, STREAM: 2 } as const;

export function makeNonce(domain: number, counter: number): Buffer {
  const n = Buffer.alloc(NONCE_BYTES);
  n.writeUInt32LE(domain, 0);
  n.writeBigUInt64LE(BigInt(counter), 4);
  return n;
}
