/**
 * The daemon's HTTP API as data: which bridge method (bridge.ts) maps to which METHOD + path, so the web client
 * (src/renderer) and the server (src/engine/daemon) cannot disagree. Pure data and one pure helper.
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

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiRouteSpec {
  method: HttpMethod;
  /** Express-style path; `:name` segments are path parameters. */
  path: string;
  /** The bridge method it serves ("archive.create"); uploads use three routes for one method. */
  bridge: string;
}

export const API_ROUTES = {
  info: { method: 'GET', path: '/api/info', bridge: 'info' },

  'archive.create': { method: 'POST', path: '/api/archive/create', bridge: 'archive.create' },
  'archive.extract': { method: 'POST', path: '/api/archive/extract', bridge: 'archive.extract' },
  'archive.verify': { method: 'POST', path: '/api/archive/verify', bridge: 'archive.verify' },
  /** POST because the request may carry a password. */
  'archive.list': { method: 'POST', path: '/api/archive/list', bridge: 'archive.list' },
  'archive.info': { method: 'POST', path: '/api/archive/info', bridge: 'archive.info' },
  'archive.uploadBegin': { method: 'POST', path: '/api/uploads', bridge: 'archive.upload' },
  'archive.uploadFile': { method: 'PUT', path: '/api/uploads/:upload/file', bridge: 'archive.upload' },
  'archive.uploadCommit': { method: 'POST', path: '/api/uploads/:upload/commit', bridge: 'archive.upload' },
  'archive.uploadDiscard': { method: 'DELETE', path: '/api/uploads/:upload', bridge: 'archive.upload' },
  /** Streams the .warp file (`?archive=<path>`); for `archive.downloadUrl`. */
  'archive.download': { method: 'GET', path: '/api/archive/download', bridge: 'archive.downloadUrl' },

  'jobs.list': { method: 'GET', path: '/api/jobs', bridge: 'jobs.list' },
  'jobs.get': { method: 'GET', path: '/api/jobs/:id', bridge: 'jobs.get' },
  'jobs.cancel': { method: 'POST', path: '/api/jobs/:id/cancel', bridge: 'jobs.cancel' },

  'transfers.start': { method: 'POST', path: '/api/transfers', bridge: 'transfers.start' },
  /** `?all=false` hides finished transfers. */
  'transfers.list': { method: 'GET', path: '/api/transfers', bridge: 'transfers.list' },
  'transfers.get': { method: 'GET', path: '/api/transfers/:id', bridge: 'transfers.get' },
  'transfers.cancel': { method: 'POST', path: '/api/transfers/:id/cancel', bridge: 'transfers.cancel' },
  'transfers.pause': { method: 'POST', path: '/api/transfers/:id/pause', bridge: 'transfers.pause' },
  'transfers.resume': { method: 'POST', path: '/api/transfers/:id/resume', bridge: 'transfers.resume' },

  'peers.self': { method: 'GET', path: '/api/peers/self', bridge: 'peers.self' },
  'peers.list': { method: 'GET', path: '/api/peers', bridge: 'peers.list' },
  'peers.pairStart': { method: 'POST', path: '/api/peers/pair/start', bridge: 'peers.pairStart' },
  'peers.pairJoin': { method: 'POST', path: '/api/peers/pair/join', bridge: 'peers.pairJoin' },
  'peers.remove': { method: 'DELETE', path: '/api/peers/:id', bridge: 'peers.remove' },

  'swarm.status': { method: 'GET', path: '/api/swarm', bridge: 'swarm.status' },

  'sync.list': { method: 'GET', path: '/api/sync', bridge: 'sync.list' },
  'sync.add': { method: 'POST', path: '/api/sync', bridge: 'sync.add' },
  'sync.remove': { method: 'DELETE', path: '/api/sync/:id', bridge: 'sync.remove' },
  'sync.pause': { method: 'POST', path: '/api/sync/:id/pause', bridge: 'sync.pause' },
  'sync.resume': { method: 'POST', path: '/api/sync/:id/resume', bridge: 'sync.resume' },

  'config.get': { method: 'GET', path: '/api/config', bridge: 'config.get' },
  'config.set': { method: 'PUT', path: '/api/config', bridge: 'config.set' },

  /** Server-Sent Events of WarpEvent; bridge `onEvent`. */
  events: { method: 'GET', path: '/api/events', bridge: 'onEvent' },
} as const satisfies Record<string, ApiRouteSpec>;

export type ApiRouteId = keyof typeof API_ROUTES;

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
