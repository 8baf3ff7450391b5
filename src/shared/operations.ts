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
import type { ConfigDto, ConfigSetRequest, InfoDto, SwarmStatusDto } from './bridge.ts';
import type { JobDto } from './events.ts';
import { any, object } from '../engine/core/schema.ts';
import { op, type Operation } from './ops/spec.ts';
import { byId } from './ops/schemas.ts';
import { ARCHIVE_OPERATIONS } from './ops/archive.ts';
import { PEER_OPERATIONS } from './ops/peers.ts';
import { SHARE_OPERATIONS } from './ops/shares.ts';
import { SYNC_OPERATIONS } from './ops/sync.ts';
import { TRANSFER_OPERATIONS } from './ops/transfers.ts';

export { argForm, httpInputs, operationArgs } from './ops/spec.ts';
export type { ArgForm, HttpMethod, Operation, OperationSpec } from './ops/spec.ts';
export { levelSchema, secretSchema, shareOptions } from './ops/schemas.ts';

export const OPERATIONS = {
  info: op<[], InfoDto>({
    method: 'GET',
    path: '/api/info',
    summary: 'Daemon version, identity and features',
    response: 'Info',
  }),

  ...ARCHIVE_OPERATIONS,

  'jobs.list': op<[], JobDto[]>({
    method: 'GET',
    path: '/api/jobs',
    summary: 'All jobs (running and recently finished)',
    response: 'JobList',
  }),
  'jobs.get': byId<JobDto>('GET', '/api/jobs/:id', 'One job', 'Job'),
  'jobs.cancel': byId<JobDto>('POST', '/api/jobs/:id/cancel', 'Cancel a job', 'Job'),

  ...TRANSFER_OPERATIONS,

  ...PEER_OPERATIONS,

  'swarm.status': op<[], SwarmStatusDto>({
    method: 'GET',
    path: '/api/swarm',
    summary: 'Latest state of swarm downloads (peers, drift, decisions)',
    response: 'SwarmStatus',
  }),

  ...SYNC_OPERATIONS,

  ...SHARE_OPERATIONS,

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
