/**
 * Every API route as a descriptor: its inputs (params, query, body) as schemas, its response's schema name,
 * and its handler over the service. server.ts validates with these schemas and openapi.ts documents from
 * them, so the checks and /openapi.json always agree. Methods and paths come from src/shared/api-routes.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_ROUTES, type ApiRouteId } from '../../shared/api-routes.ts';
import type { TransferStartRequest } from '../../shared/bridge.ts';
import { any, array, boolean, integer, literal, object, optional, string, tagged, type Schema } from './schema.ts';
import type { WarpService } from './service.ts';
import type { Uploads } from './uploads.ts';

export interface RouteInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

export interface RouteContext {
  svc: WarpService;
  uploads: Uploads;
  req: IncomingMessage;
  res: ServerResponse;
}

export interface RouteDef {
  id: ApiRouteId;
  summary: string;
  description?: string;
  params?: Schema<Record<string, unknown>>;
  query?: Schema<Record<string, unknown>>;
  body?: Schema<unknown>;
  /** The body is raw bytes (uploads), not JSON. */
  rawBody?: boolean;
  /** Name of the response schema in components (openapi-schemas.ts); status 200 unless `status`. */
  response: string;
  status?: number;
  /** Content type of a non-JSON response (SSE, downloads). */
  produces?: string;
  /** The handler writes the response itself (SSE, downloads). */
  streams?: boolean;
  handler(input: RouteInput, ctx: RouteContext): unknown;
}

const id = string({ min: 1, max: 128, pattern: /^[A-Za-z0-9._:@-]+$/, description: 'An id' });
const idParams = object({ id });
const pathText = (description: string): Schema<string> => string({ min: 1, max: 4096, description });
const secret = {
  password: optional(string({ min: 1, max: 1024, description: 'Archive password (sent only over loopback or HTTPS)' })),
  keyFile: optional(pathText('A key file on the daemon\'s machine')),
};
const level = optional(literal(['fast', 'balanced', 'max'] as const, 'Compression effort'));
const peer = string({ min: 1, max: 2048, description: 'A peer address (host:port, <peer-id>@host:port, multiaddr) or a paired peer\'s id or name' });
const transferBase = { localPath: pathText('Path on this machine'), remotePath: pathText('Path on the peer') };

export const ROUTES: RouteDef[] = [
  { id: 'info', summary: 'Daemon version, identity and features', response: 'Info', handler: (_i, { svc }) => svc.info() },

  {
    id: 'archive.create', summary: 'Create a .warp archive (a job)', status: 202, response: 'JobRef',
    body: object({ inputs: array(pathText('File or folder'), { min: 1, max: 10_000 }), output: pathText('The .warp file to write'), level, overwrite: optional(boolean()), ...secret }),
    handler: (i, { svc }) => svc.archiveCreate(i.body as Parameters<WarpService['archiveCreate']>[0]),
  },
  {
    id: 'archive.extract', summary: 'Extract an archive (a job)', status: 202, response: 'JobRef',
    body: object({
      archive: pathText('The .warp file'), target: pathText('Folder to extract into'), paths: optional(array(pathText('Entry path'), { max: 10_000 })),
      existing: optional(literal(['error', 'skip', 'overwrite'] as const, 'What to do with files that exist')), ...secret,
    }),
    handler: (i, { svc }) => svc.archiveExtract(i.body as Parameters<WarpService['archiveExtract']>[0]),
  },
  {
    id: 'archive.verify', summary: 'Verify every chunk, the Merkle root and every file (a job)', status: 202, response: 'JobRef',
    body: object({ archive: pathText('The .warp file'), ...secret }),
    handler: (i, { svc }) => svc.archiveVerify(i.body as Parameters<WarpService['archiveVerify']>[0]),
  },
  {
    id: 'archive.list', summary: 'List entries of an archive', response: 'ArchiveList',
    body: object({ archive: pathText('The .warp file'), prefix: optional(string({ max: 4096 })), offset: optional(integer({ min: 0 })), limit: optional(integer({ min: 1, max: 10_000 })), ...secret }),
    handler: (i, { svc }) => svc.archiveList(i.body as Parameters<WarpService['archiveList']>[0]),
  },
  {
    id: 'archive.info', summary: 'Totals and identity of an archive', response: 'ArchiveInfo',
    body: object({ archive: pathText('The .warp file'), ...secret }),
    handler: (i, { svc }) => svc.archiveInfo(i.body as Parameters<WarpService['archiveInfo']>[0]),
  },
  {
    id: 'archive.uploadBegin', summary: 'Start an upload (web mode: files from a browser)', status: 201, response: 'UploadBegin',
    handler: (_i, { uploads }) => uploads.begin(),
  },
  {
    id: 'archive.uploadFile', summary: 'Upload one file (raw body) at its relative path', response: 'UploadFile', rawBody: true,
    params: object({ upload: string({ min: 1, max: 64, pattern: /^[0-9a-f]+$/ }) }),
    query: object({ path: string({ min: 1, max: 4096, description: 'Relative path of the file in the dropped tree (a/b.txt); no .. or absolute paths' }) }),
    handler: (i, { uploads, req }) => uploads.file(String(i.params.upload), String(i.query.path), req),
  },
  {
    id: 'archive.uploadCommit', summary: 'Archive the uploaded files (a job); the staging copy is removed afterwards', status: 202, response: 'JobRef',
    params: object({ upload: string({ min: 1, max: 64, pattern: /^[0-9a-f]+$/ }) }),
    body: object({
      name: string({ min: 1, max: 200, pattern: /^(?!\.{1,2}$)[^/\\\0]+$/, description: 'Archive name (no folders)' }),
      output: optional(pathText('Where to write the archive (default WARP_HOME/archives/<name>.warp)')), level, overwrite: optional(boolean()), ...secret,
    }),
    handler: (i, ctx) => {
      const b = i.body as { name: string; output?: string; level?: 'fast' | 'balanced' | 'max'; overwrite?: boolean; password?: string; keyFile?: string };
      const { inputs, cleanup } = ctx.uploads.commit(String(i.params.upload));
      const output = b.output ?? `${ctx.svc.home}/archives/${b.name.endsWith('.warp') ? b.name : `${b.name}.warp`}`;
      try {
        return ctx.svc.archiveCreate({ inputs, output, level: b.level, overwrite: b.overwrite, password: b.password, keyFile: b.keyFile }, 'archive.upload', cleanup);
      } catch (e) {
        cleanup();
        throw e;
      }
    },
  },
  {
    id: 'archive.uploadDiscard', summary: 'Discard an upload that will not be archived', response: 'Removed',
    params: object({ upload: string({ min: 1, max: 64, pattern: /^[0-9a-f]+$/ }) }),
    handler: (i, { uploads }) => uploads.discard(String(i.params.upload)),
  },
  {
    id: 'archive.download', summary: 'Download a .warp file from the daemon\'s machine', response: 'Binary', produces: 'application/octet-stream', streams: true,
    query: object({ archive: pathText('Path of a .warp file'), token: optional(string({ max: 256, description: 'The API token, for a plain link (a browser download sends no headers)' })) }),
    handler: () => undefined, // served in server.ts (streams the file)
  },

  { id: 'jobs.list', summary: 'All jobs (running and recently finished)', response: 'JobList', handler: (_i, { svc }) => svc.jobList() },
  { id: 'jobs.get', summary: 'One job', params: idParams, response: 'Job', handler: (i, { svc }) => svc.jobGet(String(i.params.id)) },
  { id: 'jobs.cancel', summary: 'Cancel a job', params: idParams, response: 'Job', handler: (i, { svc }) => svc.jobCancel(String(i.params.id)) },

  {
    id: 'transfers.start', summary: 'Start a send, fetch or swarm fetch', status: 202, response: 'TransferRef',
    body: tagged('kind', {
      send: object({ kind: literal(['send'] as const), peer, ...transferBase }, { description: 'Offer localPath to a peer, which pulls it into remotePath' }),
      fetch: object({ kind: literal(['fetch'] as const), peer, ...transferBase }, { description: 'Pull remotePath from a peer into localPath' }),
      swarm: object({ kind: literal(['swarm'] as const), from: array(peer, { min: 1, max: 64 }), ...transferBase }, { description: 'Pull remotePath from several peers at once' }),
    }),
    handler: (i, { svc }) => svc.transferStart(i.body as TransferStartRequest),
  },
  {
    id: 'transfers.list', summary: 'Transfers started through this daemon', response: 'TransferList',
    query: object({ all: optional(boolean('Include finished transfers (default true)')) }),
    handler: (i, { svc }) => svc.transferList({ all: i.query.all as boolean | undefined }),
  },
  { id: 'transfers.get', summary: 'One transfer', params: idParams, response: 'Transfer', handler: (i, { svc }) => svc.transferGet(String(i.params.id)) },
  { id: 'transfers.cancel', summary: 'Cancel a transfer', params: idParams, response: 'Transfer', handler: (i, { svc }) => svc.transferCancel(String(i.params.id)) },
  { id: 'transfers.pause', summary: 'Pause a transfer (keeps its resumable session)', params: idParams, response: 'Transfer', handler: (i, { svc }) => svc.transferPause(String(i.params.id)) },
  { id: 'transfers.resume', summary: 'Resume a paused or failed transfer (only missing chunks move)', params: idParams, response: 'Transfer', handler: (i, { svc }) => svc.transferResume(String(i.params.id)) },

  { id: 'peers.self', summary: 'This machine\'s peer id and addresses', response: 'Self', handler: (_i, { svc }) => svc.peersSelf() },
  { id: 'peers.list', summary: 'Paired peers', response: 'PeerList', handler: (_i, { svc }) => svc.peersList() },
  {
    id: 'peers.pairStart', summary: 'Show a one-time pairing code and wait for a peer', response: 'PairStart',
    body: optional(object({ timeoutSeconds: optional(integer({ min: 10, max: 3600 })), name: optional(string({ min: 1, max: 100 })) })),
    handler: (i, { svc }) => svc.peersPairStart((i.body ?? {}) as Parameters<WarpService['peersPairStart']>[0]),
  },
  {
    id: 'peers.pairJoin', summary: 'Pair with a machine showing a code', response: 'Peer',
    body: object({ code: string({ min: 6, max: 32, pattern: /^[A-Za-z0-9 -]+$/ }), address: string({ min: 3, max: 2048 }), name: optional(string({ min: 1, max: 100 })) }),
    handler: (i, { svc }) => svc.peersPairJoin(i.body as Parameters<WarpService['peersPairJoin']>[0]),
  },
  { id: 'peers.remove', summary: 'Forget a paired peer', params: idParams, response: 'Removed', handler: (i, { svc }) => svc.peersRemove(String(i.params.id)) },

  { id: 'swarm.status', summary: 'Latest state of swarm downloads (peers, drift, decisions)', response: 'SwarmStatus', handler: (_i, { svc }) => svc.swarmStatus() },

  { id: 'sync.list', summary: 'Sync jobs', response: 'SyncJobList', handler: (_i, { svc }) => svc.syncList() },
  {
    id: 'sync.add', summary: 'Watch a folder and push its changes to a paired peer', status: 201, response: 'SyncJob',
    body: object({
      localPath: pathText('Folder to watch'), peer, remotePath: pathText('Where on the peer'),
      windows: optional(array(object({ days: optional(array(integer({ min: 0, max: 6 }), { max: 7 })), start: string({ pattern: /^\d{2}:\d{2}$/ }), end: string({ pattern: /^\d{2}:\d{2}$/ }) }), { max: 32 })),
      pauseOnBattery: optional(boolean()), pauseOnMetered: optional(boolean()), debounceMs: optional(integer({ min: 0, max: 3_600_000 })),
    }),
    handler: (i, { svc }) => svc.syncAdd(i.body as Parameters<WarpService['syncAdd']>[0]),
  },
  { id: 'sync.remove', summary: 'Stop and forget a sync job', params: idParams, response: 'Removed', handler: (i, { svc }) => svc.syncRemove(String(i.params.id)) },
  { id: 'sync.pause', summary: 'Pause a sync job', params: idParams, response: 'SyncJob', handler: (i, { svc }) => svc.syncPause(String(i.params.id)) },
  { id: 'sync.resume', summary: 'Resume a sync job', params: idParams, response: 'SyncJob', handler: (i, { svc }) => svc.syncResume(String(i.params.id)) },

  { id: 'config.get', summary: 'Every config key with its value, default and source', response: 'Config', handler: (_i, { svc }) => svc.configGet() },
  {
    id: 'config.set', summary: 'Set config keys (written to config.toml; comments in it are not kept)', response: 'Config',
    body: object({ values: object({}, { extra: any('A value as in config.toml ("64MiB", 30, true)') }) }),
    handler: (i, { svc }) => svc.configSet(i.body as Parameters<WarpService['configSet']>[0]),
  },

  {
    id: 'events', summary: 'Server-Sent Events: every WarpEvent as JSON (auth: bearer, cookie or ?token=)', response: 'EventStream', produces: 'text/event-stream', streams: true,
    query: object({ token: optional(string({ max: 256 })), lastEventId: optional(integer({ min: 0, description: 'Replay the events after this id (EventSource sends the Last-Event-ID header by itself)' })) }),
    handler: () => undefined, // served in server.ts
  },
];

/** Checks that the table covers the shared route table exactly (called at start-up and in tests). */
export function checkRouteTable(): void {
  const mine = new Set(ROUTES.map((r) => r.id));
  const missing = Object.keys(API_ROUTES).filter((k) => !mine.has(k as ApiRouteId));
  if (missing.length > 0 || mine.size !== ROUTES.length) throw new Error(`daemon route table out of date: missing ${missing.join(', ')}`);
}
