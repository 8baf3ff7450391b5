/**
 * The OpenAPI 3.1 document (/openapi.json), generated from the route descriptors in routes.ts (inputs) and the
 * response schemas below (which restate the DTOs of src/shared/bridge.ts as JSON Schema).
 */
import { API_ROUTES, PUBLIC_PATHS, SESSION_COOKIE } from '../../shared/api-routes.ts';
import type { JsonSchema } from '../core/schema.ts';
import { ROUTES, type RouteDef } from './routes.ts';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' };
const num = { type: 'number' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const obj = (properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties)): JsonSchema => ({
  type: 'object',
  properties,
  required,
});
const arr = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
const jobStatus = { type: 'string', enum: ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] };
const progress = obj({
  bytes: num,
  totalBytes: num,
  files: int,
  totalFiles: int,
  rate: num,
  etaSeconds: num,
  elapsedSeconds: num,
});
const edge = obj({
  edge: int,
  peer: str,
  address: str,
  state: { type: 'string', enum: ['online', 'degraded', 'offline'] },
  bandwidth: num,
  srttMs: num,
  rttVarMs: num,
  health: num,
  assigned: int,
  inFlight: int,
  completed: int,
  bytes: num,
  rate: num,
  metered: bool,
  batteryLow: bool,
  eligible: bool,
  cost: num,
});
const syncJob = obj(
  {
    id: str,
    direction: { type: 'string', enum: ['out', 'in'] },
    peerName: str,
    localPath: str,
    peer: str,
    remotePath: str,
    windows: arr(obj({ days: arr(int), start: str, end: str }, ['start', 'end'])),
    pauseOnBattery: bool,
    pauseOnMetered: bool,
    debounceMs: int,
    mode: { type: 'string', enum: ['two-way', 'send-only', 'receive-only'] },
    only: arr(str),
    conflict: { type: 'string', enum: ['newer-wins', 'local-wins', 'remote-wins'] },
    exclude: arr(str),
    presets: arr(str),
    held: int,
    state: { type: 'string', enum: ['idle', 'scanning', 'syncing', 'paused', 'waiting', 'error'] },
    reason: str,
    paused: bool,
    lastSyncAt: str,
    lastError: ref('ErrorDto'),
    pendingChanges: int,
    syncedFiles: int,
    syncedBytes: num,
    lastPushLine: str,
    guard: obj({ deletions: int, deleteHere: int, deleteThere: int, files: int, paths: arr(str), reason: str }),
    // The settings in effect (sync.settings changes them).
    deletionGuard: obj({ share: num, maxFiles: int, minFiles: int }),
    versions: obj({ policy: str, maxAgeMs: num, maxBytes: num, count: int }),
  },
  [
    'id',
    'direction',
    'localPath',
    'peer',
    'remotePath',
    'mode',
    'state',
    'paused',
    'pendingChanges',
    'syncedFiles',
    'syncedBytes',
  ],
);

const numOrNull = { type: ['number', 'null'] };
const share = obj({
  id: str,
  status: { type: 'string', enum: ['active', 'paused', 'revoked', 'expired', 'exhausted'] },
  createdAt: num,
  expiresAt: numOrNull,
  maxDownloads: { type: ['integer', 'null'] },
  password: bool,
  files: int,
  totalBytes: num,
  storedBytes: num,
  downloads: int,
  bytesServed: num,
  lastAccess: numOrNull,
});

export const RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
  ErrorDto: obj({ code: str, message: str }),
  Error: obj({ error: ref('ErrorDto') }),
  Info: obj(
    {
      version: str,
      peerId: str,
      home: str,
      host: { type: 'string', enum: ['electron', 'daemon'] },
      platform: str,
      startedAt: str,
      listen: str,
      features: obj({ sync: bool, swarm: bool, upload: bool, webgpu: bool }, ['sync', 'swarm', 'upload']),
    },
    ['version', 'peerId', 'home', 'host', 'platform', 'startedAt', 'features'],
  ),
  JobRef: obj({ job: str }),
  Progress: progress,
  Job: obj(
    {
      id: str,
      kind: str,
      status: jobStatus,
      title: str,
      titleWords: { type: 'object', additionalProperties: true },
      createdAt: str,
      updatedAt: str,
      finishedAt: str,
      progress: ref('Progress'),
      error: ref('ErrorDto'),
      result: { type: 'object', additionalProperties: true },
    },
    ['id', 'kind', 'status', 'title', 'createdAt', 'updatedAt'],
  ),
  JobList: arr(ref('Job')),
  ArchiveEntry: obj(
    {
      path: str,
      type: { type: 'string', enum: ['file', 'dir', 'symlink'] },
      size: num,
      mode: int,
      mtimeMs: num,
      target: str,
    },
    ['path', 'type', 'size', 'mode', 'mtimeMs'],
  ),
  ArchiveList: obj({ archive: str, total: int, offset: int, entries: arr(ref('ArchiveEntry')) }),
  ArchiveInfo: obj(
    {
      archive: str,
      archiveBytes: num,
      formatVersion: int,
      encrypted: bool,
      files: int,
      dirs: int,
      symlinks: int,
      bytes: num,
      chunks: int,
      merkleRoot: str,
      contentId: str,
      createdAt: str,
    },
    [
      'archive',
      'archiveBytes',
      'formatVersion',
      'encrypted',
      'files',
      'dirs',
      'symlinks',
      'bytes',
      'chunks',
      'merkleRoot',
      'contentId',
    ],
  ),
  UploadBegin: obj({ upload: str }),
  UploadFile: obj({ path: str, bytes: num }),
  Removed: obj({ removed: bool }),
  LibraryEntry: obj(
    {
      archive: str,
      archiveBytes: num,
      files: int,
      bytes: num,
      encrypted: bool,
      source: { type: 'string', enum: ['created', 'opened'] },
      addedAt: str,
      usedAt: str,
      modifiedAt: str,
      verified: obj({ at: str, ok: bool, damagedFiles: int }),
      missing: bool,
    },
    ['archive', 'archiveBytes', 'files', 'bytes', 'encrypted', 'source', 'addedAt', 'usedAt'],
  ),
  LibraryList: arr(ref('LibraryEntry')),
  Browse: obj(
    {
      path: str,
      parent: str,
      home: str,
      sep: str,
      entries: arr(obj({ name: str, type: { type: 'string', enum: ['dir', 'file'] }, size: num }, ['name', 'type'])),
      truncated: bool,
    },
    ['path', 'home', 'sep', 'entries', 'truncated'],
  ),
  Binary: { type: 'string', format: 'binary' },
  TransferRef: obj({ id: str }),
  Transfer: obj(
    {
      id: str,
      kind: { type: 'string', enum: ['send', 'fetch', 'swarm'] },
      status: jobStatus,
      peers: arr(str),
      localPath: str,
      remotePath: str,
      session: str,
      transport: str,
      createdAt: str,
      updatedAt: str,
      finishedAt: str,
      resumes: int,
      error: ref('ErrorDto'),
      manifest: obj({ files: int, bytes: num, chunks: int, needChunks: int, needBytes: num, merkleRoot: str }),
      progress: { allOf: [ref('Progress'), obj({ chunks: int, totalChunks: int, wireBytes: num })] },
      sources: arr(obj({ peer: str, bytes: num, chunks: int })),
      result: obj({
        files: int,
        bytes: num,
        wireBytes: num,
        fetchedChunks: int,
        localChunks: int,
        elapsedSeconds: num,
        merkleRoot: str,
      }),
    },
    ['id', 'kind', 'status', 'peers', 'localPath', 'remotePath', 'createdAt', 'updatedAt', 'resumes'],
  ),
  TransferList: arr(ref('Transfer')),
  Self: obj({ peerId: str, addresses: arr(str), name: str, reachability: ref('Reachability') }, [
    'peerId',
    'addresses',
    'name',
  ]),
  Reachability: obj({
    status: { type: 'string', enum: ['public', 'nat', 'unknown'] },
    confirmed: arr(str),
    observed: arr(str),
    autonat: bool,
  }),
  Peer: obj(
    {
      id: str,
      name: str,
      address: str,
      addresses: arr(str),
      addressesAt: str,
      addressesFrom: { type: 'string', enum: ['pair', 'manual', 'contact', 'discovery'] },
      addedAt: str,
      via: { type: 'string', enum: ['pair', 'manual'] },
      path: obj(
        {
          kind: { type: 'string', enum: ['direct', 'lan', 'relayed'] },
          relay: str,
          remote: str,
          rttMs: num,
          at: str,
          open: bool,
        },
        ['kind', 'remote', 'at', 'open'],
      ),
    },
    ['id', 'addresses', 'addedAt', 'via'],
  ),
  PeerList: arr(ref('Peer')),
  PairRequest: obj(
    {
      id: str,
      direction: { type: 'string', enum: ['in', 'out'] },
      peer: str,
      name: str,
      addresses: arr(str),
      code: str,
      expiresAt: str,
      state: { type: 'string', enum: ['pending', 'accepted', 'rejected', 'expired', 'withdrawn', 'failed'] },
    },
    ['id', 'direction', 'peer', 'addresses', 'code', 'expiresAt', 'state'],
  ),
  PairRequestList: arr(ref('PairRequest')),
  Nearby: obj(
    { peerId: str, name: str, addresses: arr(str), paired: bool, pairing: str, requests: bool, lastSeen: str },
    ['peerId', 'name', 'addresses', 'paired', 'lastSeen'],
  ),
  NearbyList: arr(ref('Nearby')),
  PairStart: obj({ code: str, fullCode: str, name: str, peerId: str, addresses: arr(str), expiresAt: str, job: str }),
  SwarmEdge: edge,
  SwarmSession: obj(
    {
      session: str,
      transfer: str,
      contentId: str,
      chunks: int,
      bytes: num,
      startedAt: str,
      updatedAt: str,
      done: bool,
      edges: arr(ref('SwarmEdge')),
      drift: arr({ type: 'object', additionalProperties: true }),
      recent: arr({ type: 'object', additionalProperties: true }),
      summary: { type: 'object', additionalProperties: true },
    },
    ['session', 'contentId', 'chunks', 'bytes', 'startedAt', 'updatedAt', 'done', 'edges', 'drift', 'recent'],
  ),
  SwarmStatus: obj({ available: bool, sessions: arr(ref('SwarmSession')) }),
  SyncJob: syncJob,
  SyncJobList: arr(ref('SyncJob')),
  Share: share,
  ShareList: arr(ref('Share')),
  ShareCreated: obj({ share: ref('Share'), link: str }),
  SyncVersionList: arr(obj({ version: str, path: str, keptAt: str, size: num }, ['version', 'path', 'keptAt', 'size'])),
  SyncConflictList: arr(
    obj(
      {
        path: str,
        copy: str,
        at: str,
        mine: obj({ path: str, size: num, modifiedAt: str }, ['path', 'size', 'modifiedAt']),
        theirs: obj({ path: str, size: num, modifiedAt: str }, ['path', 'size', 'modifiedAt']),
      },
      ['path', 'copy', 'at', 'mine', 'theirs'],
    ),
  ),
  SyncResolve: obj({ path: str, versioned: str }, ['path']),
  SyncRestore: obj({ path: str, replacedKeptAs: str }, ['path']),
  Config: obj({
    file: str,
    entries: arr(
      obj(
        {
          key: str,
          value: {},
          default: {},
          source: { type: 'string', enum: ['default', 'file', 'env', 'override'] },
          type: str,
          description: str,
          allowed: str,
          text: str,
          defaultText: str,
          accepts: str,
        },
        ['key', 'value', 'default', 'source', 'type', 'description'],
      ),
    ),
  }),
  EventStream: {
    type: 'string',
    description: 'text/event-stream; each `data:` line is one WarpEvent (src/shared/events.ts) as JSON',
  },
};

const camel = (id: string): string => id.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase());
const ERRORS: Record<string, string> = {
  400: 'Bad input',
  401: 'Missing or wrong token',
  404: 'Not found',
  409: 'Conflict with the current state',
  500: 'Engine error',
  503: 'Feature unavailable',
};

function operation(r: RouteDef): JsonSchema {
  const spec = API_ROUTES[r.id];
  const parameters: JsonSchema[] = [];
  for (const [where, s] of [
    ['path', r.params],
    ['query', r.query],
  ] as const) {
    const props = (s?.json().properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((s?.json().required ?? []) as string[]);
    for (const [name, schema] of Object.entries(props))
      parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema });
  }
  const okStatus = String(r.status ?? 200);
  const content = r.produces
    ? { [r.produces]: { schema: ref(r.response) } }
    : { 'application/json': { schema: ref(r.response) } };
  const responses: Record<string, JsonSchema> = { [okStatus]: { description: 'OK', content } };
  for (const [code, description] of Object.entries(ERRORS))
    responses[code] = { description, content: { 'application/json': { schema: ref('Error') } } };
  const op: JsonSchema = {
    operationId: camel(r.id),
    summary: r.summary,
    tags: [r.id.split('.')[0]],
    parameters,
    responses,
    'x-bridge-method': spec.bridge,
  };
  if (r.rawBody)
    op.requestBody = {
      required: true,
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    };
  else if (r.body)
    op.requestBody = { required: !r.body.optional, content: { 'application/json': { schema: r.body.json() } } };
  return op;
}

export function openApiDocument(version: string, serverUrl?: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of ROUTES) {
    const spec = API_ROUTES[r.id];
    const p = spec.path.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[p] ??= {};
    paths[p][spec.method.toLowerCase()] = operation(r);
  }
  const plain = (summary: string, type: string, schema: JsonSchema): Record<string, JsonSchema> => ({
    get: {
      operationId: summary.split(' ')[0].toLowerCase() + 'Public',
      summary,
      tags: ['public'],
      security: [],
      parameters: [],
      responses: { 200: { description: 'OK', content: { [type]: { schema } } } },
    },
  });
  paths[PUBLIC_PATHS.health] = plain(
    'Health: liveness and version',
    'application/json',
    obj({ ok: bool, version: str, uptimeSeconds: num }),
  );
  paths[PUBLIC_PATHS.metrics] = plain('Metrics in Prometheus text format', 'text/plain', str);
  paths[PUBLIC_PATHS.openapi] = plain('Openapi document (this one)', 'application/json', { type: 'object' });
  paths[PUBLIC_PATHS.docs] = plain('Docs page listing the routes', 'text/html', str);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Warp daemon API',
      version,
      description:
        'The local control API of `warp daemon`: the HTTP form of the WarpBridge contract (src/shared/bridge.ts).',
    },
    servers: [{ url: serverUrl ?? '/' }],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    tags: [...new Set(ROUTES.map((r) => r.id.split('.')[0]))].map((name) => ({ name })).concat([{ name: 'public' }]),
    paths,
    components: {
      schemas: RESPONSE_SCHEMAS,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The token `warp daemon token` prints' },
        cookieAuth: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'Set by /login with the one-time code the daemon prints',
        },
      },
    },
  };
}
