/**
 * One map from every error code the UI can meet (the engine's, the daemon's, the web transport's) to words a
 * person understands: what happened, what to do, and which action button helps. The engine's own message and
 * code stay available in a details disclosure (ErrorNote). The words are in the catalogues (src/shared/i18n,
 * section `errors`); a test checks every engine code has an entry.
 */
import type { ErrorCode } from '../engine/core/errors.ts';
import { en } from '../shared/i18n/en.ts';
import { normalizeError } from './bridge/errors.ts';
import { t } from './i18n/index.ts';

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

type Code = ErrorCode | EdgeCode;

/** The catalogue words every code needs (src/shared/i18n, section `errors`): a code without words is a type error. */
const _everyCodeHasWords: Record<Code, { title: string; hint: string }> = en.errors;

/** The action button each code offers, where one helps. */
const ERROR_ACTIONS: Partial<Record<Code, ErrorAction>> = {
  E_CONFIG_INVALID: 'settings',
  E_DISK_FULL: 'retry',
  E_CHUNK_CORRUPT: 'verify',
  E_FILE_HASH_MISMATCH: 'verify',
  E_VERIFY_FAILED: 'verify',
  E_KEY_REQUIRED: 'unlock',
  E_WRONG_KEY: 'unlock',
  E_PEER_UNREACHABLE: 'retry',
  E_PEER_NOT_PAIRED: 'pair',
  E_PEER_ID_MISMATCH: 'pair',
  E_PAIRING_FAILED: 'retry',
  E_PAIR_CODE_WRONG: 'retry',
  E_PAIR_CODE_EXPIRED: 'pair',
  E_PAIR_CODE_USED: 'pair',
  E_PAIR_REJECTED: 'retry',
  E_PAIR_TIMEOUT: 'retry',
  E_PEER_UNKNOWN: 'pair',
  E_RELAY_REFUSED: 'retry',
  E_REMOTE: 'retry',
  E_CHUNK_UNAVAILABLE: 'retry',
  UNREACHABLE: 'retry',
  UNAUTHORIZED: 'sign-in',
  TRANSFER_FAILED: 'retry',
};

/** The words for one code in the current language (title, hint, action). */
export function errorWords(code: Code): ErrorWords {
  const action = ERROR_ACTIONS[code];
  return { title: t(`errors.${code}.title`), hint: t(`errors.${code}.hint`), ...(action ? { action } : {}) };
}

export const ERROR_CODES = Object.keys(en.errors).filter((k) => k !== 'unknown' && k !== 'line') as Code[];

export interface ExplainedError extends ErrorWords {
  code: string;
  /** The engine's or daemon's own message (shown under "Details"). */
  message: string;
}

export function explainError(err: unknown): ExplainedError {
  const e = normalizeError(err);
  const known = (ERROR_CODES as string[]).includes(e.code);
  const words = known
    ? errorWords(e.code as Code)
    : /^HTTP_5/.test(e.code)
      ? errorWords('INTERNAL')
      : { title: t('errors.unknown.title'), hint: t('errors.unknown.hint') };
  return { ...words, code: e.code, message: e.message };
}

/** One line for toasts: what happened and what to do. */
export function errorLine(err: unknown): string {
  const x = explainError(err);
  return t('errors.line', { title: x.title, hint: x.hint });
}
