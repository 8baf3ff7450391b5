/**
 * Keys. A master key comes from a password (Argon2id, libsodium; parameters stored in the archive header)
 * or from a 32-byte key file. Per-archive keys are derived from the master key and the archive's random
 * salt with HKDF-SHA256, so no two archives share a data key and nonces can be simple counters.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import sodium from 'sodium-native';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { ARGON2_MAX_MEMORY_DEFAULT, ARGON2_MAX_PASSES_DEFAULT } from '../config/schema.ts';
import { KEY_BYTES } from './aead.ts';

export const SALT_BYTES = 16;

export interface Argon2Params {
  /** Passes over memory (t). */
  opsLimit: number;
  /** Memory in KiB (m). */
  memKiB: number;
}

/** 3 passes over 64 MiB: ~0.2 s here, the OWASP-recommended class for interactive use. */
export const DEFAULT_ARGON2: Argon2Params = { opsLimit: 3, memKiB: 64 * 1024 };

/**
 * The most Argon2id work a reader agrees to from a header, which nothing authenticates before the key is
 * derived: a crafted archive or stream could otherwise ask for 4 GiB and 64 passes per open. Warp writes
 * DEFAULT_ARGON2 (64 MiB, 3 passes); the defaults leave room for a stronger writer default (4x the memory) and
 * a user who trusts an archive made with more raises them (`--argon2-max-memory`, `archive.argon2_max_memory`).
 */
export interface KdfLimits {
  maxMemKiB: number;
  maxOps: number;
}

export const DEFAULT_KDF_LIMITS: KdfLimits = {
  maxMemKiB: ARGON2_MAX_MEMORY_DEFAULT / 1024,
  maxOps: ARGON2_MAX_PASSES_DEFAULT,
};

function checkKdfLimits(p: Argon2Params, limits: KdfLimits): void {
  if (p.memKiB <= limits.maxMemKiB && p.opsLimit <= limits.maxOps) return;
  throw new WarpError(
    ErrorCodes.KDF_LIMIT,
    `the header asks for Argon2id with ${Math.round(p.memKiB / 1024)} MiB and ${p.opsLimit} passes, more than this reader allows (${Math.round(limits.maxMemKiB / 1024)} MiB, ${limits.maxOps} passes); ` +
      'Warp never writes such archives. If you trust it, raise the limit with --argon2-max-memory / --argon2-max-passes (config: archive.argon2_max_memory, archive.argon2_max_passes)',
    { details: { memKiB: p.memKiB, opsLimit: p.opsLimit, maxMemKiB: limits.maxMemKiB, maxOps: limits.maxOps } },
  );
}

export function validateArgon2(p: Argon2Params): void {
  const okOps = Number.isInteger(p.opsLimit) && p.opsLimit >= 1 && p.opsLimit <= 64;
  const okMem = Number.isInteger(p.memKiB) && p.memKiB >= 8 && p.memKiB <= 4 * 1024 * 1024;
  if (!okOps || !okMem) {
    throw new WarpError(
      ErrorCodes.ARCHIVE_HEADER_CORRUPT,
      `implausible Argon2id parameters (t=${p.opsLimit}, m=${p.memKiB} KiB): the header is damaged`,
    );
  }
}

/** `limits`: given when `p` comes from untrusted input (a header); absent when this process chose `p`. */
export async function deriveFromPassword(
  password: Uint8Array,
  salt: Uint8Array,
  p: Argon2Params,
  limits?: KdfLimits,
): Promise<Buffer> {
  validateArgon2(p);
  if (limits) checkKdfLimits(p, limits);
  if (password.length === 0) throw new WarpError(ErrorCodes.KEY_FILE_INVALID, 'the password is empty');
  const out = Buffer.alloc(KEY_BYTES);
  await new Promise<void>((resolve, reject) =>
    sodium.crypto_pwhash_async(
      out,
      Buffer.from(password),
      Buffer.from(salt),
      p.opsLimit,
      p.memKiB * 1024,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
      (err: Error | null) => (err ? reject(err) : resolve()),
    ),
  );
  return out;
}

/** HKDF-SHA256 subkey for one purpose ("warp/archive/v1/data", …) bound to a salt. */
export function subkey(master: Uint8Array, salt: Uint8Array, purpose: string, bytes = KEY_BYTES): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', master, salt, purpose, bytes));
}

async function readSecretFile(path: string): Promise<Buffer> {
  try {
    return await fs.readFile(path);
  } catch (e) {
    throw fromSystemError(e, path, 'read');
  }
}

/** A password file: its bytes, less one trailing newline (what `echo pw > file` writes). */
export async function readPasswordFile(path: string): Promise<Buffer> {
  const data = await readSecretFile(path);
  let end = data.length;
  if (end > 0 && data[end - 1] === 0x0a) end--;
  if (end > 0 && data[end - 1] === 0x0d) end--;
  if (end === 0) throw new WarpError(ErrorCodes.KEY_FILE_INVALID, `${path}: the password file is empty`);
  return data.subarray(0, end);
}

/** A key file holds 32 raw bytes, or 64 hex digits (optionally followed by a newline). */
export async function readKeyFile(path: string): Promise<Buffer> {
  const data = await readSecretFile(path);
  if (data.length === KEY_BYTES) return data;
  const text = data.toString('latin1').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  throw new WarpError(
    ErrorCodes.KEY_FILE_INVALID,
    `${path}: a key file must hold exactly 32 bytes or 64 hex digits (got ${data.length} bytes); create one with: head -c 32 /dev/urandom > key`,
  );
}

export function randomBytes(n: number): Buffer {
  return crypto.randomBytes(n);
}
