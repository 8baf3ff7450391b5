/**
 * The operation table's entries for peers (`peers.*`: this machine, trusted peers, nearby devices, pairing by
 * code and by request): method, path, input schema and result type each, as operations.ts documents. Pure data.
 */
import type {
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
} from '../bridge.ts';
import { array, boolean, integer, object, optional, string } from '../../engine/core/schema.ts';
import { op } from './spec.ts';
import { byId } from './schemas.ts';

export const PEER_OPERATIONS = {
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
} as const;
