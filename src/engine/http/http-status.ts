/**
 * The HTTP status of every engine error code, in one table. It is a Record over ErrorCode, so a new code does
 * not type-check until it is given a status here: nothing a client or a peer causes falls through to a 500.
 * 5xx are for the daemon's own failures and for a peer or a device it depends on; anything the request names
 * (a bad path, a damaged archive, a wrong key) is a 4xx. A WarpError may still set `details.status` for a
 * state-specific answer (a 409 for resuming a finished transfer); that wins over the table.
 */
import { ErrorCodes, type ErrorCode } from '../core/errors.ts';

const BAD_REQUEST = 400;
const NOT_FOUND = 404;
const CONFLICT = 409;
/** The request was well formed, but what it names (an archive) is damaged or fails verification. */
const UNPROCESSABLE = 422;
/** A share that existed but is no longer served (revoked, expired, out of downloads). */
const GONE = 410;
const BAD_GATEWAY = 502;
const UNAVAILABLE = 503;
const INSUFFICIENT_STORAGE = 507;

export const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCodes.USAGE]: BAD_REQUEST,
  [ErrorCodes.CONFIG_INVALID]: BAD_REQUEST,
  [ErrorCodes.IGNORE_INVALID]: BAD_REQUEST,
  [ErrorCodes.INPUT_NOT_FOUND]: BAD_REQUEST,
  [ErrorCodes.INPUT_UNREADABLE]: BAD_REQUEST,
  [ErrorCodes.OUTPUT_EXISTS]: BAD_REQUEST,
  [ErrorCodes.OUTPUT_UNWRITABLE]: BAD_REQUEST,
  [ErrorCodes.UNSAFE_PATH]: BAD_REQUEST,
  [ErrorCodes.NOT_IN_ARCHIVE]: BAD_REQUEST,
  [ErrorCodes.KEY_REQUIRED]: BAD_REQUEST,
  [ErrorCodes.WRONG_KEY]: BAD_REQUEST,
  [ErrorCodes.KEY_FILE_INVALID]: BAD_REQUEST,
  [ErrorCodes.ARCHIVE_NOT_WARP]: BAD_REQUEST,
  [ErrorCodes.ARCHIVE_VERSION]: BAD_REQUEST,
  [ErrorCodes.PEER_NOT_PAIRED]: BAD_REQUEST,
  [ErrorCodes.PEER_ID_MISMATCH]: BAD_REQUEST,
  [ErrorCodes.PAIRING_FAILED]: BAD_REQUEST,
  [ErrorCodes.PAIR_CODE_INVALID]: BAD_REQUEST,
  [ErrorCodes.PAIR_CODE_WRONG]: BAD_REQUEST,
  [ErrorCodes.PAIR_CODE_EXPIRED]: GONE,
  [ErrorCodes.PAIR_CODE_USED]: GONE,
  [ErrorCodes.PAIR_REJECTED]: CONFLICT,
  [ErrorCodes.PAIR_TIMEOUT]: GONE,
  [ErrorCodes.PEER_UNKNOWN]: NOT_FOUND,
  [ErrorCodes.PEER_NO_ADDRESS]: CONFLICT,
  [ErrorCodes.ARCHIVE_HEADER_CORRUPT]: UNPROCESSABLE,
  [ErrorCodes.ARCHIVE_TRUNCATED]: UNPROCESSABLE,
  [ErrorCodes.ARCHIVE_TRAILER_CORRUPT]: UNPROCESSABLE,
  [ErrorCodes.MANIFEST_CORRUPT]: UNPROCESSABLE,
  [ErrorCodes.CHUNK_CORRUPT]: UNPROCESSABLE,
  [ErrorCodes.FILE_HASH_MISMATCH]: UNPROCESSABLE,
  [ErrorCodes.VERIFY_FAILED]: UNPROCESSABLE,
  [ErrorCodes.KDF_LIMIT]: UNPROCESSABLE,
  [ErrorCodes.SESSION_NOT_FOUND]: NOT_FOUND,
  [ErrorCodes.SHARE_UNAVAILABLE]: GONE,
  [ErrorCodes.CANCELLED]: CONFLICT,
  [ErrorCodes.PEER_UNREACHABLE]: BAD_GATEWAY,
  [ErrorCodes.RELAY_REFUSED]: BAD_GATEWAY,
  [ErrorCodes.PROTOCOL]: BAD_GATEWAY,
  [ErrorCodes.REMOTE]: BAD_GATEWAY,
  [ErrorCodes.CHUNK_UNAVAILABLE]: BAD_GATEWAY,
  [ErrorCodes.GPU_UNAVAILABLE]: UNAVAILABLE,
  [ErrorCodes.DISK_FULL]: INSUFFICIENT_STORAGE,
  [ErrorCodes.INTERNAL]: 500,
};

/** The status for an engine error: its own `details.status` where it set one, else the table's. */
export function httpStatusFor(code: ErrorCode, details: { status?: unknown }): number {
  const own = details.status;
  if (typeof own === 'number' && Number.isInteger(own) && own >= 400 && own <= 599) return own;
  return HTTP_STATUS[code] ?? 500;
}
