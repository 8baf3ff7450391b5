/**
 * One request under /api, in named steps: authenticate (token, cookie, or a query token where a browser cannot
 * send headers), check a cookie-authenticated write's origin, find the route by path then method, parse and
 * check its inputs with the route's schemas, then serve it: the event stream, a download, or the route's
 * handler with a JSON answer.
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { API_ROUTES } from '../../shared/api-routes.ts';
import type { OperationHandlers } from '../../shared/operations.ts';
import { VERSION } from '../service/service-types.ts';
import type { WarpService } from '../service/warp-service.ts';
import type { Auth } from './auth.ts';
import type { RequestGuard } from './request-guard.ts';
import { HttpError, readJson, sendJson } from './responses.ts';
import { ROUTES, type RouteDef, type RouteInput } from './routes.ts';
import type { SseHub } from './sse.ts';
import type { Uploads } from './uploads.ts';

/** What the API needs from the running server. */
export interface ApiContext {
  svc: WarpService;
  ops: OperationHandlers;
  auth: Auth;
  guard: RequestGuard;
  uploads: Uploads;
  sse: SseHub;
  routes: CompiledRoute[];
}

export interface CompiledRoute {
  def: RouteDef;
  method: string;
  re: RegExp;
  names: string[];
}

export function compileRoutes(): CompiledRoute[] {
  return ROUTES.map((def) => {
    const spec = API_ROUTES[def.id];
    const names: string[] = [];
    const re = new RegExp(
      '^' +
        spec.path.replace(/:([A-Za-z]+)/g, (_m, n: string) => {
          names.push(n);
          return '([^/]+)';
        }) +
        '$',
    );
    return { def, method: spec.method, re, names };
  });
}

function authenticate(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const p = url.pathname;
  // Query tokens only where a browser cannot send headers: EventSource and plain download links.
  const queryTokenOk =
    req.method === 'GET' && (p === API_ROUTES.events.path || p === API_ROUTES['archive.download'].path);
  const authKind = ctx.auth.check(req.headers, url.searchParams.get('token') ?? undefined, queryTokenOk);
  if (!authKind) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="warp"');
    throw new HttpError(
      401,
      'UNAUTHORIZED',
      'this API needs the daemon token: send "Authorization: Bearer <token>" (warp daemon token prints it) or log in through the URL the daemon printed',
    );
  }
  ctx.guard.checkWrite(req.method, req.headers, authKind);
}

function matchRoute(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  p: string,
): { route: CompiledRoute; match: RegExpExecArray } {
  const hits = ctx.routes.filter((r) => r.re.test(p));
  if (hits.length === 0) throw new HttpError(404, 'NOT_FOUND', `no API route ${p}; see /docs`);
  const route = hits.find((r) => r.method === req.method);
  if (!route) {
    res.setHeader('Allow', hits.map((r) => r.method).join(', '));
    throw new HttpError(
      405,
      'METHOD_NOT_ALLOWED',
      `${req.method} is not allowed on ${p} (use ${hits.map((r) => r.method).join(' or ')})`,
    );
  }
  return { route, match: route.re.exec(p)! };
}

/** Path parameters and query, checked by the route's schemas (query text may parse to numbers and booleans). */
function parseUrlInputs(route: CompiledRoute, match: RegExpExecArray, url: URL): Pick<RouteInput, 'params' | 'query'> {
  const rawParams: Record<string, string> = {};
  route.names.forEach((n, i) => {
    try {
      rawParams[n] = decodeURIComponent(match[i + 1]);
    } catch {
      throw new HttpError(400, 'BAD_REQUEST', `path parameter ${n} is not valid URL encoding`);
    }
  });
  const rawQuery: Record<string, string> = {};
  for (const [k, v] of url.searchParams) rawQuery[k] = v;
  const def = route.def;
  return {
    params: def.params ? def.params.parse(rawParams, 'params', true) : {},
    query: def.query ? def.query.parse(rawQuery, 'query', true) : {},
  };
}

/** The JSON body checked by the route's schema (raw-body routes read the request themselves). */
async function parseBody(def: RouteDef, req: IncomingMessage): Promise<unknown> {
  if (def.rawBody) return undefined;
  const raw = await readJson(req);
  if (def.body) return def.body.parse(raw, 'body', false);
  if (raw !== undefined && !(typeof raw === 'object' && raw !== null && Object.keys(raw).length === 0))
    throw new HttpError(400, 'BAD_REQUEST', `${def.id} takes no body`);
  return undefined;
}

function serveEvents(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const last = req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? undefined;
  ctx.sse.add(
    res,
    { type: 'daemon.hello', version: VERSION, peerId: ctx.svc.env.identity.peerId, t: Date.now() },
    last === undefined ? undefined : Number(last),
  );
  ctx.svc.metrics.sseClients.set(ctx.sse.size);
}

function serveDownload(res: ServerResponse, file: string): void {
  const abs = path.resolve(file);
  if (!abs.endsWith('.warp')) throw new HttpError(400, 'BAD_REQUEST', 'only .warp archives can be downloaded');
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new HttpError(404, 'NOT_FOUND', `${abs} does not exist`);
  }
  if (!st.isFile()) throw new HttpError(400, 'BAD_REQUEST', `${abs} is not a file`);
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': st.size,
    'Cache-Control': 'no-store',
    'Content-Disposition': `attachment; filename="${path.basename(abs).replace(/["\\\r\n]/g, '_')}"`,
  });
  fs.createReadStream(abs).pipe(res);
}

export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  authenticate(ctx, req, res, url);
  const { route, match } = matchRoute(ctx, req, res, url.pathname);
  const { params, query } = parseUrlInputs(route, match, url);
  const def = route.def;
  if (def.id === 'events') return serveEvents(ctx, req, res, url);
  if (def.id === 'archive.download') return serveDownload(res, String(query.archive));
  const body = await parseBody(def, req);
  const out = await def.handler(
    { params, query, body },
    { svc: ctx.svc, ops: ctx.ops, uploads: ctx.uploads, req, res },
  );
  sendJson(res, def.status ?? 200, out);
}
