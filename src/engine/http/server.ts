/**
 * `warp daemon`'s HTTP server (node:http): the REST API of src/shared/api-routes.ts over the service facade,
 * validated by the route schemas; SSE at /api/events; /metrics, /health, /openapi.json, /docs; the login
 * URL; and the built UI. Binds to 127.0.0.1 by default; every /api route needs the token (or its cookie).
 * startDaemonServer assembles the parts, creates the server and binds; /api requests go to api-handler.ts,
 * /login to login.ts, answers and errors through responses.ts.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { PUBLIC_PATHS, SSE_HEARTBEAT_SECONDS } from '../../shared/api-routes.ts';
import { serviceOperations } from '../service/dispatch.ts';
import { VERSION } from '../service/service-types.ts';
import type { WarpService } from '../service/warp-service.ts';
import { compileRoutes, handleApi, type ApiContext } from './api-handler.ts';
import { Auth, loadOrCreateToken } from './auth.ts';
import { docsPage } from './docs-page.ts';
import { serveLogin } from './login.ts';
import { openApiDocument } from './openapi.ts';
import { RequestGuard } from './request-guard.ts';
import { errorResponse, HttpError, sendError, sendJson } from './responses.ts';
import { checkRouteTable } from './routes.ts';
import { SseHub } from './sse.ts';
import { isSharePath, serveShare } from './share-routes.ts';
import { ShareHost } from '../share/index.ts';
import { serveUi } from './static-ui.ts';
import { Uploads } from './uploads.ts';

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

/** Serves the unauthenticated pages outside /api; false when `p` is none of them. */
function servePublic(
  svc: WarpService,
  sse: SseHub,
  docs: () => { text: string; html: string },
  p: string,
  res: ServerResponse,
): boolean {
  if (p === PUBLIC_PATHS.health) {
    sendJson(res, 200, { ok: true, version: VERSION, uptimeSeconds: process.uptime() });
    return true;
  }
  if (p === PUBLIC_PATHS.metrics) {
    svc.metrics.sseClients.set(sse.size);
    const text = svc.metrics.render(svc.transfers.active());
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text);
    return true;
  }
  if (p === PUBLIC_PATHS.openapi || p === PUBLIC_PATHS.docs) {
    const isJson = p === PUBLIC_PATHS.openapi;
    res.writeHead(200, {
      'Content-Type': isJson ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
    });
    res.end(isJson ? docs().text : docs().html);
    return true;
  }
  return false;
}

/** The OpenAPI document and its /docs page, built on first request. */
function docsOnce(): () => { text: string; html: string } {
  let cache: { text: string; html: string } | undefined;
  return () => {
    if (!cache) {
      const doc = openApiDocument(VERSION);
      cache = { text: JSON.stringify(doc, null, 2), html: docsPage(doc) };
    }
    return cache;
  };
}

interface ServerParts extends ApiContext {
  uiDir: string;
  docs: () => { text: string; html: string };
  /** The bound port, once listening (the Host check needs it). */
  bound: { port: number };
  /** Share links served at /s/ (ciphertext only). */
  shares: ShareHost;
}

/** Everything a request needs: the service's dispatch table, auth, uploads, the event hub, routes, guard. */
function serverParts(o: DaemonServerOptions): ServerParts {
  const svc = o.service;
  // WARP_TEST_SSE_HEARTBEAT_MS: a test hook (real processes read it from the environment).
  const sse = new SseHub(Number(process.env.WARP_TEST_SSE_HEARTBEAT_MS) || SSE_HEARTBEAT_SECONDS * 1000);
  const bound = { port: o.port };
  return {
    svc,
    ops: serviceOperations(svc, { host: 'daemon', upload: true }),
    auth: new Auth(loadOrCreateToken(svc.home)),
    uploads: new Uploads(svc.home),
    sse,
    routes: compileRoutes(),
    guard: new RequestGuard(o.host, () => bound.port),
    uiDir: path.resolve(o.uiDir),
    docs: docsOnce(),
    bound,
    shares: new ShareHost(svc.home),
  };
}

async function handleRequest(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://daemon.invalid');
  const p = url.pathname;
  parts.guard.checkHost(req.headers.host);
  if (servePublic(parts.svc, parts.sse, parts.docs, p, res)) return;
  if (p === PUBLIC_PATHS.login) return serveLogin(parts.auth, req, res, url);
  if (isSharePath(p)) return serveShare(parts.shares, req, res, url);
  if (p === '/api' || p.startsWith('/api/')) return handleApi(parts, req, res, url);
  if (req.method !== 'GET' && req.method !== 'HEAD')
    throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} ${p} is not supported`);
  serveUi(parts.uiDir, req, res, p);
}

function createServer(parts: ServerParts, log: ((msg: string) => void) | undefined): http.Server {
  const server = http.createServer((req, res) => {
    res.once('finish', () => parts.svc.metrics.httpRequests.inc(1, { code: String(res.statusCode) }));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    handleRequest(parts, req, res).catch((e: unknown) => {
      const { status } = errorResponse(e);
      if (status >= 500) log?.(`${req.method} ${req.url}: ${(e as Error)?.stack ?? String(e)}`);
      // Drain what the client still sends (a refused upload) so it reads our answer instead of a reset.
      req.resume();
      sendError(res, e);
    });
  });
  server.requestTimeout = 0; // uploads and event streams may be long
  server.headersTimeout = 30_000;
  return server;
}

/** Binds; a port in use or an address this machine lacks is the user's to fix (E_USAGE with what to do). */
async function listen(server: http.Server, host: string, port: number): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTFOUND/EAI_AGAIN: --host names no address this machine can resolve (a typo like 999.1.1.1).
    if (
      code === 'EADDRINUSE' ||
      code === 'EACCES' ||
      code === 'EADDRNOTAVAIL' ||
      code === 'ENOTFOUND' ||
      code === 'EAI_AGAIN' ||
      code === 'EINVAL'
    ) {
      throw new WarpError(
        ErrorCodes.USAGE,
        `the API cannot listen on ${host}:${port} (${code}): ${code === 'EADDRINUSE' ? 'another warp daemon may run there; ' : ''}pick another port (--port, 0 for a free one) or address (--host)`,
        { cause: e },
      );
    }
    throw e;
  }
  return (server.address() as AddressInfo).port;
}

export async function startDaemonServer(o: DaemonServerOptions): Promise<RunningDaemon> {
  checkRouteTable();
  const parts = serverParts(o);
  const unsubscribe = parts.svc.onEvent((e) => parts.sse.broadcast(e));
  const server = createServer(parts, o.log);
  try {
    parts.bound.port = await listen(server, o.host, o.port);
  } catch (e) {
    unsubscribe();
    parts.sse.close();
    throw e;
  }
  const port = parts.bound.port;
  const hostForUrl =
    o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host;
  const url = `http://${hostForUrl}:${port}`;
  return {
    url,
    port,
    token: parts.auth.token,
    loginUrl: (host) =>
      `${host ? `http://${host.includes(':') ? `[${host}]` : host}:${port}` : url}/login?code=${parts.auth.newLoginCode()}`,
    async close() {
      unsubscribe();
      parts.shares.close();
      parts.sse.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
