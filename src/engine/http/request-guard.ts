/**
 * Two checks on every HTTP request to the daemon, beyond the token, against attacks a browser carries:
 *
 * - DNS rebinding. A page on evil.example whose name is re-pointed at 127.0.0.1 reaches the daemon as a
 *   same-origin page with `Host: evil.example`. So the Host must name the daemon exactly, host and port: a
 *   loopback name or address, the address it was told to bind, or (bound to a wildcard) one of this
 *   machine's interface addresses or its host name. A prefix test is not enough (`127.evil.example`).
 * - Cross-origin writes. The session cookie is SameSite=Strict, but a "site" ignores the port, so a page on
 *   any other port of 127.0.0.1 sends it. A state-changing request that authenticates with the cookie must
 *   therefore come from the daemon's own origin: `Origin` equal to the addressed origin, or, where a browser
 *   sends no Origin, `Sec-Fetch-Site: same-origin`. A request with neither is refused (browsers send one).
 *   Clients that present the token in a header are not riding on ambient browser credentials and pass.
 *
 * Both refusals are 403s with their own code, raised as `GuardError`s the server turns into responses.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import net from 'node:net';
import os from 'node:os';

export type AuthKind = 'bearer' | 'cookie' | 'query';

export class GuardError extends WarpError {
  /** A WarpError (E_USAGE) answered as 403 with its own code (details.status, details.code). */
  constructor(code: 'FORBIDDEN_HOST' | 'FORBIDDEN_ORIGIN', message: string) {
    super(ErrorCodes.USAGE, message, { details: { status: 403, code } });
    this.name = 'GuardError';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);
/** How long the wildcard case trusts its list of interface addresses before reading it again. */
const INTERFACES_TTL_MS = 5_000;

/** `[::1]` for IPv6 literals, lower case otherwise: the form a Host header carries. */
function hostForm(host: string): string {
  const h = host.toLowerCase();
  return net.isIPv6(h) ? `[${h}]` : h;
}

function isLoopbackLiteral(name: string): boolean {
  if (name === '[::1]') return true;
  return net.isIPv4(name) && name.startsWith('127.');
}

/** Splits a Host header into name and port (80 when absent); undefined when it is not host[:port]. */
export function parseHostHeader(value: string | undefined): { name: string; port: number } | undefined {
  if (!value) return undefined;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return undefined;
  return { name: m[1].toLowerCase(), port: m[2] === undefined ? 80 : Number(m[2]) };
}

export class RequestGuard {
  private readonly bindHost: string;
  private readonly port: () => number;
  private extra: Set<string> = new Set();
  private extraAt = -Infinity;

  /** `port` is read per request: the server knows it only once it listens (port 0 picks one). */
  constructor(bindHost: string, port: () => number) {
    this.bindHost = hostForm(bindHost);
    this.port = port;
  }

  /** Throws FORBIDDEN_HOST unless the Host header names this daemon exactly. */
  checkHost(hostHeader: string | undefined): void {
    const h = parseHostHeader(hostHeader);
    if (h && h.port === this.port() && this.knownName(h.name)) return;
    throw new GuardError(
      'FORBIDDEN_HOST',
      `requests must address the daemon by one of its own addresses and port ${this.port()} (e.g. ${this.example()}), not '${String(hostHeader ?? '')}'`,
    );
  }

  /** Throws FORBIDDEN_ORIGIN for a cookie-authenticated write that does not come from the daemon's own origin. */
  checkWrite(
    method: string | undefined,
    headers: { host?: string; origin?: string; 'sec-fetch-site'?: string | string[] },
    auth: AuthKind,
  ): void {
    if (auth === 'bearer' || SAFE_METHODS.has(String(method).toUpperCase())) return;
    const origin = headers.origin;
    if (origin !== undefined) {
      if (sameOrigin(origin, headers.host)) return;
      throw new GuardError(
        'FORBIDDEN_ORIGIN',
        `a ${method} from the page at '${origin}' may not use this daemon's session; only its own pages (${this.example()}) or a client sending the token in an Authorization header may`,
      );
    }
    if (headers['sec-fetch-site'] === 'same-origin') return;
    throw new GuardError(
      'FORBIDDEN_ORIGIN',
      `a ${method} with the session cookie must come from the daemon's own page (no Origin header was sent); scripts should send "Authorization: Bearer <token>" instead`,
    );
  }

  private example(): string {
    const shown = WILDCARDS.has(this.bindHost) || isLoopbackLiteral(this.bindHost) ? '127.0.0.1' : this.bindHost;
    return `http://${shown}:${this.port()}`;
  }

  private knownName(name: string): boolean {
    if (LOOPBACK_NAMES.includes(name) || isLoopbackLiteral(name) || name === this.bindHost) return true;
    if (!WILDCARDS.has(this.bindHost)) return false;
    if (this.machineNames(false).has(name)) return true;
    // An address that appeared since the list was read (DHCP, a VPN coming up): read it once more.
    return this.machineNames(true).has(name);
  }

  /** This machine's interface addresses and host name, for a daemon bound to every address. */
  private machineNames(fresh: boolean): Set<string> {
    const now = Date.now();
    if (!fresh && now - this.extraAt < INTERFACES_TTL_MS) return this.extra;
    const names = new Set<string>();
    for (const list of Object.values(os.networkInterfaces())) {
      for (const i of list ?? []) names.add(hostForm(i.address.replace(/%.*$/, '')));
    }
    const hn = os.hostname().toLowerCase();
    if (hn) {
      names.add(hn);
      names.add(`${hn}.local`);
    }
    this.extra = names;
    this.extraAt = now;
    return names;
  }
}

/** True when `origin` is the origin a browser addressing `host` over http is on. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  const h = parseHostHeader(host);
  if (!h) return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if (o.protocol !== 'http:' || o.pathname !== '/' || o.username || o.password) return false;
  const port = o.port === '' ? 80 : Number(o.port);
  return o.hostname.toLowerCase() === h.name && port === h.port;
}
