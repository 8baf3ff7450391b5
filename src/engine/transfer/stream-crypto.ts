/**
 * `warp stream encrypt|decrypt`: a password-protected pipe format, any length, constant memory.
 *
 *   header  "WARPSTR1" | salt (16) | Argon2 opsLimit u32 | memKiB u32 | chunk size u32        (36 bytes)
 *   record  u32 BE (bit 31: final, bits 0-30: sealed length) | ChaCha20-Poly1305(chunk)
 *
 * Key: Argon2id(password, salt) -> HKDF "warp/stream/v1/data". Nonce: (STREAM domain, record counter): unique
 * per record under a key that is unique per stream (fresh salt). AAD: header | counter | final flag, so
 * records cannot be reordered, dropped, or cut short (the last record is always marked final, even if empty).
 */
import type { Readable, Writable } from 'node:stream';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { NonceDomain, TAG_BYTES, aead, makeNonce } from '../codec/aead.ts';
import {
  DEFAULT_ARGON2,
  DEFAULT_KDF_LIMITS,
  SALT_BYTES,
  deriveFromPassword,
  randomBytes,
  subkey,
  validateArgon2,
  type Argon2Params,
  type KdfLimits,
} from '../codec/kdf.ts';

const MAGIC = Buffer.from('WARPSTR1');
const HEADER_BYTES = 8 + SALT_BYTES + 12;
const FINAL = 0x80000000;
export const STREAM_CHUNK = 64 * 1024;

function aad(header: Buffer, counter: number, final: boolean): Buffer {
  const a = Buffer.allocUnsafe(header.length + 9);
  header.copy(a, 0);
  a.writeBigUInt64BE(BigInt(counter), header.length);
  a[header.length + 8] = final ? 1 : 0;
  return a;
}

/** Reads exactly n bytes (fewer only at end of input). */
class ByteReader {
  private pieces: Buffer[] = [];
  private len = 0;
  private ended = false;
  private readonly it: AsyncIterator<Buffer>;

  constructor(input: Readable) {
    this.it = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  async read(n: number): Promise<Buffer> {
    while (this.len < n && !this.ended) {
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else {
        const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
        this.pieces.push(b);
        this.len += b.length;
      }
    }
    const all = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces);
    const out = all.subarray(0, Math.min(n, all.length));
    const rest = all.subarray(out.length);
    this.pieces = rest.length > 0 ? [rest] : [];
    this.len = rest.length;
    return out;
  }
}

async function write(out: Writable, data: Uint8Array): Promise<void> {
  if (out.write(data)) return;
  await new Promise<void>((resolve, reject) => {
    const onErr = (e: Error): void => {
      out.off('drain', onDrain);
      reject(e);
    };
    const onDrain = (): void => {
      out.off('error', onErr);
      resolve();
    };
    out.once('drain', onDrain);
    out.once('error', onErr);
  });
}

export async function encryptStream(
  input: Readable,
  output: Writable,
  password: Uint8Array,
  opts: { chunk?: number; argon2?: Argon2Params } = {},
): Promise<{ bytes: number; records: number }> {
  const chunk = opts.chunk ?? STREAM_CHUNK;
  const argon = opts.argon2 ?? DEFAULT_ARGON2;
  const salt = randomBytes(SALT_BYTES);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  salt.copy(header, 8);
  header.writeUInt32BE(argon.opsLimit, 24);
  header.writeUInt32BE(argon.memKiB, 28);
  header.writeUInt32BE(chunk, 32);
  const key = subkey(await deriveFromPassword(password, salt, argon), salt, 'warp/stream/v1/data');
  await write(output, header);
  const reader = new ByteReader(input);
  let counter = 0;
  let bytes = 0;
  // Read one chunk ahead so the last record can be marked final.
  let cur = await reader.read(chunk);
  for (;;) {
    const next = cur.length < chunk ? Buffer.alloc(0) : await reader.read(chunk);
    const final = cur.length < chunk || next.length === 0;
    const sealed = aead.seal(key, makeNonce(NonceDomain.STREAM, counter), cur, aad(header, counter, final));
    const prefix = Buffer.allocUnsafe(4);
    prefix.writeUInt32BE((sealed.length | (final ? FINAL : 0)) >>> 0, 0);
    await write(output, prefix);
    await write(output, sealed);
    bytes += cur.length;
    counter++;
    if (final) break;
    cur = next;
  }
  return { bytes, records: counter };
}

export async function decryptStream(
  input: Readable,
  output: Writable,
  password: Uint8Array,
  kdfLimits: KdfLimits = DEFAULT_KDF_LIMITS,
): Promise<{ bytes: number; records: number }> {
  const reader = new ByteReader(input);
  const header = await reader.read(HEADER_BYTES);
  if (header.length < HEADER_BYTES || !header.subarray(0, 8).equals(MAGIC)) {
    throw new WarpError(
      ErrorCodes.ARCHIVE_NOT_WARP,
      'the input is not a Warp encrypted stream (made by `warp stream encrypt`)',
    );
  }
  const argon = { opsLimit: header.readUInt32BE(24), memKiB: header.readUInt32BE(28) };
  validateArgon2(argon);
  const chunk = header.readUInt32BE(32);
  if (chunk < 1 || chunk > 64 * 1024 * 1024)
    throw new WarpError(ErrorCodes.ARCHIVE_HEADER_CORRUPT, 'the stream header is damaged (chunk size)');
  const salt = header.subarray(8, 24);
  const key = subkey(await deriveFromPassword(password, salt, argon, kdfLimits), salt, 'warp/stream/v1/data');
  let counter = 0;
  let bytes = 0;
  for (;;) {
    const prefix = await reader.read(4);
    if (prefix.length < 4)
      throw new WarpError(
        ErrorCodes.ARCHIVE_TRUNCATED,
        `the encrypted stream is truncated after ${bytes} bytes (no final record)`,
      );
    const v = prefix.readUInt32BE(0);
    const final = (v & FINAL) !== 0;
    const len = v & ~FINAL;
    if (len < TAG_BYTES || len > chunk + TAG_BYTES)
      throw new WarpError(ErrorCodes.CHUNK_CORRUPT, `record ${counter} has an impossible length ${len}`);
    const sealed = await reader.read(len);
    if (sealed.length < len)
      throw new WarpError(ErrorCodes.ARCHIVE_TRUNCATED, `the encrypted stream is truncated in record ${counter}`);
    const plain = aead.open(key, makeNonce(NonceDomain.STREAM, counter), sealed, aad(header, counter, final));
    if (!plain) {
      throw new WarpError(
        counter === 0 ? ErrorCodes.WRONG_KEY : ErrorCodes.CHUNK_CORRUPT,
        counter === 0 ? 'wrong password, or the stream is damaged' : `record ${counter} is damaged or out of order`,
      );
    }
    await write(output, plain);
    bytes += plain.length;
    counter++;
    if (final) break;
  }
  const extra = await reader.read(1);
  if (extra.length > 0) throw new WarpError(ErrorCodes.CHUNK_CORRUPT, 'unexpected bytes after the final record');
  return { bytes, records: counter };
}
