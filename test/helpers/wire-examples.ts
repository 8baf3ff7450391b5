/**
 * One valid frame of every type of every protocol and direction (header and payload), for the wire schema's
 * tests and fuzzers. A test checks that this list covers the whole table of src/engine/net/wire.ts.
 */
import { PROTOCOLS, type ProtocolId } from '../../src/engine/net/wire.ts';

export interface WireExample {
  protocol: ProtocolId;
  /** Who sends it: the stream's opener (`requests`) or the side that accepted it (`answers`). */
  dir: 'requests' | 'answers';
  h: { t: string } & Record<string, unknown>;
  p?: Uint8Array;
}

const hex = (n: number, c = 'a'): string => c.repeat(n);
const ids = (n: number): Uint8Array => new Uint8Array(32 * n).fill(7);
const power = { metered: false, batteryPercent: 80, pluggedIn: true, batteryLow: false };
const hello = {
  t: 'hello',
  v: 1,
  vmax: 2,
  agent: 'warp/0.1.0',
  codecs: ['zstd', 'raw'],
  maxChunk: 1 << 20,
  streams: 8,
  window: 64,
};
const result = {
  files: 1,
  dirs: 1,
  symlinks: 0,
  bytes: 10,
  unchangedFiles: 0,
  fetchedChunks: 1,
  fetchedBytes: 10,
  wireBytes: 10,
  localChunks: 0,
  localBytes: 0,
  resumedBytes: 0,
  rejectedChunks: 0,
  elapsedSeconds: 0.5,
  merkleRoot: hex(64),
};
const plan = {
  files: 1,
  bytes: 10,
  chunks: 1,
  uniqueBytes: 10,
  unchangedFiles: 0,
  haveChunks: 0,
  haveBytes: 0,
  needChunks: 1,
  needBytes: 10,
};
const error = { t: 'error', code: 'E_PROTOCOL', message: 'no' };

const C = PROTOCOLS.control;
const K = PROTOCOLS.chunks;
const S = PROTOCOLS.stream;
const P = PROTOCOLS.pair;
const R = PROTOCOLS.relay;

export const WIRE_EXAMPLES: WireExample[] = [
  { protocol: C, dir: 'requests', h: hello },
  { protocol: C, dir: 'requests', h: { t: 'open', path: '/a/b' } },
  { protocol: C, dir: 'requests', h: { t: 'offer', dest: '/in', sid: hex(32) } },
  { protocol: C, dir: 'requests', h: { t: 'page', n: 0 }, p: new Uint8Array(100) },
  { protocol: C, dir: 'requests', h: { t: 'last', pages: 3, root: hex(64) }, p: new Uint8Array(10) },
  { protocol: C, dir: 'requests', h: { t: 'push', dest: '/in', sid: hex(32), root: hex(64) }, p: new Uint8Array(100) },
  {
    protocol: C,
    dir: 'requests',
    h: {
      t: 'push',
      dest: '/in',
      sid: hex(32),
      root: hex(64),
      mirror: { versions: true, patterns: ['*.log'], warpignore: true },
    },
    p: new Uint8Array(100),
  },
  { protocol: C, dir: 'requests', h: { t: 'plan', dest: '/in' }, p: new Uint8Array(100) },
  {
    protocol: C,
    dir: 'requests',
    h: { t: 'apply', dest: '/in/photos' },
    p: new TextEncoder().encode('{"renames":[],"removes":[],"versions":true}'),
  },
  {
    protocol: C,
    dir: 'requests',
    h: {
      t: 'synced',
      dest: '/in/photos',
      job: 'photos',
      mode: 'two-way',
      ok: true,
      moved: {
        pushed: 3,
        deleted: 1,
        renamed: 0,
        pulled: 0,
        deletedThere: 0,
        renamedThere: 0,
        conflicts: 0,
        held: 0,
        wireBytes: 39000,
      },
    },
  },
  { protocol: C, dir: 'requests', h: { t: 'ping', n: 3 } },
  { protocol: C, dir: 'requests', h: { t: 'bye' } },
  { protocol: C, dir: 'requests', h: { t: 'pause' } },
  { protocol: C, dir: 'requests', h: { t: 'resume' } },
  { protocol: C, dir: 'requests', h: { t: 'cancel' } },
  { protocol: C, dir: 'requests', h: { t: 'have', path: '/x' }, p: ids(3) },
  { protocol: C, dir: 'requests', h: { t: 'find', contentId: hex(64, 'b') } },
  { protocol: C, dir: 'requests', h: { t: 'status', n: 9 } },
  { protocol: C, dir: 'requests', h: { t: 'preposition', lens: [40, 33] }, p: new Uint8Array(73) },
  { protocol: C, dir: 'requests', h: error },
  { protocol: C, dir: 'answers', h: hello },
  { protocol: C, dir: 'answers', h: { t: 'manifest', sid: hex(32), root: hex(64) }, p: new Uint8Array(100) },
  { protocol: C, dir: 'answers', h: { t: 'event', e: { type: 'transfer.paused', session: 's', paused: true } } },
  { protocol: C, dir: 'answers', h: { t: 'paged', n: 2 } },
  { protocol: C, dir: 'answers', h: { t: 'done', result } },
  { protocol: C, dir: 'answers', h: { t: 'plan', ...plan } },
  {
    protocol: C,
    dir: 'answers',
    h: { t: 'applied', renamed: 1, removed: 2, versioned: 2, skipped: [{ path: 'a.txt', reason: 'changed' }] },
  },
  { protocol: C, dir: 'answers', h: { t: 'pong', n: 3, at: 1700000000000 } },
  {
    protocol: C,
    dir: 'answers',
    h: { t: 'have', sid: hex(32), n: 9, held: 2, power, preposition: 0 },
    p: new Uint8Array(2),
  },
  { protocol: C, dir: 'answers', h: { t: 'found', path: '/x', root: hex(64) }, p: new Uint8Array(10) },
  { protocol: C, dir: 'answers', h: { t: 'status', n: 9, at: 1700000000000, power } },
  { protocol: C, dir: 'answers', h: { t: 'prepositioned', accepted: 1, bytes: 40, refused: false } },
  { protocol: C, dir: 'answers', h: error },
  { protocol: K, dir: 'requests', h: { t: 'get', sid: hex(32), n: 2 }, p: ids(2) },
  { protocol: K, dir: 'requests', h: { t: 'get', sid: hex(32), n: 2, b: 262144 }, p: ids(2) },
  { protocol: K, dir: 'requests', h: { t: 'probe', n: 4 } },
  { protocol: K, dir: 'requests', h: error },
  { protocol: K, dir: 'answers', h: { t: 'chunk', i: 0, c: 1, r: 1000 }, p: new Uint8Array(700) },
  { protocol: K, dir: 'answers', h: { t: 'miss', i: 1, code: 'E_CHUNK_UNAVAILABLE' } },
  {
    protocol: K,
    dir: 'answers',
    h: { t: 'chunks', i: 2, c: [0, 1, 0], r: [10, 1000, 0], l: [10, 600, 0] },
    p: new Uint8Array(610),
  },
  { protocol: K, dir: 'answers', h: error },
  { protocol: S, dir: 'requests', h: { t: 'stream', chunk: 65536, window: 64 } },
  { protocol: S, dir: 'requests', h: { t: 'data', seq: 0, ts: 12.5 }, p: new Uint8Array(10) },
  { protocol: S, dir: 'requests', h: { t: 'end', seq: 1, bytes: 10 } },
  { protocol: S, dir: 'requests', h: error },
  { protocol: S, dir: 'answers', h: { t: 'credit', n: 64 } },
  { protocol: S, dir: 'answers', h: { t: 'end-ok', bytes: 10 } },
  { protocol: S, dir: 'answers', h: error },
  { protocol: P, dir: 'requests', h: { t: 'pair', proof: hex(64, 'c') } },
  { protocol: P, dir: 'requests', h: { t: 'info', addrs: ['/ip4/192.168.1.5/udp/7654/quic-v1'], name: 'laptop' } },
  { protocol: P, dir: 'requests', h: { t: 'ask', commit: hex(64, 'e'), addrs: [], name: 'laptop' } },
  { protocol: P, dir: 'requests', h: { t: 'reveal', id: '0123456789abcdef', nonce: hex(64, 'f') } },
  { protocol: P, dir: 'requests', h: { t: 'decision', id: '0123456789abcdef' } },
  { protocol: P, dir: 'requests', h: { t: 'withdraw', id: '0123456789abcdef' } },
  { protocol: P, dir: 'requests', h: error },
  { protocol: P, dir: 'answers', h: { t: 'paired', proof: hex(64, 'd') } },
  { protocol: P, dir: 'answers', h: { t: 'info', addrs: [], name: 'desk' } },
  { protocol: P, dir: 'answers', h: { t: 'asked', id: '0123456789abcdef', nonce: hex(64, 'a') } },
  { protocol: P, dir: 'answers', h: { t: 'waiting', ms: 120000 } },
  { protocol: P, dir: 'answers', h: { t: 'accepted', addrs: ['/ip4/192.168.1.6/udp/7654/quic-v1'], name: 'desk' } },
  { protocol: P, dir: 'answers', h: { t: 'withdrawn' } },
  { protocol: P, dir: 'answers', h: error },
  {
    protocol: R,
    dir: 'requests',
    h: { t: 'allow', peers: ['12D3KooWLfofA78xspE7msSrvE9qaX7HAEA693bkFw2jz9sxSLRi'], pairingSeconds: 120 },
  },
  { protocol: R, dir: 'requests', h: error },
  {
    protocol: R,
    dir: 'answers',
    h: { t: 'allowed', peers: 1, dataLimit: 0, durationMs: 0, rate: 1_000_000, expiresAt: 1_800_000_000_000 },
  },
  { protocol: R, dir: 'answers', h: error },
];
