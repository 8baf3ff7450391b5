// The subset of sodium-native (libsodium) that Warp uses.
declare module 'sodium-native' {
  const sodium: {
    crypto_aead_chacha20poly1305_ietf_ABYTES: number;
    crypto_aead_chacha20poly1305_ietf_encrypt(
      c: Buffer,
      m: Buffer,
      ad: Buffer | null,
      nsec: null,
      npub: Buffer,
      k: Buffer,
    ): number;
    crypto_aead_chacha20poly1305_ietf_decrypt(
      m: Buffer,
      nsec: null,
      c: Buffer,
      ad: Buffer | null,
      npub: Buffer,
      k: Buffer,
    ): number;
    crypto_pwhash_ALG_ARGON2ID13: number;
    crypto_pwhash(out: Buffer, passwd: Buffer, salt: Buffer, opslimit: number, memlimit: number, alg: number): void;
    crypto_pwhash_async(
      out: Buffer,
      passwd: Buffer,
      salt: Buffer,
      opslimit: number,
      memlimit: number,
      alg: number,
      cb: (err: Error | null) => void,
    ): void;
  };
  export default sodium;
}
