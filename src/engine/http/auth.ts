/**
 * The daemon's bearer token (created on first start, WARP_HOME/daemon.token, mode 0600), one-time login codes
 * for the URL printed at start, and the session cookie a login sets. The cookie value is derived from the
 * token, so it survives daemon restarts and dies with a new token.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fromSystemError } from '../core/errors.ts';
import type { AuthKind } from './request-guard.ts';

export const TOKEN_FILE = 'daemon.token';
const LOGIN_TTL_MS = 60 * 60_000;

export function tokenFile(home: string): string {
  return path.join(home, TOKEN_FILE);
}

/** Reads the token, creating it (random, 0600) on first use. */
export function loadOrCreateToken(home: string): string {
  const file = tokenFile(home);
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t.length >= 32) {
      if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
      return t;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fromSystemError(e, file, 'read');
  }
  const token = crypto.randomBytes(32).toString('base64url');
  try {
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, token + '\n', { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    throw fromSystemError(e, file, 'write');
  }
  return token;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export class Auth {
  readonly token: string;
  readonly cookieValue: string;
  private readonly codes = new Map<string, number>();

  constructor(token: string) {
    this.token = token;
    this.cookieValue = crypto.createHmac('sha256', token).update('warp-session-v1').digest('base64url');
  }

  /** A code that logs one browser in once, within an hour. */
  newLoginCode(): string {
    const now = Date.now();
    for (const [c, exp] of this.codes) if (exp < now) this.codes.delete(c);
    const code = crypto.randomBytes(18).toString('base64url');
    this.codes.set(code, now + LOGIN_TTL_MS);
    return code;
  }

  useLoginCode(code: string): boolean {
    const exp = this.codes.get(code);
    if (exp === undefined) return false;
    this.codes.delete(code);
    return exp >= Date.now();
  }

  checkToken(t: string | undefined): boolean {
    return t !== undefined && same(t, this.token);
  }

  /** Which credential the request carries: bearer header, session cookie, or (when allowed) `?token=`; undefined for none. */
  check(
    headers: { authorization?: string; cookie?: string },
    queryToken: string | undefined,
    allowQuery: boolean,
  ): AuthKind | undefined {
    const h = headers.authorization;
    if (h && /^Bearer /i.test(h) && this.checkToken(h.slice(7).trim())) return 'bearer';
    const c = cookies(headers.cookie).warp_session;
    if (c !== undefined && same(c, this.cookieValue)) return 'cookie';
    return allowQuery && this.checkToken(queryToken) ? 'query' : undefined;
  }

  setCookieHeader(secure: boolean): string {
    return `warp_session=${this.cookieValue}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000${secure ? '; Secure' : ''}`;
  }
}

export function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
