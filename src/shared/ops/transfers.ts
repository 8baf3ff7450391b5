/**
 * The operation table's entries for transfers (`transfers.*`: send, fetch, swarm download, and their control):
 * method, path, input schema and result type each, as operations.ts documents. Pure data.
 */
import type { TransferDto, TransferListRequest, TransferRef, TransferStartRequest } from '../bridge.ts';
import { array, boolean, literal, object, optional, tagged } from '../../engine/core/schema.ts';
import { op } from './spec.ts';
import { peer, transferBase, byId } from './schemas.ts';

export const TRANSFER_OPERATIONS = {
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
} as const;
