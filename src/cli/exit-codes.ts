/**
 * Documented exit codes (README "Exit codes"). Scripts rely on these; never renumber.
 */
import { ErrorCodes, type ErrorCode } from '../engine/core/errors.ts';

export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  INTEGRITY: 3,
  KEY: 4,
  IO: 5,
  EXISTS: 6,
  UNSAFE: 7,
  NETWORK: 8,
  NOT_PAIRED: 9,
  CANCELLED: 130,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case ErrorCodes.USAGE:
    case ErrorCodes.CONFIG_INVALID:
    case ErrorCodes.IGNORE_INVALID:
      return ExitCode.USAGE;
    case ErrorCodes.ARCHIVE_NOT_WARP:
    case ErrorCodes.ARCHIVE_VERSION:
    case ErrorCodes.ARCHIVE_HEADER_CORRUPT:
    case ErrorCodes.ARCHIVE_TRUNCATED:
    case ErrorCodes.ARCHIVE_TRAILER_CORRUPT:
    case ErrorCodes.MANIFEST_CORRUPT:
    case ErrorCodes.CHUNK_CORRUPT:
    case ErrorCodes.FILE_HASH_MISMATCH:
    case ErrorCodes.VERIFY_FAILED:
    case ErrorCodes.KDF_LIMIT:
      return ExitCode.INTEGRITY;
    case ErrorCodes.KEY_REQUIRED:
    case ErrorCodes.WRONG_KEY:
    case ErrorCodes.KEY_FILE_INVALID:
      return ExitCode.KEY;
    case ErrorCodes.INPUT_NOT_FOUND:
    case ErrorCodes.INPUT_UNREADABLE:
    case ErrorCodes.OUTPUT_UNWRITABLE:
    case ErrorCodes.DISK_FULL:
      return ExitCode.IO;
    case ErrorCodes.OUTPUT_EXISTS:
      return ExitCode.EXISTS;
    case ErrorCodes.UNSAFE_PATH:
    case ErrorCodes.NOT_IN_ARCHIVE:
      return ExitCode.UNSAFE;
    case ErrorCodes.PEER_UNREACHABLE:
    case ErrorCodes.PROTOCOL:
    case ErrorCodes.REMOTE:
    case ErrorCodes.CHUNK_UNAVAILABLE:
    case ErrorCodes.SHARE_UNAVAILABLE:
    case ErrorCodes.RELAY_REFUSED:
      return ExitCode.NETWORK;
    case ErrorCodes.PEER_NOT_PAIRED:
    case ErrorCodes.PEER_ID_MISMATCH:
    case ErrorCodes.PAIRING_FAILED:
    case ErrorCodes.PAIR_CODE_INVALID:
    case ErrorCodes.PAIR_CODE_WRONG:
    case ErrorCodes.PAIR_CODE_EXPIRED:
    case ErrorCodes.PAIR_CODE_USED:
    case ErrorCodes.PAIR_REJECTED:
    case ErrorCodes.PAIR_TIMEOUT:
    case ErrorCodes.PEER_NO_ADDRESS:
      return ExitCode.NOT_PAIRED;
    case ErrorCodes.PEER_UNKNOWN:
      return ExitCode.USAGE;
    case ErrorCodes.SESSION_NOT_FOUND:
      return ExitCode.USAGE;
    case ErrorCodes.CANCELLED:
      return ExitCode.CANCELLED;
    default:
      return ExitCode.FAILURE;
  }
}
