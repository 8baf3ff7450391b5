/**
 * One error type for the whole engine. Every failure a user can meet carries a stable code (for scripts,
 * exit codes and the API) and a message that says what to do. Surfaces never print stacks for these.
 */
export const ErrorCodes = {
  USAGE: 'E_USAGE',
  CONFIG_INVALID: 'E_CONFIG_INVALID',
  INPUT_NOT_FOUND: 'E_INPUT_NOT_FOUND',
  INPUT_UNREADABLE: 'E_INPUT_UNREADABLE',
  OUTPUT_EXISTS: 'E_OUTPUT_EXISTS',
  OUTPUT_UNWRITABLE: 'E_OUTPUT_UNWRITABLE',
  DISK_FULL: 'E_DISK_FULL',
  ARCHIVE_NOT_WARP: 'E_ARCHIVE_NOT_WARP',
  ARCHIVE_VERSION: 'E_ARCHIVE_VERSION',
  ARCHIVE_HEADER_CORRUPT: 'E_ARCHIVE_HEADER_CORRUPT',
  ARCHIVE_TRUNCATED: 'E_ARCHIVE_TRUNCATED',
  ARCHIVE_TRAILER_CORRUPT: 'E_ARCHIVE_TRAILER_CORRUPT',
  MANIFEST_CORRUPT: 'E_MANIFEST_CORRUPT',
  CHUNK_CORRUPT: 'E_CHUNK_CORRUPT',
  FILE_HASH_MISMATCH: 'E_FILE_HASH_MISMATCH',
  VERIFY_FAILED: 'E_VERIFY_FAILED',
  KEY_REQUIRED: 'E_KEY_REQUIRED',
  WRONG_KEY: 'E_WRONG_KEY',
  /** The archive's header asks for more key-derivation work than the reader allows (raise it explicitly). */
  KDF_LIMIT: 'E_KDF_LIMIT',
  KEY_FILE_INVALID: 'E_KEY_FILE_INVALID',
  UNSAFE_PATH: 'E_UNSAFE_PATH',
  IGNORE_INVALID: 'E_IGNORE_INVALID',
  NOT_IN_ARCHIVE: 'E_NOT_IN_ARCHIVE',
  CANCELLED: 'E_CANCELLED',
  GPU_UNAVAILABLE: 'E_GPU_UNAVAILABLE',
  PEER_UNREACHABLE: 'E_PEER_UNREACHABLE',
  PEER_NOT_PAIRED: 'E_PEER_NOT_PAIRED',
  PEER_ID_MISMATCH: 'E_PEER_ID_MISMATCH',
  PAIRING_FAILED: 'E_PAIRING_FAILED',
  /** A pairing code that is not in the form `warp pair` prints (mistyped, cut short). */
  PAIR_CODE_INVALID: 'E_PAIR_CODE_INVALID',
  /** The code's proof is wrong: a mistyped or forged code. */
  PAIR_CODE_WRONG: 'E_PAIR_CODE_WRONG',
  PAIR_CODE_EXPIRED: 'E_PAIR_CODE_EXPIRED',
  /** The code paired a device already (each code pairs once). */
  PAIR_CODE_USED: 'E_PAIR_CODE_USED',
  /** The other machine said no to a pairing request (its user rejected it, it is busy, or it takes none). */
  PAIR_REJECTED: 'E_PAIR_REJECTED',
  /** Nobody answered a pairing request on the other machine in time (or it no longer knows the request). */
  PAIR_TIMEOUT: 'E_PAIR_TIMEOUT',
  /** A peer id or name that is not paired with this installation (for an edit or a rename). */
  PEER_UNKNOWN: 'E_PEER_UNKNOWN',
  /** A paired peer with no known address (and none found on the network). */
  PEER_NO_ADDRESS: 'E_PEER_NO_ADDRESS',
  /** A circuit relay refused a reservation or a relayed connection (not paired through it, full, over its caps). */
  RELAY_REFUSED: 'E_RELAY_REFUSED',
  PROTOCOL: 'E_PROTOCOL',
  REMOTE: 'E_REMOTE',
  CHUNK_UNAVAILABLE: 'E_CHUNK_UNAVAILABLE',
  SESSION_NOT_FOUND: 'E_SESSION_NOT_FOUND',
  /** A share link whose share is paused, revoked, expired or out of downloads. */
  SHARE_UNAVAILABLE: 'E_SHARE_UNAVAILABLE',
  INTERNAL: 'E_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface WarpErrorOptions {
  /** Extra machine-readable facts (paths, chunk indices) for --json output and the API. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error type. `C` is the code set: the engine's own codes by default; the renderer's BridgeError widens it
 * to every code a transport answers with (the engine's plus API-level ones such as UNREACHABLE).
 */
export class WarpError<C extends string = ErrorCode> extends Error {
  readonly code: C;
  readonly details: Record<string, unknown>;

  constructor(code: C, message: string, options: WarpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WarpError';
    this.code = code;
    this.details = options.details ?? {};
  }

  toJSON(): { code: C; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isWarpError(e: unknown, code?: ErrorCode): e is WarpError {
  return e instanceof WarpError && (code === undefined || e.code === code);
}

/** Node's system errors carry a `code` like ENOENT; this reads it without `any`. */
export function systemCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    return (e as { code: string }).code;
  }
  return undefined;
}

/**
 * Turns an operating-system error met while touching `path` into a WarpError a user can act on.
 * Anything already a WarpError passes through unchanged.
 */
export function fromSystemError(e: unknown, path: string, doing: 'read' | 'write'): WarpError {
  if (e instanceof WarpError) return e;
  const sys = systemCode(e);
  const details = { path, errno: sys };
  switch (sys) {
    case 'ENOENT':
      return doing === 'read'
        ? new WarpError(ErrorCodes.INPUT_NOT_FOUND, `${path}: no such file or directory`, { details, cause: e })
        : new WarpError(ErrorCodes.OUTPUT_UNWRITABLE, `${path}: the parent directory does not exist`, {
            details,
            cause: e,
          });
    case 'EACCES':
    case 'EPERM':
      return doing === 'read'
        ? new WarpError(ErrorCodes.INPUT_UNREADABLE, `${path}: permission denied (check the file's permissions)`, {
            details,
            cause: e,
          })
        : new WarpError(ErrorCodes.OUTPUT_UNWRITABLE, `${path}: permission denied (choose a writable location)`, {
            details,
            cause: e,
          });
    case 'ENOSPC':
    case 'EDQUOT':
      return new WarpError(
        ErrorCodes.DISK_FULL,
        `${path}: no space left on the device; free some space and run the command again (nothing was left under the final name)`,
        { details, cause: e },
      );
    case 'EEXIST':
      return new WarpError(ErrorCodes.OUTPUT_EXISTS, `${path} already exists`, { details, cause: e });
    case 'EISDIR':
      return new WarpError(
        doing === 'read' ? ErrorCodes.INPUT_UNREADABLE : ErrorCodes.OUTPUT_UNWRITABLE,
        `${path} is a directory`,
        { details, cause: e },
      );
    case 'EROFS':
      return new WarpError(ErrorCodes.OUTPUT_UNWRITABLE, `${path}: the file system is read-only`, {
        details,
        cause: e,
      });
    default: {
      const msg = e instanceof Error ? e.message : String(e);
      return new WarpError(
        doing === 'read' ? ErrorCodes.INPUT_UNREADABLE : ErrorCodes.OUTPUT_UNWRITABLE,
        `${path}: ${msg}`,
        { details, cause: e },
      );
    }
  }
}
