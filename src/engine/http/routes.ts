/**
 * Every API route as a descriptor: its inputs (params, query, body) as schemas, its response's schema name,
 * and its handler over the service. server.ts validates with these schemas and openapi.ts documents from
 * them, so the checks and /openapi.json always agree. The operations' routes are derived from the operation
 * table (src/shared/operations.ts); the web-only ones (uploads, download, events) are written out here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_ROUTES, type ApiRouteId } from '../../shared/api-routes.ts';
import {
  OPERATION_NAMES,
  OPERATIONS,
  levelSchema,
  operationArgs,
  secretSchema,
  shareOptions,
  type OperationHandlers,
  type OperationSpec,
} from '../../shared/operations.ts';
import { array, boolean, integer, object, optional, string, type Schema } from '../core/schema.ts';
import type { ShareOptionsDto } from '../../shared/bridge.ts';
import type { WarpService } from '../service/warp-service.ts';
import type { Uploads } from './uploads.ts';

export interface RouteInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

export interface RouteContext {
  svc: WarpService;
  /** The service's dispatch table (dispatch.ts). */
  ops: OperationHandlers;
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

const uploadParams = object({ upload: string({ min: 1, max: 64, pattern: /^[0-9a-f]+$/ }) });
const pathText = (description: string): Schema<string> => string({ min: 1, max: 4096, description });

/** One route per operation of the table: its inputs as the table declares them, served by the service's dispatch. */
const OPERATION_ROUTES: RouteDef[] = OPERATION_NAMES.map((name) => {
  const o: OperationSpec = OPERATIONS[name];
  return {
    id: name,
    summary: o.summary,
    params: o.params,
    query: o.query,
    body: o.body,
    response: o.response,
    status: o.status,
    handler: (i: RouteInput, { ops }: RouteContext) =>
      (ops[name] as (...a: unknown[]) => unknown)(...operationArgs(o, i)),
  };
});

/** The routes only the web client uses (uploads, downloads, events): method and path in WEB_ROUTES. */
const WEB_ROUTE_DEFS: RouteDef[] = [
  {
    id: 'archive.uploadBegin',
    summary: 'Start an upload (web mode: files from a browser)',
    status: 201,
    response: 'UploadBegin',
    handler: (_i, { uploads }) => uploads.begin(),
  },
  {
    id: 'archive.uploadFile',
    summary: 'Upload one file (raw body) at its relative path',
    response: 'UploadFile',
    rawBody: true,
    params: uploadParams,
    query: object({
      path: string({
        min: 1,
        max: 4096,
        description: 'Relative path of the file in the dropped tree (a/b.txt); no .. or absolute paths',
      }),
      mtime: optional(
        integer({ min: 0, max: 8_640_000_000_000_000, description: "The file's modification time (ms)" }),
      ),
    }),
    handler: (i, { uploads, req }) =>
      uploads.file(String(i.params.upload), String(i.query.path), req, i.query.mtime as number | undefined),
  },
  {
    id: 'archive.uploadCommit',
    summary: 'Archive the uploaded files (a job); the staging copy is removed afterwards',
    status: 202,
    response: 'JobRef',
    params: uploadParams,
    body: object({
      name: string({ min: 1, max: 200, pattern: /^(?!\.{1,2}$)[^/\\\0]+$/, description: 'Archive name (no folders)' }),
      output: optional(pathText('Where to write the archive (default WARP_HOME/archives/<name>.warp)')),
      level: levelSchema,
      overwrite: optional(boolean()),
      dirs: optional(
        array(
          object({
            path: string({ min: 1, max: 4096, description: 'Relative folder path in the dropped tree' }),
            mtimeMs: optional(integer({ min: 0, max: 8_640_000_000_000_000 })),
          }),
          { max: 1_000_000 },
        ),
      ),
      ...secretSchema,
    }),
    handler: (i, ctx) => {
      const b = i.body as {
        name: string;
        output?: string;
        level?: 'fast' | 'balanced' | 'max';
        overwrite?: boolean;
        password?: string;
        keyFile?: string;
        dirs?: Array<{ path: string; mtimeMs?: number }>;
      };
      const { inputs, cleanup } = ctx.uploads.commit(String(i.params.upload), b.dirs);
      const output = b.output ?? `${ctx.svc.home}/archives/${b.name.endsWith('.warp') ? b.name : `${b.name}.warp`}`;
      try {
        return ctx.svc.archives.create(
          { inputs, output, level: b.level, overwrite: b.overwrite, password: b.password, keyFile: b.keyFile },
          'archive.upload',
          cleanup,
        );
      } catch (e) {
        cleanup();
        throw e;
      }
    },
  },
  {
    id: 'shares.uploadCommit',
    summary: 'Share the uploaded files: returns the link once (the staging copy is removed afterwards)',
    status: 201,
    response: 'ShareCreated',
    params: uploadParams,
    body: object(shareOptions),
    handler: (i, ctx) => {
      const { inputs, cleanup } = ctx.uploads.commit(String(i.params.upload));
      return ctx.svc.shares.create({ ...(i.body as ShareOptionsDto), paths: inputs }, cleanup);
    },
  },
  {
    id: 'archive.uploadDiscard',
    summary: 'Discard an upload that will not be archived',
    response: 'Removed',
    params: uploadParams,
    handler: (i, { uploads }) => uploads.discard(String(i.params.upload)),
  },
  {
    id: 'archive.download',
    summary: "Download a .warp file from the daemon's machine",
    response: 'Binary',
    produces: 'application/octet-stream',
    streams: true,
    query: object({
      archive: pathText('Path of a .warp file'),
      token: optional(
        string({ max: 256, description: 'The API token, for a plain link (a browser download sends no headers)' }),
      ),
    }),
    handler: () => undefined, // served in server.ts (streams the file)
  },

  {
    id: 'events',
    summary: 'Server-Sent Events: every WarpEvent as JSON (auth: bearer, cookie or ?token=)',
    response: 'EventStream',
    produces: 'text/event-stream',
    streams: true,
    query: object({
      token: optional(string({ max: 256 })),
      lastEventId: optional(
        integer({
          min: 0,
          description: 'Replay the events after this id (EventSource sends the Last-Event-ID header by itself)',
        }),
      ),
    }),
    handler: () => undefined, // served in server.ts
  },
];

export const ROUTES: RouteDef[] = [...OPERATION_ROUTES, ...WEB_ROUTE_DEFS];

/** Checks that the table covers the shared route table exactly (called at start-up and in tests). */
export function checkRouteTable(): void {
  const mine = new Set(ROUTES.map((r) => r.id));
  const missing = Object.keys(API_ROUTES).filter((k) => !mine.has(k as ApiRouteId));
  if (missing.length > 0 || mine.size !== ROUTES.length)
    throw new Error(`daemon route table out of date: missing ${missing.join(', ')}`);
}
