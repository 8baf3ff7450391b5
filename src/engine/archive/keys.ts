/**
 * What a user gives to encrypt or open an archive, and the per-archive keys derived from it.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import {
  DEFAULT_ARGON2,
  DEFAULT_KDF_LIMITS,
  SALT_BYTES,
  deriveFromPassword,
  randomBytes,
  readKeyFile,
  readPasswordFile,
  subkey,
  type Argon2Params,
  type KdfLimits,
} from '../codec/kdf.ts';
import { Kdf, type Header } from './format.ts';

/** `kdfLimits`: the most Argon2id work an archive's header may ask of this password (default DEFAULT_KDF_LIMITS). */
export type KeySource =
  { kind: 'password'; password: Uint8Array; kdfLimits?: KdfLimits } | { kind: 'key'; key: Uint8Array };

export async function keySourceFromFiles(opts: {
  passwordFile?: string;
  keyFile?: string;
  kdfLimits?: KdfLimits;
}): Promise<KeySource | undefined> {
  if (opts.passwordFile && opts.keyFile)
    throw new WarpError(ErrorCodes.USAGE, 'give either --password-file or --key-file, not both');
  if (opts.passwordFile)
    return { kind: 'password', password: await readPasswordFile(opts.passwordFile), kdfLimits: opts.kdfLimits };
  if (opts.keyFile) return { kind: 'key', key: await readKeyFile(opts.keyFile) };
  return undefined;
}

export interface ArchiveKeys {
  data: Buffer;
  check: Buffer;
}

const DATA_PURPOSE = 'warp/archive/v1/data';
const CHECK_PURPOSE = 'warp/archive/v1/check';

function deriveArchiveKeys(master: Uint8Array, archiveSalt: Uint8Array): ArchiveKeys {
  return { data: subkey(master, archiveSalt, DATA_PURPOSE), check: subkey(master, archiveSalt, CHECK_PURPOSE, 16) };
}

/** For a new archive: fresh salts, Argon2id for passwords. */
export async function newArchiveKeys(
  src: KeySource,
  argon2: Argon2Params = DEFAULT_ARGON2,
): Promise<{ keys: ArchiveKeys; kdf: Kdf; kdfSalt: Buffer; archiveSalt: Buffer; argon2: Argon2Params }> {
  const archiveSalt = randomBytes(SALT_BYTES);
  if (src.kind === 'key') {
    return {
      keys: deriveArchiveKeys(src.key, archiveSalt),
      kdf: Kdf.KEY_FILE,
      kdfSalt: Buffer.alloc(SALT_BYTES),
      archiveSalt,
      argon2: { opsLimit: 0, memKiB: 0 },
    };
  }
  const kdfSalt = randomBytes(SALT_BYTES);
  const master = await deriveFromPassword(src.password, kdfSalt, argon2);
  return { keys: deriveArchiveKeys(master, archiveSalt), kdf: Kdf.ARGON2ID, kdfSalt, archiveSalt, argon2 };
}

/** For an existing archive: derive, then compare the check value so a wrong key is named as such. */
export async function openArchiveKeys(h: Header, src: KeySource | undefined, what: string): Promise<ArchiveKeys> {
  const needs = h.kdf === Kdf.ARGON2ID ? '--password-file' : '--key-file';
  if (!src) throw new WarpError(ErrorCodes.KEY_REQUIRED, `${what} is encrypted: give ${needs}`);
  if (h.kdf === Kdf.ARGON2ID && src.kind !== 'password')
    throw new WarpError(
      ErrorCodes.WRONG_KEY,
      `${what} was encrypted with a password: give --password-file, not a key file`,
    );
  if (h.kdf === Kdf.KEY_FILE && src.kind !== 'key')
    throw new WarpError(ErrorCodes.WRONG_KEY, `${what} was encrypted with a key file: give --key-file, not a password`);
  const master =
    src.kind === 'key'
      ? src.key
      : await deriveFromPassword(src.password, h.kdfSalt, h.argon2, src.kdfLimits ?? DEFAULT_KDF_LIMITS);
  const keys = deriveArchiveKeys(master, h.archiveSalt);
  if (!keys.check.equals(h.keyCheck)) {
    throw new WarpError(
      ErrorCodes.WRONG_KEY,
      src.kind === 'password' ? `wrong password for ${what}` : `wrong key file for ${what}`,
    );
  }
  return keys;
}
