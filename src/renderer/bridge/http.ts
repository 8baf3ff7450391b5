/**
 * Web transport: the daemon's REST API (one client function per operation of src/shared/operations.ts, the
 * web-only routes of src/shared/api-routes.ts) plus its SSE event stream.
 *
 * Auth: the page is served by the daemon, so the session cookie set by the printed login URL rides along with
 * same-origin requests. A token pasted by the user (or given as `#token=` in the URL) is kept in
 * sessionStorage and sent as a bearer header, and as `?token=` on the event stream (EventSource cannot send
 * headers).
 */
import type { WarpBridge } from '../../shared/bridge.ts';
import { API_ROUTES, apiPath, type ApiRouteId } from '../../shared/api-routes.ts';
import { httpInputs, nestOperations, OPERATIONS, type BridgeOperations } from '../../shared/operations.ts';
import type { WarpEvent, WarpEventListener } from '../../shared/events.ts';
import { bridgeError } from './errors.ts';
import { createUploader } from './upload.ts';

const TOKEN_KEY = 'warp.token';

export type ConnectionState = 'connecting' | 'open' | 'closed' | 'unauthorized';

export interface HttpBridge extends WarpBridge {
  readonly baseUrl: string;
  setToken(token: string | undefined): void;
  /** Drops the event stream and opens it again now (the "Try now" of the connection banner). */
  reconnect(): void;
  onConnection(cb: (s: ConnectionState) => void): () => void;
}

/** Picks up `#token=...` (or `?token=`) from the address once and removes it from the visible URL. */
export function takeTokenFromLocation(): string | undefined {
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const query = new URLSearchParams(location.search);
  const token = hash.get('token') ?? query.get('token') ?? undefined;
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    hash.delete('token');
    query.delete('token');
    const q = query.toString();
    const h = hash.toString();
    history.replaceState(null, '', `${location.pathname}${q ? `?${q}` : ''}${h ? `#${h}` : ''}`);
  }
  return token ?? sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

function requestHeaders(token: string | undefined, json: boolean): Record<string, string> {
  const h: Record<string, string> = {};
  if (json) h['content-type'] = 'application/json';
  if (token) h.authorization = `Bearer ${token}`;
  return h;
}

/** The JSON body of a 2xx answer; otherwise the daemon's `{ error: { code, message } }` as a BridgeError. */
async function parseResponse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw bridgeError(
      err?.code ?? (res.status === 401 ? 'UNAUTHORIZED' : `HTTP_${res.status}`),
      err?.message ?? (text.slice(0, 200) || res.statusText),
      res.status,
    );
  }
  return body as T;
}

export function createHttpBridge(baseUrl = ''): HttpBridge {
  let token = takeTokenFromLocation();
  const listeners = new Set<WarpEventListener>();
  const connListeners = new Set<(s: ConnectionState) => void>();
  let source: EventSource | undefined;
  let state: ConnectionState = 'closed';

  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    for (const cb of connListeners) cb(s);
  };

  async function call<T>(
    id: ApiRouteId,
    opts: { params?: Record<string, string>; query?: Record<string, string | undefined>; body?: unknown } = {},
  ): Promise<T> {
    const route = API_ROUTES[id];
    let url = baseUrl + apiPath(id, opts.params);
    const q = Object.entries(opts.query ?? {}).filter((kv): kv is [string, string] => kv[1] !== undefined);
    if (q.length) url += `?${new URLSearchParams(q).toString()}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: route.method,
        credentials: 'same-origin',
        headers: requestHeaders(token, opts.body !== undefined),
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      });
    } catch (err) {
      throw bridgeError(
        'UNREACHABLE',
        `the Warp daemon did not answer (${err instanceof Error ? err.message : String(err)}); is \`warp daemon\` running?`,
      );
    }
    if (res.status === 401) setState('unauthorized');
    return parseResponse<T>(res);
  }

  function connect(): void {
    if (source || listeners.size === 0) return;
    setState('connecting');
    const url = `${baseUrl}${API_ROUTES.events.path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    const es = new EventSource(url, { withCredentials: true });
    source = es;
    es.onopen = () => setState('open');
    es.onmessage = (m: MessageEvent<string>) => {
      let e: WarpEvent;
      try {
        e = JSON.parse(m.data) as WarpEvent;
      } catch {
        return;
      }
      for (const l of listeners) l(e);
    };
    es.onerror = () => {
      // EventSource retries by itself while CONNECTING; CLOSED means the server refused (e.g. 401): probe why.
      if (es.readyState === EventSource.CLOSED) {
        source = undefined;
        setState('closed');
        void call('info').then(
          () => setTimeout(connect, 1000),
          () => setTimeout(connect, 3000),
        );
      } else setState('connecting');
    };
  }

  function disconnect(): void {
    source?.close();
    source = undefined;
    setState('closed');
  }

  const upload = createUploader({
    baseUrl,
    token: () => token,
    call,
    onUnauthorized: () => setState('unauthorized'),
  });

  // One client function per operation of the table: its method, path and how its arguments travel.
  const operations = nestOperations(
    (name) =>
      (...args: unknown[]) =>
        call(name, httpInputs(OPERATIONS[name], args)),
  );
  const bridge: HttpBridge = {
    baseUrl,
    setToken(t) {
      token = t;
      if (t) sessionStorage.setItem(TOKEN_KEY, t);
      else sessionStorage.removeItem(TOKEN_KEY);
      disconnect();
      connect();
    },
    reconnect() {
      disconnect();
      connect();
    },
    onConnection(cb) {
      connListeners.add(cb);
      cb(state);
      return () => connListeners.delete(cb);
    },
    ...(operations as unknown as BridgeOperations),
    archive: {
      ...(operations.archive as BridgeOperations['archive']),
      upload: ({ files, ...options }, onProgress, signal) =>
        upload('archive.uploadCommit', files, options, onProgress, signal),
      downloadUrl: (archive) =>
        `${baseUrl}${apiPath('archive.download')}?${new URLSearchParams({ archive, ...(token ? { token } : {}) }).toString()}`,
    },
    shares: {
      ...(operations.shares as BridgeOperations['shares']),
      upload: ({ files, ...options }, onProgress) => upload('shares.uploadCommit', files, options, onProgress),
    },
    onEvent(l) {
      listeners.add(l);
      connect();
      return () => {
        listeners.delete(l);
        if (listeners.size === 0) disconnect();
      };
    },
  };
  return bridge;
}
