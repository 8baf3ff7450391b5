/**
 * `warp daemon`'s HTTP server (node:http): the REST API of src/shared/api-routes.ts over the service facade,
 * validated by the route schemas; SSE at /api/events; /metrics, /health, /openapi.json, /docs; the login
 * URL; and the built UI. Binds to 127.0.0.1 by default; every /api route needs the token (or its cookie).
 */
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import { API_ROUTES, PUBLIC_PATHS, SSE_HEARTBEAT_SECONDS } from '../../shared/api-routes.ts';
import { Auth, loadOrCreateToken } from './auth.ts';
import { serviceOperations } from '../service/dispatch.ts';
import { docsPage } from './docs-page.ts';
import { httpStatusFor } from './http-status.ts';
import { openApiDocument } from './openapi.ts';
import { GuardError, RequestGuard } from './request-guard.ts';
import { ROUTES, checkRouteTable, type RouteDef } from './routes.ts';
import { InputError } from '../core/schema.ts';
import { VERSION, type WarpService } from '../service/warp-service.ts';
import { SseHub } from './sse.ts';
import { serveUi } from './static-ui.ts';
import { Uploads } from './uploads.ts';

const MAX_JSON_BODY = 1024 * 1024;

export interface DaemonServerOptions {
  service: WarpService;
  host: string;
  port: number;
  /** The built UI (out/renderer). */
  uiDir: string;
  log?: (msg: string) => void;
}

export interface RunningDaemon {
  /** http://host:port */
  url: string;
  port: number;
  token: string;
  /** A URL that logs a browser in once (a fresh one-time code each call); `host` for another address of this machine. */
  loginUrl(host?: string): string;
  close(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function errorResponse(e: unknown): { status: number; code: string; message: string } {
  if (e instanceof HttpError || e instanceof GuardError) return { status: e.status, code: e.code, message: e.message };
  if (e instanceof InputError) return { status: 400, code: 'BAD_REQUEST', message: e.message };
  if (isWarpError(e)) {
    const d = e.details as { status?: number; code?: string };
    return { status: httpStatusFor(e.code, d), code: d.code ?? e.code, message: e.message };
  }
  return { status: 500, code: 'INTERNAL', message: (e as Error)?.message ?? String(e) };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, e: unknown): void {
  const { status, code, message } = errorResponse(e);
  if (res.headersSent) { res.destroy(); return; }
  sendJson(res, status, { error: { code, message } });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_JSON_BODY) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `the JSON body is larger than ${MAX_JSON_BODY} bytes`);
    chunks.push(c);
  }
  if (size === 0) return undefined;
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) throw new HttpError(400, 'BAD_REQUEST', `send the body as JSON (Content-Type: application/json), not '${type || 'none'}'`);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new HttpError(400, 'BAD_REQUEST', `the body is not valid JSON: ${(e as Error).message}`);
  }
}

interface CompiledRoute {
  def: RouteDef;
  method: string;
  re: RegExp;
  names: string[];
}

function compile(): CompiledRoute[] {
  return ROUTES.map((def) => {
    const spec = API_ROUTES[def.id];
    const names: string[] = [];
    const re = new RegExp('^' + spec.path.replace(/:([A-Za-z]+)/g, (_m, n: string) => { names.push(n); return '([^/]+)'; }) + '$');
    return { def, method: spec.method, re, names };
  });
}

/** The sign-in page, in the web UI's own colours (light ones when the system asks for light). */
function loginPage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Warp: sign in</title>
<style>:root{color-scheme:dark light;--bg:#0b0f16;--panel:#141a24;--border:#263042;--text:#e4e9f2;--muted:#8a94a8;--accent:#5b9cff}
@media (prefers-color-scheme: light){:root{--bg:#f4f6fa;--panel:#fff;--border:#d5dbe5;--text:#1b2330;--muted:#5b6678;--accent:#2f6fe0}}
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:grid;place-items:center;padding:16px;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif}
main{background:var(--panel);border:1px solid var(--border);border-radius:12px;padding:24px;max-width:440px;width:100%}
.logo{width:34px;height:34px;border-radius:9px;display:grid;place-items:center;font-weight:800;color:#0b1020;background:linear-gradient(135deg,#5b9cff,#3ecf8e)}
h1{font-size:20px;margin:14px 0 6px}p{color:var(--muted);margin:0 0 14px}code{font:13px ui-monospace,Menlo,Consolas,monospace;color:var(--text)}
label{display:block;font-size:13px;color:var(--muted)}input{width:100%;margin-top:4px;font:inherit;color:var(--text);background:var(--bg);border:1px solid var(--border);border-radius:7px;padding:8px 10px}
button{margin-top:12px;font:inherit;font-weight:600;border:0;border-radius:7px;padding:8px 16px;background:var(--accent);color:#0b1020;cursor:pointer}
input:focus,button:focus-visible{outline:2px solid var(--accent);outline-offset:1px}</style></head>
<body><main><div class="logo" aria-hidden="true">W</div><h1>${title}</h1><p>${message}</p><form method="post" action="/login"><label>Daemon token<input name="token" type="password" autocomplete="off" autofocus required></label>
<button type="submit">Sign in</button></form></main></body></html>`;
}

export async function startDaemonServer(o: DaemonServerOptions): Promise<RunningDaemon> {
  checkRouteTable();
  const svc = o.service;
  const ops = serviceOperations(svc, { host: 'daemon', upload: true });
  const auth = new Auth(loadOrCreateToken(svc.home));
  const uploads = new Uploads(svc.home);
  // WARP_TEST_SSE_HEARTBEAT_MS: a test hook (real processes read it from the environment), like WARP_FAULT_*.
  const sse = new SseHub(Number(process.env.WARP_TEST_SSE_HEARTBEAT_MS) || SSE_HEARTBEAT_SECONDS * 1000);
  const routes = compile();
  const uiDir = path.resolve(o.uiDir);
  let port = o.port;
  const guard = new RequestGuard(o.host, () => port);
  let openapiCache: { text: string; html: string } | undefined;
  const unsubscribe = svc.onEvent((e) => sse.broadcast(e));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://daemon.invalid');
    const p = url.pathname;
    guard.checkHost(req.headers.host);
    if (p === PUBLIC_PATHS.health) return sendJson(res, 200, { ok: true, version: VERSION, uptimeSeconds: process.uptime() });
    if (p === PUBLIC_PATHS.metrics) {
      svc.metrics.sseClients.set(sse.size);
      const text = svc.metrics.render(svc.transfers.active());
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(text);
      return;
    }
    if (p === PUBLIC_PATHS.openapi || p === PUBLIC_PATHS.docs) {
      if (!openapiCache) {
        const doc = openApiDocument(VERSION);
        openapiCache = { text: JSON.stringify(doc, null, 2), html: docsPage(doc) };
      }
      const isJson = p === PUBLIC_PATHS.openapi;
      res.writeHead(200, { 'Content-Type': isJson ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end(isJson ? openapiCache.text : openapiCache.html);
      return;
    }
    if (p === PUBLIC_PATHS.login) return login(req, res, url);
    if (p === '/api' || p.startsWith('/api/')) return api(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} ${p} is not supported`);
    serveUi(uiDir, req, res, p);
  };

  const login = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const ok = (): void => {
      res.writeHead(req.method === 'POST' ? 303 : 302, { 'Set-Cookie': auth.setCookieHeader(false), Location: '/', 'Cache-Control': 'no-store' });
      res.end();
    };
    const page = (status: number, title: string, message: string): void => {
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(loginPage(title, message));
    };
    const howToGetToken = 'Run <code>warp daemon token</code> on the machine the daemon runs on and paste what it prints.';
    if (req.method === 'POST') {
      let body = '';
      for await (const c of req as AsyncIterable<Buffer>) { body += c.toString(); if (body.length > 4096) break; }
      const token = new URLSearchParams(body).get('token') ?? '';
      if (auth.checkToken(token.trim())) return ok();
      return page(401, 'That token is not right', howToGetToken);
    }
    const code = url.searchParams.get('code');
    if (code && auth.useLoginCode(code)) return ok();
    // A browser already signed in that opens the link again (a reload, a bookmark) just goes to the app.
    if (auth.check(req.headers, undefined, false) === 'cookie') {
      res.writeHead(302, { Location: '/', 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    if (code) page(401, 'This sign-in link was already used', `Each link printed by <code>warp daemon</code> signs in one browser, once, within an hour. To sign in this browser, use its token instead. ${howToGetToken}`);
    else page(200, 'Sign in to Warp', `Paste the daemon token to use Warp from this browser. ${howToGetToken}`);
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const p = url.pathname;
    const isEvents = p === API_ROUTES.events.path;
    // Query tokens only where a browser cannot send headers: EventSource and plain download links.
    const queryTokenOk = req.method === 'GET' && (isEvents || p === API_ROUTES['archive.download'].path);
    const authKind = auth.check(req.headers, url.searchParams.get('token') ?? undefined, queryTokenOk);
    if (!authKind) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="warp"');
      throw new HttpError(401, 'UNAUTHORIZED', 'this API needs the daemon token: send "Authorization: Bearer <token>" (warp daemon token prints it) or log in through the URL the daemon printed');
    }
    guard.checkWrite(req.method, req.headers, authKind);
    const hits = routes.filter((r) => r.re.test(p));
    if (hits.length === 0) throw new HttpError(404, 'NOT_FOUND', `no API route ${p}; see /docs`);
    const route = hits.find((r) => r.method === req.method);
    if (!route) {
      res.setHeader('Allow', hits.map((r) => r.method).join(', '));
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${p} (use ${hits.map((r) => r.method).join(' or ')})`);
    }
    const m = route.re.exec(p)!;
    const rawParams: Record<string, string> = {};
    route.names.forEach((n, i) => {
      try { rawParams[n] = decodeURIComponent(m[i + 1]); } catch { throw new HttpError(400, 'BAD_REQUEST', `path parameter ${n} is not valid URL encoding`); }
    });
    const rawQuery: Record<string, string> = {};
    for (const [k, v] of url.searchParams) rawQuery[k] = v;
    const def = route.def;
    const params = def.params ? def.params.parse(rawParams, 'params', true) : {};
    const query = def.query ? def.query.parse(rawQuery, 'query', true) : {};
    if (isEvents) {
      const last = req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? undefined;
      sse.add(res, { type: 'daemon.hello', version: VERSION, peerId: svc.env.identity.peerId, t: Date.now() }, last === undefined ? undefined : Number(last));
      svc.metrics.sseClients.set(sse.size);
      return;
    }
    if (def.id === 'archive.download') return download(res, String(query.archive));
    let body: unknown;
    if (!def.rawBody) {
      const raw = await readJson(req);
      if (def.body) body = def.body.parse(raw, 'body', false);
      else if (raw !== undefined && !(typeof raw === 'object' && raw !== null && Object.keys(raw).length === 0)) throw new HttpError(400, 'BAD_REQUEST', `${def.id} takes no body`);
    }
    const out = await def.handler({ params, query, body }, { svc, ops, uploads, req, res });
    sendJson(res, def.status ?? 200, out);
  };

  const download = (res: ServerResponse, file: string): void => {
    const abs = path.resolve(file);
    if (!abs.endsWith('.warp')) throw new HttpError(400, 'BAD_REQUEST', 'only .warp archives can be downloaded');
    let st: fs.Stats;
    try { st = fs.statSync(abs); } catch { throw new HttpError(404, 'NOT_FOUND', `${abs} does not exist`); }
    if (!st.isFile()) throw new HttpError(400, 'BAD_REQUEST', `${abs} is not a file`);
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream', 'Content-Length': st.size, 'Cache-Control': 'no-store',
      'Content-Disposition': `attachment; filename="${path.basename(abs).replace(/["\\\r\n]/g, '_')}"`,
    });
    fs.createReadStream(abs).pipe(res);
  };

  const server = http.createServer((req, res) => {
    res.once('finish', () => svc.metrics.httpRequests.inc(1, { code: String(res.statusCode) }));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    handle(req, res).catch((e: unknown) => {
      const { status } = errorResponse(e);
      if (status >= 500) o.log?.(`${req.method} ${req.url}: ${(e as Error)?.stack ?? String(e)}`);
      // Drain what the client still sends (a refused upload) so it reads our answer instead of a reset.
      req.resume();
      sendError(res, e);
    });
  });
  server.requestTimeout = 0; // uploads and event streams may be long
  server.headersTimeout = 30_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => { server.off('error', reject); resolve(); });
    });
  } catch (e) {
    unsubscribe();
    sse.close();
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTFOUND/EAI_AGAIN: --host names no address this machine can resolve (a typo like 999.1.1.1).
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EINVAL') {
      throw new WarpError(ErrorCodes.USAGE, `the API cannot listen on ${o.host}:${o.port} (${code}): ${code === 'EADDRINUSE' ? 'another warp daemon may run there; ' : ''}pick another port (--port, 0 for a free one) or address (--host)`, { cause: e });
    }
    throw e;
  }
  port = (server.address() as AddressInfo).port;
  const hostForUrl = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${hostForUrl}:${port}`;
  return {
    url, port, token: auth.token,
    loginUrl: (host) => `${host ? `http://${host.includes(':') ? `[${host}]` : host}:${port}` : url}/login?code=${auth.newLoginCode()}`,
    async close() {
      unsubscribe();
      sse.close();
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
    },
  };
}
