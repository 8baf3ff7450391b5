/**
 * The operation table's entries for share links (`shares.*`): method, path, input schema and result type each,
 * as operations.ts documents. Pure data.
 */
import type { ShareCreateRequest, ShareCreatedDto, ShareDto, ShareExtendRequest } from '../bridge.ts';
import { array, boolean, object, optional } from '../../engine/core/schema.ts';
import { op } from './spec.ts';
import { id, pathText, expirySeconds, downloadLimit, shareOptions, byId } from './schemas.ts';

export const SHARE_OPERATIONS = {
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
} as const;
