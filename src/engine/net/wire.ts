/**
 * The peer protocol as data (docs/PROTOCOL.md): every frame type of every stream protocol, its header schema
 * (core/schema.ts, the language the HTTP API uses too) and how large its payload may be. A stream's opener
 * sends `requests`, the side that accepted it sends `answers` (the same `t` may mean different things in the
 * two directions: a `plan` request carries a destination, a `plan` answer the plan). Both may send `error`.
 *
 * Frames are checked in one place, the FrameParser (frames.ts), against the table of the direction they
 * arrive from: the header as soon as its bytes are in, the payload length before a payload byte is kept.
 * Handlers receive typed values; anything else is E_PROTOCOL. Unknown fields are dropped (a newer peer may
 * add some), unknown frame types are refused.
 *
 * Adding a frame type: add its schema here (and its row to docs/PROTOCOL.md); the compiler then shows every
 * handler that has to answer it.
 */
import { CHUNK_SIZE_LIMITS } from '../codec/fastcdc.ts';
import {
  array,
  boolean,
  integer,
  literal,
  nullable,
  number,
  object,
  optional,
  string,
  type Infer,
  type Schema,
  type Shape,
  type ObjectOf,
} from '../core/schema.ts';

export const PROTOCOLS = {
  control: '/warp/ctl/1.0.0',
  chunks: '/warp/chunks/1.0.0',
  stream: '/warp/stream/1.0.0',
  pair: '/warp/pair/1.0.0',
  relay: '/warp/relay/1.0.0',
} as const;

export type ProtocolId = (typeof PROTOCOLS)[keyof typeof PROTOCOLS];

/** The largest manifest a frame may carry (a push, a plan, a fetch's or a find's answer). */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
/** The largest list of sync changes one `apply` may carry. */
export const MAX_APPLY_BYTES = 64 * 1024 * 1024;
/** The most ids one `get` may carry (bounds what one frame can make the server do). */
export const MAX_GET = 1024;
/**
 * The most payload bytes one batched chunk answer (`chunks`) may carry: many small chunks go out as one frame
 * (one header, one stream write, one parse) instead of one frame each. A chunk larger than this travels alone.
 */
export const MAX_CHUNKS_REPLY_BYTES = 1024 * 1024;
/** The most ids one swarm `have` may ask about (32 bytes each: 32 MiB of payload). */
export const MAX_HAVE = 1 << 20;
/** Pre-positioned chunks travel in frames of up to 4 MiB (swarm/preposition.ts); one chunk may exceed that. */
export const MAX_PREPOSITION_BYTES = 4 * 1024 * 1024 + CHUNK_SIZE_LIMITS.max + 32;
/** The most 1 MiB blocks one `probe` may ask for (a throughput probe; the server also caps them per peer). */
export const MAX_PROBE_BLOCKS = 64;
export const PROBE_BLOCK = 1024 * 1024;
/** Stream mode's largest chunk. */
export const MAX_STREAM_CHUNK = 16 * 1024 * 1024;
export const ID_BYTES = 32;

/** One frame type: its header fields (without `t`) and a payload rule. */
export interface FrameSpec<H = unknown> {
  header: Schema<H>;
  /** The largest payload this type may carry (0: none). Checked before any payload byte is kept. */
  maxPayload: number;
  /** A check across header and payload length (both already valid on their own); returns what is wrong. */
  check?: (h: H, payloadLength: number) => string | undefined;
}

function frame<S extends Shape>(
  shape: S,
  maxPayload = 0,
  check?: (h: ObjectOf<S>, payloadLength: number) => string | undefined,
): FrameSpec<ObjectOf<S>> {
  return { header: object(shape, { dropUnknown: true }), maxPayload, check };
}

/** Any frame spec (a table mixes header types; `check` is contravariant in them). */
export interface AnyFrameSpec {
  header: Schema<unknown>;
  maxPayload: number;
  check?: (h: never, payloadLength: number) => string | undefined;
}
export type FrameTable = Record<string, AnyFrameSpec>;

// Field shapes shared by several frames.
const u32 = integer({ min: 0, max: 0xffff_ffff });
const count = integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const seconds = number();
const hex64 = string({ min: 64, max: 64, pattern: /^[0-9a-f]{64}$/ });
const sessionHex = string({ min: 16, max: 64, pattern: /^[0-9a-f]+$/ });
/** A listener-relative path (`/` is the listener's root); transfer/paths.ts resolves it safely. */
const remotePath = string({ max: 4096 });
const text = (max: number): Schema<string> => string({ max });

const power = object(
  { metered: boolean(), batteryPercent: optional(number()), pluggedIn: boolean(), batteryLow: boolean() },
  { dropUnknown: true },
);

const hello = {
  v: integer({ min: 0, max: 0xffff }),
  vmax: optional(integer({ min: 0, max: 0xffff })),
  agent: text(256),
  codecs: array(text(32), { max: 16 }),
  maxChunk: u32,
  streams: u32,
  window: u32,
};

/** The receiver's view of a push, relayed to the sender: only these event types cross the wire. */
const session = text(128);
const progress = {
  session,
  chunks: count,
  totalChunks: count,
  wireBytes: count,
  bytes: count,
  totalBytes: count,
  files: count,
  totalFiles: count,
  rate: seconds,
  etaSeconds: seconds,
  elapsedSeconds: seconds,
};
export const RELAYED_EVENTS = {
  'transfer.manifest': object(
    {
      type: string(),
      session,
      files: count,
      bytes: count,
      chunks: count,
      haveChunks: count,
      haveBytes: count,
      needChunks: count,
      needBytes: count,
      merkleRoot: text(64),
    },
    { dropUnknown: true },
  ),
  'transfer.progress': object({ type: string(), ...progress }, { dropUnknown: true }),
  'transfer.chunk-rejected': object(
    { type: string(), session, chunk: count, source: text(256), reason: text(1024) },
    { dropUnknown: true },
  ),
  'transfer.paused': object({ type: string(), session, paused: boolean() }, { dropUnknown: true }),
};
type RelayedEvent = {
  [K in keyof typeof RELAYED_EVENTS]: Infer<(typeof RELAYED_EVENTS)[K]> & { type: K };
}[keyof typeof RELAYED_EVENTS];

/** An event of a type this build relays; one of another type (a newer peer's) reads as null and is skipped. */
const relayedEvent: Schema<RelayedEvent | null> = {
  parse(v, where, fromText) {
    const type = typeof v === 'object' && v !== null ? (v as { type?: unknown }).type : undefined;
    if (typeof type !== 'string') return object({ type: string() }).parse(v, where, fromText) as never;
    if (!Object.hasOwn(RELAYED_EVENTS, type)) return null;
    return RELAYED_EVENTS[type as keyof typeof RELAYED_EVENTS].parse(v, where, fromText) as RelayedEvent;
  },
  json: () => ({ type: 'object' }),
};

/** What a mirror push removed (transfer/mirror.ts). */
const mirrorResult = object(
  { deletedFiles: count, deletedDirs: count, deletedBytes: count, versioned: count, protectedPaths: count },
  { dropUnknown: true },
);

/** What a sync push kept of the files it replaced (transfer/keep-old.ts). */
const keptResult = object(
  {
    versioned: count,
    conflicted: count,
    conflicts: array(object({ path: text(4096), keptAs: text(4200) }), { max: 200 }),
  },
  { dropUnknown: true },
);

const receiveResult = object(
  {
    files: count,
    dirs: count,
    symlinks: count,
    bytes: count,
    unchangedFiles: count,
    fetchedChunks: count,
    fetchedBytes: count,
    wireBytes: count,
    localChunks: count,
    localBytes: count,
    resumedBytes: count,
    rejectedChunks: count,
    elapsedSeconds: seconds,
    merkleRoot: text(64),
    mirror: optional(mirrorResult),
    kept: optional(keptResult),
  },
  { dropUnknown: true },
);

/** A push's mirror request (send --delete): keep removed files as versions, and the sender's ignore patterns. */
export const MAX_MIRROR_PATTERNS = 10_000;
const mirrorRequest = object(
  {
    versions: optional(boolean()),
    patterns: optional(array(text(4096), { max: MAX_MIRROR_PATTERNS })),
    warpignore: optional(boolean()),
  },
  { dropUnknown: true },
);

/** A sync push: keep replaced files as versions, and the content the sender expects where it writes. */
export const MAX_EXPECT = 400; // each at most ~150 bytes in practice: the header stays well under 64 KiB
const keepRequest = object(
  {
    versions: boolean(),
    expect: optional(
      array(object({ p: text(4096), h: string({ max: 16, pattern: /^[0-9a-f]*$/ }) }), { max: MAX_EXPECT }),
    ),
  },
  { dropUnknown: true },
);

const planResult = {
  files: count,
  bytes: count,
  chunks: count,
  uniqueBytes: count,
  unchangedFiles: count,
  haveChunks: count,
  haveBytes: count,
  needChunks: count,
  needBytes: count,
};

const errorFrame = frame({ code: text(64), message: string() });

/** `/warp/ctl/1.0.0`: hello, then requests and their answers (docs/PROTOCOL.md "Requests"). */
const control = {
  requests: {
    hello: frame(hello),
    open: frame({ path: remotePath }),
    push: frame(
      {
        dest: optional(remotePath),
        sid: sessionHex,
        root: hex64,
        mirror: optional(mirrorRequest),
        keep: optional(keepRequest),
      },
      MAX_MANIFEST_BYTES,
    ),
    // Protocol 3: a push whose manifest follows in pages while the sender still scans (transfer/paged-push.ts):
    // `offer`, then `page`s of files (each a whole manifest of its own), then `last` with the directories and
    // symlinks and the root over all pages. The receiver answers `paged` for each page it takes.
    offer: frame({ dest: optional(remotePath), sid: sessionHex }),
    page: frame({ n: count }, MAX_MANIFEST_BYTES),
    last: frame({ pages: count, root: hex64 }, MAX_MANIFEST_BYTES),
    plan: frame({ dest: optional(remotePath) }, MAX_MANIFEST_BYTES),
    // Sync: renames and removals in a folder, each only while the file has the named hash (transfer/apply-changes.ts, JSON payload).
    apply: frame({ dest: remotePath }, MAX_APPLY_BYTES),
    // Sync: the syncing side's report of one sync of a folder, so this side lists it by peer (sync/incoming.ts).
    synced: frame({
      dest: remotePath,
      job: text(64),
      mode: literal(['two-way', 'send-only', 'receive-only'] as const),
      ok: boolean(),
      error: optional(text(1024)),
      moved: object(
        {
          pushed: count,
          deleted: count,
          renamed: count,
          pulled: count,
          deletedThere: count,
          renamedThere: count,
          conflicts: count,
          held: count,
          wireBytes: count,
        },
        { dropUnknown: true },
      ),
    }),
    ping: frame({ n: u32 }),
    bye: frame({}),
    // During a push (version 2), read out of band.
    pause: frame({}),
    resume: frame({}),
    cancel: frame({}),
    // The swarm's requests (swarm/listener.ts).
    have: frame({ path: optional(remotePath) }, MAX_HAVE * ID_BYTES, (_h, n) =>
      n % ID_BYTES === 0 ? undefined : `its payload must be whole ${ID_BYTES}-byte chunk ids`,
    ),
    find: frame({ contentId: hex64 }),
    status: frame({ n: u32 }),
    preposition: frame(
      { lens: array(integer({ min: ID_BYTES + 1, max: CHUNK_SIZE_LIMITS.max + ID_BYTES }), { max: 65536 }) },
      MAX_PREPOSITION_BYTES,
      (h, n) => (h.lens.reduce((a, b) => a + b, 0) === n ? undefined : 'its lens must add up to the payload length'),
    ),
    error: errorFrame,
  },
  answers: {
    hello: frame(hello),
    manifest: frame({ sid: sessionHex, root: hex64 }, MAX_MANIFEST_BYTES),
    event: frame({ e: relayedEvent }),
    paged: frame({ n: count }),
    done: frame({ result: receiveResult }),
    plan: frame(planResult),
    applied: frame({
      renamed: count,
      removed: count,
      versioned: count,
      skipped: array(object({ path: text(4096), reason: text(256) }, { dropUnknown: true }), { max: 1000 }),
    }),
    pong: frame({ n: u32, at: seconds }),
    have: frame(
      { sid: sessionHex, n: integer({ min: 0, max: MAX_HAVE }), held: count, power, preposition: number() },
      MAX_HAVE / 8,
      (h, n) => (n === Math.ceil(h.n / 8) ? undefined : 'its bitmap must have one bit per id asked about'),
    ),
    found: frame({ path: nullable(remotePath), root: optional(hex64) }, MAX_MANIFEST_BYTES),
    status: frame({ n: u32, at: seconds, power }),
    prepositioned: frame({ accepted: count, bytes: count, refused: boolean() }),
    error: errorFrame,
  },
};

/** `/warp/chunks/1.0.0`: chunk pulls by id and throughput probes. */
const chunks = {
  requests: {
    // b: the asker takes batched answers (`chunks`) of up to b payload bytes; absent (an older peer): one frame per chunk.
    get: frame(
      {
        sid: text(128),
        n: integer({ min: 1, max: MAX_GET }),
        b: optional(integer({ min: 0, max: MAX_CHUNKS_REPLY_BYTES })),
      },
      MAX_GET * ID_BYTES,
      (h, n) => (n === h.n * ID_BYTES ? undefined : `its payload must hold its ${h.n} chunk ids`),
    ),
    probe: frame({ n: integer({ min: 0, max: MAX_PROBE_BLOCKS }) }),
    error: errorFrame,
  },
  answers: {
    // Compressed only when it shrinks: the payload is never larger than the raw size.
    chunk: frame(
      {
        i: integer({ min: 0, max: 0xffff }),
        c: integer({ min: 0, max: 255 }),
        r: integer({ min: 0, max: CHUNK_SIZE_LIMITS.max }),
      },
      CHUNK_SIZE_LIMITS.max,
      (h, n) => (n <= h.r ? undefined : `its payload (${n} bytes) is larger than its raw size ${h.r}`),
    ),
    miss: frame({ i: integer({ min: 0, max: 0xffff }), code: text(64) }),
    // Consecutive answers in one frame: chunk i + k has codec c[k], raw size r[k] and the next l[k] payload bytes.
    chunks: frame(
      {
        i: integer({ min: 0, max: 0xffff }),
        c: array(integer({ min: 0, max: 255 }), { min: 1, max: MAX_GET }),
        r: array(integer({ min: 0, max: CHUNK_SIZE_LIMITS.max }), { min: 1, max: MAX_GET }),
        l: array(integer({ min: 0, max: MAX_CHUNKS_REPLY_BYTES }), { min: 1, max: MAX_GET }),
      },
      MAX_CHUNKS_REPLY_BYTES,
      checkChunksAnswer,
    ),
    error: errorFrame,
  },
};

/** A `chunks` answer: one codec, raw size and length per chunk, no payload larger than its raw size, lengths adding up. */
function checkChunksAnswer(h: { i: number; c: number[]; r: number[]; l: number[] }, n: number): string | undefined {
  const k = h.c.length;
  if (h.r.length !== k || h.l.length !== k) return 'its c, r and l must have one entry per chunk';
  if (h.i + k > MAX_GET) return `it answers past the ${MAX_GET} ids a request may hold`;
  let sum = 0;
  for (let j = 0; j < k; j++) {
    if (h.l[j] > h.r[j]) return `chunk ${h.i + j}'s payload (${h.l[j]} bytes) is larger than its raw size ${h.r[j]}`;
    sum += h.l[j];
  }
  return sum === n ? undefined : `its lengths add up to ${sum} bytes, not its payload's ${n}`;
}

/** `/warp/stream/1.0.0`: stdin to stdout with credit-based backpressure. */
const stream = {
  requests: {
    stream: frame({ chunk: integer({ min: 1, max: MAX_STREAM_CHUNK }), window: u32 }),
    data: frame({ seq: count, ts: optional(number()) }, MAX_STREAM_CHUNK),
    end: frame({ seq: count, bytes: count }),
    error: errorFrame,
  },
  answers: {
    credit: frame({ n: integer({ min: 1, max: 4096 }) }),
    'end-ok': frame({ bytes: count }),
    error: errorFrame,
  },
};

/** What each side says of itself when pairing and on later contact: where it listens, what it is called. */
const selfInfo = {
  addrs: optional(array(text(512), { max: 16 })),
  name: optional(text(256)),
};
/** A listener's AutoNAT verdict (net/reachability.ts), in `info` answers; an unknown status reads as 'unknown'. */
const reachInfo = object(
  {
    status: text(16),
    confirmed: array(text(512), { max: 16 }),
    observed: array(text(512), { max: 16 }),
    autonat: boolean(),
  },
  { dropUnknown: true },
);

/**
 * `/warp/pair/1.0.0`: a one-time code proved by HMACs (net/pair.ts); `lookup` names which code (the inviter may
 * remember a few). `info` is a paired peer's refresh of its addresses and name (refused to others). `ask` …
 * `withdraw` pair by request, confirmed by a person on the other side (net/pair-request.ts).
 */
const requestId = string({ min: 8, max: 32, pattern: /^[0-9a-f]+$/ });
const pair = {
  requests: {
    pair: frame({ proof: hex64, lookup: optional(string({ max: 8, pattern: /^[a-z0-9]*$/ })), ...selfInfo }),
    info: frame(selfInfo),
    // Pairing by request (net/pair-request.ts): a commitment to the asker's nonce, then the nonce, then polls.
    ask: frame({ commit: hex64, ...selfInfo }),
    reveal: frame({ id: requestId, nonce: hex64 }),
    decision: frame({ id: requestId }),
    withdraw: frame({ id: requestId }),
    error: errorFrame,
  },
  answers: {
    paired: frame({ proof: hex64, ...selfInfo }),
    info: frame({ ...selfInfo, reach: optional(reachInfo) }),
    asked: frame({ id: requestId, nonce: hex64 }),
    waiting: frame({ ms: count }),
    accepted: frame(selfInfo),
    withdrawn: frame({}),
    error: errorFrame,
  },
};

/** The most peer ids one `allow` may name (a listener's paired peers). */
export const MAX_RELAY_ALLOW = 4096;
/** The longest window, in seconds, in which a relay admits unpaired peers to a listener for pairing only. */
export const MAX_RELAY_PAIRING_S = 600;
const peerIdText = string({ min: 40, max: 64, pattern: /^[1-9A-HJ-NP-Za-km-z]+$/ });

/**
 * `/warp/relay/1.0.0`: a listener holding a reservation on a Warp relay names the peers the relay may connect
 * to it (its paired peers) and, while it shows a pairing code, opens a short pairing window (net/relay.ts).
 */
const relay = {
  requests: {
    allow: frame({
      peers: array(peerIdText, { max: MAX_RELAY_ALLOW }),
      pairingSeconds: optional(integer({ min: 0, max: MAX_RELAY_PAIRING_S })),
    }),
    error: errorFrame,
  },
  answers: {
    allowed: frame({
      peers: count,
      dataLimit: count,
      durationMs: count,
      rate: count,
      expiresAt: count,
    }),
    error: errorFrame,
  },
};

export const WIRE = {
  [PROTOCOLS.control]: control,
  [PROTOCOLS.chunks]: chunks,
  [PROTOCOLS.stream]: stream,
  [PROTOCOLS.pair]: pair,
  [PROTOCOLS.relay]: relay,
} as const satisfies Record<ProtocolId, { requests: FrameTable; answers: FrameTable }>;

/** The typed headers of a table: `{ t: 'get', sid, n } | { t: 'probe', n } | …`. */
export type HeadersOf<T> = { [K in keyof T & string]: T[K] extends FrameSpec<infer H> ? { t: K } & H : never }[keyof T &
  string];
export type RequestOf<P extends ProtocolId> = HeadersOf<(typeof WIRE)[P]['requests']>;
export type AnswerOf<P extends ProtocolId> = HeadersOf<(typeof WIRE)[P]['answers']>;
export type ErrorHeader = { t: 'error'; code: string; message: string };

/** A typed header of a given type `t` (for helpers that build or take one frame type). */
export type HeaderOf<P extends ProtocolId, D extends 'requests' | 'answers', K extends string> = Extract<
  D extends 'requests' ? RequestOf<P> : AnswerOf<P>,
  { t: K }
>;

export type Capabilities = ObjectOf<typeof hello>;
export type PeerPowerWire = Infer<typeof power>;
export type ReceiveResultWire = Infer<typeof receiveResult>;
export type PlanResultWire = ObjectOf<typeof planResult>;
export type RelayedEventWire = RelayedEvent;
