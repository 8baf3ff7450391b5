/**
 * The operation table: every call of the bridge contract once, with its HTTP method and path, its input schema
 * and its result type. Everything else is derived from it:
 *  - the bridge's method types (WarpBridge in bridge.ts) and the IPC channel list (ipc.ts, the preload),
 *  - the daemon's API routes and their input checks (src/engine/http/routes.ts) and /openapi.json,
 *  - the checks of every IPC call in Electron main (src/main/ipc-validate.ts: the same schemas),
 *  - the renderer's HTTP client (src/renderer/bridge/http.ts) and the service's dispatch table
 *    (src/engine/service/dispatch.ts, which the type-checker holds to exactly these names and types).
 *
 * To add an operation: one entry here (types, path, schema), its DTOs in bridge.ts, its implementation in the
 * service's dispatch table, and its response schema name in openapi.ts. Nothing else lists operations.
 *
 * How the bridge method's positional arguments travel (`argForm`): no arguments; one id (a path parameter
 * `:id`); one request object (the JSON body, or the query for GET); an optional request object.
 * Pure data: this file runs in the browser, the preload, main and the engine.
 */
import type {
  ArchiveCreateRequest,
  ArchiveExtractRequest,
  ArchiveInfoDto,
  ArchiveInfoRequest,
  ArchiveListRequest,
  ArchiveListResult,
  ArchiveVerifyRequest,
  ConfigDto,
  ConfigSetRequest,
  InfoDto,
  BrowseRequest,
  BrowseResult,
  LibraryEntryDto,
  LibraryRemoveRequest,
  JobRef,
  PairJoinRequest,
  PairStartRequest,
  PairStartResult,
  PeerDto,
  PeerAddressesRequest,
  NearbyDto,
  PairAnswerRequest,
  PairAskRequest,
  PairRequestDto,
  PeerRenameRequest,
  RemoveResult,
  SelfDto,
  ShareCreateRequest,
  ShareCreatedDto,
  ShareDto,
  ShareExtendRequest,
  SwarmStatusDto,
  SyncAddRequest,
  SyncJobDto,
  SyncConflictDto,
  SyncResolveRequest,
  SyncResolveResult,
  SyncRestoreRequest,
  SyncSettingsRequest,
  SyncRestoreResult,
  SyncVersionDto,
  TransferDto,
  TransferListRequest,
  TransferRef,
  TransferStartRequest,
} from './bridge.ts';
import type { JobDto } from './events.ts';
import {
  any,
  array,
  boolean,
  integer,
  literal,
  nullable,
  number,
  object,
  optional,
  string,
  tagged,
  type Schema,
} from '../engine/core/schema.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface OperationSpec {
  method: HttpMethod;
  /** Express-style path; `:id` is the one path parameter an operation may have. */
  path: string;
  summary: string;
  /** `:id` (operations whose one argument is an id). */
  params?: Schema<Record<string, unknown>>;
  /** The request object of a GET. */
  query?: Schema<Record<string, unknown>>;
  /** The request object of a POST/PUT (optional(...) when the argument may be omitted). */
  body?: Schema<unknown>;
  /** Name of the response schema in /openapi.json's components; status 200 unless `status`. */
  response: string;
  status?: number;
  /** Fields of the request that are paths on the engine's machine (`name[]`: every item); main requires them absolute. */
  localPaths?: readonly string[];
}

/** An operation with the bridge method's argument and result types attached (types only, never set at run time). */
export interface Operation<A extends unknown[], R> extends OperationSpec {
  readonly types?: { args: A; result: R };
}

function op<A extends unknown[], R>(spec: OperationSpec): Operation<A, R> {
  return spec;
}

const id = string({ min: 1, max: 128, pattern: /^[A-Za-z0-9._:@-]+$/, description: 'An id' });
const idParams = object({ id });
const pathText = (description: string): Schema<string> => string({ min: 1, max: 4096, description });
const secret = {
  password: optional(string({ min: 1, max: 1024, description: 'Archive password (sent only over loopback or HTTPS)' })),
  keyFile: optional(pathText("A key file on the daemon's machine")),
};
/** Compression effort; also used by the daemon's upload route. */
export const levelSchema = optional(literal(['fast', 'balanced', 'max'] as const, 'Compression effort'));
/** Archive password or key file; also used by the daemon's upload route. */
export const secretSchema = secret;
const peer = string({
  min: 1,
  max: 2048,
  description: "A peer address (host:port, <peer-id>@host:port, multiaddr) or a paired peer's id or name",
});
const transferBase = { localPath: pathText('Path on this machine'), remotePath: pathText('Path on the peer') };
const hhmm = string({ pattern: /^\d{2}:\d{2}$/ });
const expirySeconds = integer({ min: 1, max: 10 * 365 * 86_400, description: 'Seconds from now' });
const downloadLimit = integer({ min: 1, max: 1_000_000_000, description: 'Downloads allowed in all' });
/** A new share's limits, password and link address; also used by the daemon's upload route. */
export const shareOptions = {
  expiresSeconds: optional(expirySeconds),
  maxDownloads: optional(downloadLimit),
  password: optional(string({ min: 1, max: 1024, description: 'Share password (sent only over loopback or HTTPS)' })),
  base: optional(
    string({
      min: 8,
      max: 512,
      pattern: /^https?:\/\/[^/?#\s]+\/?$/,
      description: 'http(s)://host:port the link names',
    }),
  ),
};

/** One operation whose only argument is an id (`/…/:id`). */
const byId = <R>(method: HttpMethod, path: string, summary: string, response: string): Operation<[id: string], R> =>
  op<[id: string], R>({ method, path, summary, params: idParams, response });

/** A sync job's deletion guard (engine sync/guard.ts). */
const guardSettings = object({
  share: optional(number('0..1: deleting at least this share of the folder asks')),
  maxFiles: optional(integer({ min: 1, max: 100_000_000, description: 'Deleting at least this many files asks' })),
  minFiles: optional(integer({ min: 1, max: 100_000_000, description: 'The share rule applies from this many up' })),
});
/** A sync job's versions retention (engine transfer/versions-keep.ts). */
const versionsSettings = object({
  policy: optional(literal(['trash-can', 'simple', 'staggered'] as const, 'Versions policy')),
  maxAgeMs: optional(integer({ min: 0, max: Number.MAX_SAFE_INTEGER, description: 'Drop versions older than this' })),
  maxBytes: optional(integer({ min: 0, max: Number.MAX_SAFE_INTEGER, description: 'Keep at most this many bytes' })),
  count: optional(integer({ min: 1, max: 10_000, description: 'simple: versions kept per file' })),
});

export const OPERATIONS = {
  info: op<[], InfoDto>({
    method: 'GET',
    path: '/api/info',
    summary: 'Daemon version, identity and features',
    response: 'Info',
  }),

  'archive.create': op<[req: ArchiveCreateRequest], JobRef>({
    method: 'POST',
    path: '/api/archive/create',
    summary: 'Create a .warp archive (a job)',
    status: 202,
    response: 'JobRef',
    body: object({
      inputs: array(pathText('File or folder'), { min: 1, max: 10_000 }),
      output: pathText('The .warp file to write'),
      level: levelSchema,
      overwrite: optional(boolean()),
      ...secret,
    }),
    localPaths: ['inputs[]', 'output', 'keyFile'],
  }),
  'archive.extract': op<[req: ArchiveExtractRequest], JobRef>({
    method: 'POST',
    path: '/api/archive/extract',
    summary: 'Extract an archive (a job)',
    status: 202,
    response: 'JobRef',
    body: object({
      archive: pathText('The .warp file'),
      target: pathText('Folder to extract into'),
      paths: optional(array(pathText('Entry path'), { max: 10_000 })),
      existing: optional(literal(['error', 'skip', 'overwrite'] as const, 'What to do with files that exist')),
      ...secret,
    }),
    localPaths: ['archive', 'target', 'keyFile'],
  }),
  'archive.verify': op<[req: ArchiveVerifyRequest], JobRef>({
    method: 'POST',
    path: '/api/archive/verify',
    summary: 'Verify every chunk, the Merkle root and every file (a job)',
    status: 202,
    response: 'JobRef',
    body: object({ archive: pathText('The .warp file'), ...secret }),
    localPaths: ['archive', 'keyFile'],
  }),
  /** POST because the request may carry a password. */
  'archive.list': op<[req: ArchiveListRequest], ArchiveListResult>({
    method: 'POST',
    path: '/api/archive/list',
    summary: 'List entries of an archive',
    response: 'ArchiveList',
    body: object({
      archive: pathText('The .warp file'),
      prefix: optional(string({ max: 4096 })),
      offset: optional(integer({ min: 0 })),
      limit: optional(integer({ min: 1, max: 100_000 })),
      ...secret,
    }),
    localPaths: ['archive', 'keyFile'],
  }),
  'archive.info': op<[req: ArchiveInfoRequest], ArchiveInfoDto>({
    method: 'POST',
    path: '/api/archive/info',
    summary: 'Totals and identity of an archive',
    response: 'ArchiveInfo',
    body: object({ archive: pathText('The .warp file'), ...secret }),
    localPaths: ['archive', 'keyFile'],
  }),
  'library.list': op<[], LibraryEntryDto[]>({
    method: 'GET',
    path: '/api/library',
    summary: 'Every archive this engine created or opened, most recently used first',
    response: 'LibraryList',
  }),
  'library.remove': op<[req: LibraryRemoveRequest], RemoveResult>({
    method: 'POST',
    path: '/api/library/remove',
    summary: 'Forget an archive in the library (the file is left alone)',
    response: 'Removed',
    body: object({ archive: pathText('The .warp file') }),
    localPaths: ['archive'],
  }),

  'fs.browse': op<[req: BrowseRequest], BrowseResult>({
    method: 'GET',
    path: '/api/fs/browse',
    summary: "One folder of the engine's machine, for path pickers (folders, and files when asked)",
    response: 'Browse',
    query: object({
      path: optional(pathText('An absolute folder (default: the home folder)')),
      files: optional(boolean('List files too')),
    }),
    localPaths: ['path'],
  }),

  'jobs.list': op<[], JobDto[]>({
    method: 'GET',
    path: '/api/jobs',
    summary: 'All jobs (running and recently finished)',
    response: 'JobList',
  }),
  'jobs.get': byId<JobDto>('GET', '/api/jobs/:id', 'One job', 'Job'),
  'jobs.cancel': byId<JobDto>('POST', '/api/jobs/:id/cancel', 'Cancel a job', 'Job'),

  'transfers.start': op<[req: TransferStartRequest], TransferRef>({
    method: 'POST',
    path: '/api/transfers',
    summary: 'Start a send, fetch or swarm fetch',
    status: 202,
    response: 'TransferRef',
    body: tagged('kind', {
      send: object(
        { kind: literal(['send'] as const), peer, ...transferBase },
        { description: 'Offer localPath to a peer, which pulls it into remotePath' },
      ),
      fetch: object(
        { kind: literal(['fetch'] as const), peer, ...transferBase },
        { description: 'Pull remotePath from a peer into localPath' },
      ),
      swarm: object(
        { kind: literal(['swarm'] as const), from: array(peer, { min: 1, max: 64 }), ...transferBase },
        { description: 'Pull remotePath from several peers at once' },
      ),
    }),
    localPaths: ['localPath'],
  }),
  /** `?all=false` hides finished transfers. */
  'transfers.list': op<[req?: TransferListRequest], TransferDto[]>({
    method: 'GET',
    path: '/api/transfers',
    summary: 'Transfers started through this daemon',
    response: 'TransferList',
    query: object({ all: optional(boolean('Include finished transfers (default true)')) }),
  }),
  'transfers.get': byId<TransferDto>('GET', '/api/transfers/:id', 'One transfer', 'Transfer'),
  'transfers.cancel': byId<TransferDto>('POST', '/api/transfers/:id/cancel', 'Cancel a transfer', 'Transfer'),
  'transfers.pause': byId<TransferDto>(
    'POST',
    '/api/transfers/:id/pause',
    'Pause a transfer (keeps its resumable session)',
    'Transfer',
  ),
  'transfers.resume': byId<TransferDto>(
    'POST',
    '/api/transfers/:id/resume',
    'Resume a paused or failed transfer (only missing chunks move)',
    'Transfer',
  ),

  'peers.self': op<[], SelfDto>({
    method: 'GET',
    path: '/api/peers/self',
    summary: "This machine's peer id and addresses",
    response: 'Self',
  }),
  'peers.list': op<[], PeerDto[]>({ method: 'GET', path: '/api/peers', summary: 'Paired peers', response: 'PeerList' }),
  'peers.pairStart': op<[req?: PairStartRequest], PairStartResult>({
    method: 'POST',
    path: '/api/peers/pair/start',
    summary: 'Show a one-time pairing code and wait for a peer',
    response: 'PairStart',
    body: optional(
      object({
        timeoutSeconds: optional(integer({ min: 10, max: 3600 })),
        name: optional(string({ min: 1, max: 100 })),
      }),
    ),
  }),
  'peers.pairJoin': op<[req: PairJoinRequest], PeerDto>({
    method: 'POST',
    path: '/api/peers/pair/join',
    summary: 'Pair with a machine showing a code',
    response: 'Peer',
    body: object({
      code: string({ min: 6, max: 2048, pattern: /^[A-Za-z0-9 .-]+$/ }),
      address: optional(string({ max: 2048 })),
      name: optional(string({ min: 1, max: 100 })),
    }),
  }),
  'peers.pairAsk': op<[req: PairAskRequest], PairRequestDto>({
    method: 'POST',
    path: '/api/peers/pair/ask',
    summary:
      'Ask a nearby device to pair: answers once both sides show the confirmation code; the job in `id` ends when the other side accepts or rejects',
    response: 'PairRequest',
    body: object({ peer: string({ min: 40, max: 64 }), name: optional(string({ min: 1, max: 100 })) }),
  }),
  'peers.pairRequests': op<[], PairRequestDto[]>({
    method: 'GET',
    path: '/api/peers/pair/requests',
    summary: 'Pairing requests waiting for an answer, asked of this machine or by it',
    response: 'PairRequestList',
  }),
  'peers.pairAnswer': op<[req: PairAnswerRequest], PairRequestDto>({
    method: 'POST',
    path: '/api/peers/pair/answer',
    summary: 'Accept or reject a pairing request asked of this machine (after comparing the code on both screens)',
    response: 'PairRequest',
    body: object({ id: string({ min: 8, max: 32 }), accept: boolean() }),
  }),
  'peers.nearby': op<[], NearbyDto[]>({
    method: 'GET',
    path: '/api/peers/nearby',
    summary: 'Warp devices seen on the local network (discovery), paired or not',
    response: 'NearbyList',
  }),
  'peers.setAddresses': op<[req: PeerAddressesRequest], PeerDto>({
    method: 'POST',
    path: '/api/peers/addresses',
    summary: "Replace a paired peer's addresses (best first)",
    response: 'Peer',
    body: object({
      peer: string({ min: 1, max: 200 }),
      addresses: array(string({ min: 1, max: 512 }), { min: 1, max: 16 }),
    }),
  }),
  'peers.rename': op<[req: PeerRenameRequest], PeerDto>({
    method: 'POST',
    path: '/api/peers/rename',
    summary: 'Give a paired peer a name of your own',
    response: 'Peer',
    body: object({ peer: string({ min: 1, max: 200 }), name: string({ min: 1, max: 64 }) }),
  }),
  'peers.remove': byId<RemoveResult>('DELETE', '/api/peers/:id', 'Forget a paired peer', 'Removed'),

  'swarm.status': op<[], SwarmStatusDto>({
    method: 'GET',
    path: '/api/swarm',
    summary: 'Latest state of swarm downloads (peers, drift, decisions)',
    response: 'SwarmStatus',
  }),

  'sync.list': op<[], SyncJobDto[]>({
    method: 'GET',
    path: '/api/sync',
    summary: 'Sync jobs',
    response: 'SyncJobList',
  }),
  'sync.add': op<[req: SyncAddRequest], SyncJobDto>({
    method: 'POST',
    path: '/api/sync',
    summary: 'Watch a folder and push its changes to a paired peer',
    status: 201,
    response: 'SyncJob',
    body: object({
      localPath: pathText('Folder to watch'),
      peer,
      remotePath: pathText('Where on the peer'),
      windows: optional(
        array(object({ days: optional(array(integer({ min: 0, max: 6 }), { max: 7 })), start: hhmm, end: hhmm }), {
          max: 32,
        }),
      ),
      pauseOnBattery: optional(boolean()),
      pauseOnMetered: optional(boolean()),
      debounceMs: optional(integer({ min: 0, max: 3_600_000 })),
      mode: optional(literal(['two-way', 'send-only', 'receive-only'], 'Which way changes move')),
      only: optional(array(string({ min: 1, max: 4096 }), { max: 256, description: 'Sync only these subfolders' })),
      conflict: optional(literal(['newer-wins', 'local-wins', 'remote-wins'], 'Who wins a conflict')),
      exclude: optional(array(string({ min: 1, max: 4096 }), { max: 1024, description: 'gitignore patterns' })),
      presets: optional(array(string({ min: 1, max: 64 }), { max: 32, description: 'Ignore presets' })),
      deletionGuard: optional(guardSettings),
      versions: optional(versionsSettings),
    }),
    localPaths: ['localPath'],
  }),
  'sync.settings': op<[req: SyncSettingsRequest], SyncJobDto>({
    method: 'POST',
    path: '/api/sync/settings',
    summary: "Change a job's deletion guard and versions retention (null: back to the defaults)",
    response: 'SyncJob',
    body: object({
      id,
      deletionGuard: optional(nullable(guardSettings)),
      versions: optional(nullable(versionsSettings)),
    }),
  }),
  'sync.remove': byId<RemoveResult>('DELETE', '/api/sync/:id', 'Stop and forget a sync job', 'Removed'),
  'sync.pause': byId<SyncJobDto>('POST', '/api/sync/:id/pause', 'Pause a sync job', 'SyncJob'),
  'sync.resume': byId<SyncJobDto>('POST', '/api/sync/:id/resume', 'Resume a sync job', 'SyncJob'),
  'sync.now': byId<SyncJobDto>('POST', '/api/sync/:id/now', 'Sync a job now, without waiting for changes', 'SyncJob'),
  'sync.confirm': byId<SyncJobDto>(
    'POST',
    '/api/sync/:id/confirm',
    'Let through the deletions the deletion guard stopped',
    'SyncJob',
  ),
  'sync.versions': byId<SyncVersionDto[]>(
    'GET',
    '/api/sync/:id/versions',
    "Files kept in the folder's .warp-versions/, newest first",
    'SyncVersionList',
  ),
  'sync.conflicts': byId<SyncConflictDto[]>(
    'GET',
    '/api/sync/:id/conflicts',
    "A job's open conflicts: this machine's version and the peer's side by side",
    'SyncConflictList',
  ),
  'sync.resolve': op<[req: SyncResolveRequest], SyncResolveResult>({
    method: 'POST',
    path: '/api/sync/resolve',
    summary: 'Keep mine, theirs or both of a conflict (the version not kept goes to .warp-versions/)',
    response: 'SyncResolve',
    body: object({
      id,
      path: string({ min: 1, max: 4096, description: "The conflict's path or its copy's" }),
      keep: literal(['mine', 'theirs', 'both'] as const, 'Which version stays'),
    }),
  }),
  'sync.restore': op<[req: SyncRestoreRequest], SyncRestoreResult>({
    method: 'POST',
    path: '/api/sync/restore',
    summary: 'Put a kept version back in the folder (the file there now is kept as a version)',
    response: 'SyncRestore',
    body: object({
      id,
      version: string({ min: 1, max: 4096, description: "A version's name" }),
      as: optional(string({ min: 1, max: 4096, description: 'Restore under this path, relative to the folder' })),
    }),
  }),

  'shares.list': op<[], ShareDto[]>({
    method: 'GET',
    path: '/api/shares',
    summary: 'Share links with their state, downloads, bytes served and last access',
    response: 'ShareList',
  }),
  'shares.create': op<[req: ShareCreateRequest], ShareCreatedDto>({
    method: 'POST',
    path: '/api/shares',
    summary: 'Encrypt files or folders under a fresh key and return the link (shown once: the key is stored nowhere)',
    status: 201,
    response: 'ShareCreated',
    body: object({
      paths: array(pathText('File or folder to share'), { min: 1, max: 10_000 }),
      ...shareOptions,
    }),
    localPaths: ['paths[]'],
  }),
  'shares.pause': byId<ShareDto>('POST', '/api/shares/:id/pause', 'Stop serving a share for now', 'Share'),
  'shares.resume': byId<ShareDto>('POST', '/api/shares/:id/resume', 'Serve a paused share again', 'Share'),
  'shares.revoke': byId<ShareDto>(
    'POST',
    '/api/shares/:id/revoke',
    'Stop serving a share for good and delete its encrypted data',
    'Share',
  ),
  'shares.extend': op<[req: ShareExtendRequest], ShareDto>({
    method: 'POST',
    path: '/api/shares/extend',
    summary: 'Move the expiry (from now, or never) and/or set a new download limit',
    response: 'Share',
    body: object({
      id,
      expiresSeconds: optional(expirySeconds),
      never: optional(boolean()),
      maxDownloads: optional(downloadLimit),
    }),
  }),

  'config.get': op<[], ConfigDto>({
    method: 'GET',
    path: '/api/config',
    summary: 'Every config key with its value, default and source',
    response: 'Config',
  }),
  'config.set': op<[req: ConfigSetRequest], ConfigDto>({
    method: 'PUT',
    path: '/api/config',
    summary: 'Set config keys (written to config.toml; comments in it are not kept)',
    response: 'Config',
    body: object({ values: object({}, { extra: any('A value as in config.toml ("64MiB", 30, true)') }) }),
  }),
} as const;

export type OperationName = keyof typeof OPERATIONS;
export type OperationArgs<N extends OperationName> =
  (typeof OPERATIONS)[N] extends Operation<infer A, unknown> ? A : never;
export type OperationResult<N extends OperationName> =
  (typeof OPERATIONS)[N] extends Operation<unknown[], infer R> ? R : never;

/** Every operation name, in table order (the IPC channels, the preload's methods). */
export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

/** What serves the operations on the engine's side: one function per name, with the table's types. */
export type OperationHandlers = {
  [N in OperationName]: (...args: OperationArgs<N>) => OperationResult<N> | Promise<OperationResult<N>>;
};

export type ArgForm = 'none' | 'id' | 'body' | 'optional-body' | 'query';

/** How the operation's positional arguments map onto its inputs (see the header). */
export function argForm(o: OperationSpec): ArgForm {
  if (o.body) return o.body.optional ? 'optional-body' : 'body';
  if (o.query) return 'query';
  if (o.params) return 'id';
  return 'none';
}

/** The HTTP inputs for a call: `id` -> path parameter, request -> body (or query values as text for a GET). */
export function httpInputs(
  o: OperationSpec,
  args: readonly unknown[],
): { params?: Record<string, string>; query?: Record<string, string>; body?: unknown } {
  switch (argForm(o)) {
    case 'none':
      return {};
    case 'id':
      return { params: { id: String(args[0]) } };
    case 'body':
      return { body: args[0] };
    case 'optional-body':
      return { body: args[0] ?? {} };
    case 'query': {
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries((args[0] ?? {}) as Record<string, unknown>))
        if (v !== undefined) query[k] = String(v);
      return { query };
    }
  }
}

/** The positional arguments of the bridge method from checked HTTP inputs (the inverse of httpInputs). */
export function operationArgs(
  o: OperationSpec,
  input: { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown },
): unknown[] {
  switch (argForm(o)) {
    case 'none':
      return [];
    case 'id':
      return [String(input.params.id)];
    case 'body':
      return [input.body];
    case 'optional-body':
      return input.body === undefined ? [] : [input.body];
    case 'query':
      return [input.query];
  }
}

type OpFn<N extends OperationName> = (...args: OperationArgs<N>) => Promise<OperationResult<N>>;
type GroupOf<N> = N extends `${infer G}.${string}` ? G : never;
type GroupMethods<G extends string> = { [N in OperationName as N extends `${G}.${infer M}` ? M : never]: OpFn<N> };

/** The bridge's call methods as the renderer sees them: `info()`, `archive.create(req)`, … (bridge.ts adds the rest). */
export type BridgeOperations = { [N in OperationName as N extends `${string}.${string}` ? never : N]: OpFn<N> } & {
  [G in GroupOf<OperationName>]: GroupMethods<G>;
};

/** Builds the nested bridge object (`{ info, archive: { create, … }, … }`) from one function per operation. */
export function nestOperations(
  make: (name: OperationName) => (...args: unknown[]) => Promise<unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of OPERATION_NAMES) {
    const dot = name.indexOf('.');
    if (dot < 0) out[name] = make(name);
    else ((out[name.slice(0, dot)] ??= {}) as Record<string, unknown>)[name.slice(dot + 1)] = make(name);
  }
  return out;
}
