/**
 * The daemon's HTTP API as data: the operations' METHOD + path (operations.ts) plus the routes only the web
 * client uses, so the web client (src/renderer) and the server (src/engine/http) cannot disagree. Pure data
 * and one pure helper.
 *
 * Conventions:
 * - JSON in (`Content-Type: application/json`) and out. GET/DELETE take their input as path params and query.
 * - Errors: HTTP 4xx/5xx with `{ "error": { "code": "...", "message": "..." } }` (ErrorDto).
 * - Auth: every /api route needs the daemon token, as `Authorization: Bearer <token>`, or the `warp_session`
 *   cookie (HttpOnly, SameSite=Strict) that `GET /login?code=<one-time code>` sets (the URL `warp daemon` prints,
 *   it then redirects to the UI), or `?token=` on /api/events and /api/archive/download only (EventSource and
 *   download links cannot send headers).
 *   A web client served by the daemon needs none of this: the cookie rides along with same-origin requests.
 * - Events: `GET /api/events` is Server-Sent Events; each message's `data` is one WarpEvent (events.ts) as JSON,
 *   its `id` a sequence number; a `daemon.heartbeat` event every 15 s. A reconnect with `Last-Event-ID` (EventSource
 *   sends it by itself) or `?lastEventId=` replays the events missed since (the last 2000 are kept).
 * - Uploads (bridge `archive.upload`): `uploadBegin` -> `{ upload }`; then one `uploadFile` per file with the
 *   raw bytes as the body (`Content-Type: application/octet-stream`) and the relative path in `?path=`; then
 *   `uploadCommit` with the archive options -> JobRef.
 */
import { OPERATION_NAMES, OPERATIONS, type HttpMethod, type OperationName } from './operations.ts';

export type { HttpMethod };

export interface ApiRouteSpec {
  method: HttpMethod;
  /** Express-style path; `:name` segments are path parameters. */
  path: string;
  /** The bridge method it serves ("archive.create"); uploads use three routes for one method. */
  bridge: string;
}

/** Routes that are not one operation of the table: uploads, downloads and the event stream (web mode). */
export const WEB_ROUTES = {
  'archive.uploadBegin': { method: 'POST', path: '/api/uploads', bridge: 'archive.upload' },
  'archive.uploadFile': { method: 'PUT', path: '/api/uploads/:upload/file', bridge: 'archive.upload' },
  'archive.uploadCommit': { method: 'POST', path: '/api/uploads/:upload/commit', bridge: 'archive.upload' },
  /** Shares an upload instead of archiving it (bridge `shares.upload`). */
  'shares.uploadCommit': { method: 'POST', path: '/api/uploads/:upload/share', bridge: 'shares.upload' },
  'archive.uploadDiscard': { method: 'DELETE', path: '/api/uploads/:upload', bridge: 'archive.upload' },
  /** Streams the .warp file (`?archive=<path>`); for `archive.downloadUrl`. */
  'archive.download': { method: 'GET', path: '/api/archive/download', bridge: 'archive.downloadUrl' },
  /** Server-Sent Events of WarpEvent; bridge `onEvent`. */
  events: { method: 'GET', path: '/api/events', bridge: 'onEvent' },
} as const satisfies Record<string, ApiRouteSpec>;

export type WebRouteId = keyof typeof WEB_ROUTES;
export type ApiRouteId = OperationName | WebRouteId;

/** Every route under /api: one per operation (operations.ts) plus the web routes. */
export const API_ROUTES: Record<ApiRouteId, ApiRouteSpec> = {
  ...(Object.fromEntries(
    OPERATION_NAMES.map((n) => [n, { method: OPERATIONS[n].method, path: OPERATIONS[n].path, bridge: n }]),
  ) as Record<OperationName, ApiRouteSpec>),
  ...WEB_ROUTES,
};

/** Unauthenticated paths outside /api. */
export const PUBLIC_PATHS = {
  health: '/health',
  metrics: '/metrics',
  openapi: '/openapi.json',
  docs: '/docs',
  /** `GET /login?code=...` trades a one-time code for the session cookie; `POST /login` takes `token` (form). */
  login: '/login',
} as const;

export const SESSION_COOKIE = 'warp_session';
export const SSE_HEARTBEAT_SECONDS = 15;

/** Fills `:name` segments: apiPath('transfers.get', { id: 'x' }) === '/api/transfers/x'. */
export function apiPath(id: ApiRouteId, params: Record<string, string> = {}): string {
  return API_ROUTES[id].path.replace(/:([a-zA-Z]+)/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`apiPath(${id}): missing parameter '${name}'`);
    return encodeURIComponent(v);
  });
}
