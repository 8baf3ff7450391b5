/**
 * The operation table's entries for folder sync (`sync.*`: jobs, their settings and control, versions,
 * conflicts): method, path, input schema and result type each, as operations.ts documents. Pure data.
 */
import type {
  RemoveResult,
  SyncAddRequest,
  SyncJobDto,
  SyncConflictDto,
  SyncResolveRequest,
  SyncResolveResult,
  SyncRestoreRequest,
  SyncSettingsRequest,
  SyncRestoreResult,
  SyncVersionDto,
} from '../bridge.ts';
import { array, boolean, integer, literal, nullable, object, optional, string } from '../../engine/core/schema.ts';
import { op } from './spec.ts';
import { id, pathText, peer, hhmm, byId, guardSettings, versionsSettings } from './schemas.ts';

export const SYNC_OPERATIONS = {
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
} as const;
