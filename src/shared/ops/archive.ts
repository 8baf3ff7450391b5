/**
 * The operation table's entries for archives and the engine machine's files (`archive.*`, `library.*`,
 * `fs.browse`): method, path, input schema and result type each, as operations.ts documents. Pure data.
 */
import type {
  ArchiveCreateRequest,
  ArchiveExtractRequest,
  ArchiveInfoDto,
  ArchiveInfoRequest,
  ArchiveListRequest,
  ArchiveListResult,
  ArchiveVerifyRequest,
  BrowseRequest,
  BrowseResult,
  LibraryEntryDto,
  LibraryRemoveRequest,
  JobRef,
  RemoveResult,
} from '../bridge.ts';
import { array, boolean, integer, literal, object, optional, string } from '../../engine/core/schema.ts';
import { op } from './spec.ts';
import { pathText, secret, levelSchema } from './schemas.ts';

export const ARCHIVE_OPERATIONS = {
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
} as const;
