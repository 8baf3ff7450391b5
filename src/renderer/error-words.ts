/**
 * One map from every error code the UI can meet (the engine's, the daemon's, the web transport's) to words a
 * person understands: what happened, what to do, and which action button helps. The engine's own message and
 * code stay available in a details disclosure (ErrorNote). A test checks every engine code has an entry.
 */
import type { ErrorCode } from '../engine/core/errors.ts';
import { normalizeError } from './bridge/errors.ts';

/** Buttons an error can offer; the page that shows it wires the ones it can do (ErrorNote). */
export type ErrorAction = 'unlock' | 'verify' | 'pair' | 'retry' | 'settings' | 'sign-in';

export interface ErrorWords {
  title: string;
  hint: string;
  action?: ErrorAction;
}

/** Codes outside the engine's list: the daemon's HTTP layer and the web transport. */
type EdgeCode =
  | 'UNREACHABLE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN_HOST'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'SWARM_UNAVAILABLE'
  | 'SYNC_UNAVAILABLE'
  | 'TRANSFER_FAILED'
  | 'UPLOAD_PATH_CLASH'
  | 'INTERNAL';

export const ERROR_WORDS: Record<ErrorCode | EdgeCode, ErrorWords> = {
  E_USAGE: {
    title: 'That request is not complete',
    hint: 'Check the fields above: a value is missing or not in the form Warp expects.',
  },
  E_CONFIG_INVALID: {
    title: 'A setting is not valid',
    hint: 'Open Settings and correct the value named below.',
    action: 'settings',
  },
  E_INPUT_NOT_FOUND: {
    title: 'Nothing is at that path',
    hint: 'Check the path: the file or folder does not exist (paths are on the machine that runs Warp).',
  },
  E_INPUT_UNREADABLE: {
    title: 'Warp may not read that',
    hint: 'The file or folder exists but this user cannot read it. Change its permissions or pick another.',
  },
  E_OUTPUT_EXISTS: {
    title: 'Something is already there',
    hint: 'Pick another destination, or remove what is there first.',
  },
  E_OUTPUT_UNWRITABLE: { title: 'Warp may not write there', hint: 'Pick a folder this user can write to.' },
  E_DISK_FULL: {
    title: 'The disk is full',
    hint: 'Free some space on the destination disk, then try again.',
    action: 'retry',
  },
  E_ARCHIVE_NOT_WARP: {
    title: 'This is not a Warp archive',
    hint: 'The file is not a .warp archive (or its first bytes were overwritten).',
  },
  E_ARCHIVE_VERSION: { title: 'This archive is from a newer Warp', hint: 'Update Warp to open it.' },
  E_ARCHIVE_HEADER_CORRUPT: {
    title: 'This archive is damaged',
    hint: 'Its header is unreadable. Restore it from another copy.',
  },
  E_ARCHIVE_TRUNCATED: {
    title: 'This archive is incomplete',
    hint: 'The file ends early: it was not fully written or copied. Copy it again from its source.',
  },
  E_ARCHIVE_TRAILER_CORRUPT: {
    title: 'This archive is damaged',
    hint: 'Its index at the end is unreadable. Restore it from another copy.',
  },
  E_MANIFEST_CORRUPT: {
    title: 'This archive is damaged',
    hint: 'Its file list is unreadable. Restore it from another copy.',
  },
  E_CHUNK_CORRUPT: {
    title: 'Part of this archive is damaged',
    hint: 'Verify it to see which files are affected; the others are intact.',
    action: 'verify',
  },
  E_FILE_HASH_MISMATCH: {
    title: 'A file did not come out as it went in',
    hint: 'Verify the archive to see which files are damaged.',
    action: 'verify',
  },
  E_VERIFY_FAILED: {
    title: 'This archive is damaged',
    hint: 'Show the damaged files to see what can still be recovered.',
    action: 'verify',
  },
  E_KEY_REQUIRED: { title: 'This archive is locked', hint: 'Enter its password to open it.', action: 'unlock' },
  E_WRONG_KEY: {
    title: 'That password is not right',
    hint: 'Enter the password this archive was created with.',
    action: 'unlock',
  },
  E_KDF_LIMIT: {
    title: 'This archive asks for too much memory to unlock',
    hint: 'Its password settings ask for more memory or time than Warp allows by default. If you trust this archive, raise archive.argon2_max_memory / argon2_max_passes in Settings and open it again.',
  },
  E_KEY_FILE_INVALID: { title: 'The key file is not usable', hint: 'Pick the key file this archive was made with.' },
  E_UNSAFE_PATH: {
    title: 'A path would land outside the destination',
    hint: 'Warp refused it to keep your files safe. The archive or peer sent a path like ../ or an absolute one.',
  },
  E_IGNORE_INVALID: { title: 'An ignore rule is not valid', hint: 'Correct the rule named below.' },
  E_NOT_IN_ARCHIVE: { title: 'That path is not in this archive', hint: "Pick paths from the archive's file list." },
  E_CANCELLED: { title: 'Cancelled', hint: 'Stopped as asked; nothing half-written was left behind.' },
  E_GPU_UNAVAILABLE: {
    title: 'No graphics processor is available',
    hint: 'Warp uses the CPU instead; nothing else is needed.',
  },
  E_PEER_UNREACHABLE: {
    title: 'That device cannot be reached',
    hint: 'Check that Warp is running on it and that both are on the same network, then try again.',
    action: 'retry',
  },
  E_PEER_NOT_PAIRED: {
    title: 'This device is not trusted yet',
    hint: 'Pair with it first on the Peers page; then transfers can start.',
    action: 'pair',
  },
  E_PEER_ID_MISMATCH: {
    title: 'A different device answered',
    hint: 'The address now belongs to another device than the one you paired. Pair again if it was replaced.',
    action: 'pair',
  },
  E_PAIRING_FAILED: {
    title: 'Pairing did not work',
    hint: 'Check the code (it is valid for a few minutes) and try again.',
    action: 'retry',
  },
  E_PAIR_CODE_INVALID: {
    title: 'That is not a pairing code',
    hint: 'Copy the whole code the other device shows (letters, digits and dashes), or scan its QR code.',
  },
  E_PAIR_CODE_WRONG: {
    title: 'The code does not match',
    hint: 'The other device refused it: check each character (after three wrong tries it stops; start pairing again there).',
    action: 'retry',
  },
  E_PAIR_CODE_EXPIRED: {
    title: 'The code has expired',
    hint: 'Codes are valid for a few minutes. Start pairing again on the other device for a new one.',
    action: 'pair',
  },
  E_PAIR_CODE_USED: {
    title: 'That code was used already',
    hint: 'Each code pairs one device once. Start pairing again on the other device for a new one.',
    action: 'pair',
  },
  E_PAIR_REJECTED: {
    title: 'The other device said no',
    hint: 'Nothing was paired. Ask the person at the other device to accept the request when both screens show the same code.',
    action: 'retry',
  },
  E_PAIR_TIMEOUT: {
    title: 'Nobody answered the pairing request',
    hint: 'The other device did not accept in time. Ask again while someone is at it to compare the code and accept.',
    action: 'retry',
  },
  E_PEER_UNKNOWN: {
    title: 'That device is not paired',
    hint: 'It is not in your list of paired devices (it may have been removed). Pair with it first.',
    action: 'pair',
  },
  E_PEER_NO_ADDRESS: {
    title: 'Warp does not know where that device is',
    hint: 'Edit its address on the Peers page, or turn on discovery when both are on the same network.',
  },
  E_RELAY_REFUSED: {
    title: 'The relay would not carry this connection',
    hint: 'A relay only connects devices paired with each other, within its limits. Pair first, or ask its operator to raise its caps.',
    action: 'retry',
  },
  E_PROTOCOL: {
    title: 'The other device sent something Warp does not understand',
    hint: 'Update Warp on both devices. Nothing was written.',
  },
  E_REMOTE: {
    title: 'The other device reported a problem',
    hint: 'Its message is below; fix it there, then try again.',
    action: 'retry',
  },
  E_CHUNK_UNAVAILABLE: {
    title: 'Some data is on no reachable device',
    hint: 'Bring a device that holds the whole folder online, then resume.',
    action: 'retry',
  },
  E_SHARE_UNAVAILABLE: {
    title: 'This share is not available',
    hint: 'Its owner paused, revoked or let it expire; ask them for a new link.',
  },
  E_SESSION_NOT_FOUND: {
    title: 'That transfer no longer exists',
    hint: 'It finished or was removed; start it again if needed.',
  },
  E_INTERNAL: {
    title: 'Something went wrong inside Warp',
    hint: 'This is a bug. The details below help to report it.',
  },
  UNREACHABLE: {
    title: 'The Warp daemon is not answering',
    hint: 'Warp reconnects by itself; if it was stopped, start it with `warp daemon`.',
    action: 'retry',
  },
  UNAUTHORIZED: { title: 'This browser is not signed in', hint: 'Sign in with the daemon token.', action: 'sign-in' },
  FORBIDDEN_HOST: {
    title: 'The daemon refused this address',
    hint: 'Open Warp through the address the daemon printed.',
  },
  BAD_REQUEST: { title: 'That request is not complete', hint: 'A field is missing or has the wrong form.' },
  NOT_FOUND: { title: 'Not found', hint: 'It was removed or never existed.' },
  METHOD_NOT_ALLOWED: { title: 'Not supported', hint: 'This version of the daemon does not do that.' },
  PAYLOAD_TOO_LARGE: { title: 'Too large to send to the daemon', hint: 'Send fewer or smaller items at once.' },
  SWARM_UNAVAILABLE: {
    title: 'Downloads from several devices are off here',
    hint: 'This daemon runs without the swarm engine; fetch from one device instead.',
  },
  SYNC_UNAVAILABLE: { title: 'Folder sync is off here', hint: 'This daemon runs without sync.' },
  TRANSFER_FAILED: {
    title: 'The transfer stopped',
    hint: 'Resume it: only what is missing moves again.',
    action: 'retry',
  },
  UPLOAD_PATH_CLASH: {
    title: 'Two dropped items have the same name',
    hint: 'A file and a folder share a path; rename one and drop again.',
  },
  INTERNAL: { title: 'Something went wrong inside Warp', hint: 'This is a bug. The details below help to report it.' },
};

export interface ExplainedError extends ErrorWords {
  code: string;
  /** The engine's or daemon's own message (shown under "Details"). */
  message: string;
}

export function explainError(err: unknown): ExplainedError {
  const e = normalizeError(err);
  const words =
    (ERROR_WORDS as Record<string, ErrorWords | undefined>)[e.code] ??
    (/^HTTP_5/.test(e.code)
      ? ERROR_WORDS.INTERNAL
      : { title: 'That did not work', hint: 'The details below say why.' });
  return { ...words, code: e.code, message: e.message };
}

/** One line for toasts: what happened and what to do. */
export function errorLine(err: unknown): string {
  const x = explainError(err);
  return `${x.title}. ${x.hint}`;
}
