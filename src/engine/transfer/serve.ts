/**
 * Serves chunks by id over `/warp/chunks/1` streams: `get {sid, n, b?}` + n ids in the payload, answered in
 * order by `chunk {i, c, r}` + bytes (or `miss {i, code}`), consecutive chunks gathered into `chunks` frames of
 * up to b bytes when the asker takes them (answer-batch.ts). Each session belongs to one peer; a request for
 * a session of another peer, or an id outside the session's tree, is a miss, never a read elsewhere.
 * A chunk is hashed again when read (the file may have changed since it was indexed) and compressed on the
 * wire when the session's mode says so: 'auto' asks the stream's WirePolicy (wire-policy.ts), which compresses
 * only while the link is slower than the compressor and the bytes shrink; 'on'/'off' force it.
 */
import crypto from 'node:crypto';
import { ErrorCodes } from '../core/errors.ts';
import { HASH_BYTES, blake3 } from '../codec/blake3.ts';
import { Codec, compressChunk } from '../codec/compress.ts';
import type { Accepted } from '../net/channel.ts';
import { protocolError } from '../net/frames.ts';
import { PROBE_BLOCK, type PROTOCOLS } from '../net/wire.ts';
import { AnswerBatch } from './answer-batch.ts';
import { WirePolicy, type WireMode } from './wire-policy.ts';
import { RangeReader } from './local-files.ts';
import type { ServedTree } from './tree.ts';

export interface ServedSession {
  tree: ServedTree;
  peer: string;
  /** transfer.compress for this peer: 'off' also when the peer does not accept zstd (protocol.ts wireCompression). */
  compress: WireMode;
  /** Called per chunk served (bytes read, bytes sent). */
  onServed?: (raw: number, wire: number) => void;
}

/**
 * What one peer may make this server send as throughput probes within PROBE_PERIOD_MS: a probe is a few bytes
 * asking for MiBs, so it is capped per peer, not only per frame (wire.ts MAX_PROBE_BLOCKS).
 */
export const PROBE_BYTES_PER_PEER = 256 * 1024 * 1024;
const PROBE_PERIOD_MS = 60_000;

/**
 * A fault hook for tests of real processes: tests preload a module (test/helpers/chunk-faults.ts, through
 * `node --import`) that sets it on this global symbol; a production process never has one. It sees each chunk's
 * wire bytes before they are sent and may delay them or hand back other bytes.
 */
export const CHUNK_FAULT_HOOK = Symbol.for('warp.test.chunkFaults');
export type ChunkFaultHook = (payload: Uint8Array) => Uint8Array | Promise<Uint8Array>;
const faultHook = (): ChunkFaultHook | undefined =>
  (globalThis as { [CHUNK_FAULT_HOOK]?: ChunkFaultHook })[CHUNK_FAULT_HOOK];

/**
 * Shapes what a server sends (`warp listen --rate-limit/--latency/--fail-after`, see src/engine/swarm/emulate.ts):
 * heterogeneous peers emulated on one machine for tests and benchmarks.
 */
export interface ChunkShaper {
  /** Awaited once per `get` frame before it is served (added latency). */
  onRequest?(): Promise<void>;
  /** Awaited before each chunk goes out with its wire size (rate limit); false answers a miss instead (failing edge). */
  beforeSend(bytes: number): Promise<boolean> | boolean;
}

export class ChunkServer {
  private readonly sessions = new Map<string, ServedSession>();
  shaper?: ChunkShaper;
  private probeBlock?: Buffer;
  private readonly probed = new Map<string, { since: number; bytes: number }>();

  register(sid: string, s: ServedSession): void {
    this.sessions.set(sid, s);
  }

  unregister(sid: string): void {
    this.sessions.delete(sid);
  }

  has(sid: string): boolean {
    return this.sessions.has(sid);
  }

  /** Answers requests on one chunk stream until the peer closes it. */
  async serve(ch: Accepted<typeof PROTOCOLS.chunks>): Promise<void> {
    const files = new RangeReader(64);
    // One policy per stream: the link it measures is this stream's, whichever session a request names.
    const policy = new WirePolicy('auto');
    try {
      for (;;) {
        const f = await ch.read();
        if (!f) break;
        const h = f.h;
        if (h.t === 'error') break;
        if (h.t === 'probe') {
          await this.probe(ch, h.n);
          continue;
        }
        const n = h.n;
        const s = this.sessions.get(h.sid);
        if (!s || s.peer !== ch.peer) {
          // Not this peer's session: every id is a miss, sent as one write (not n small ones).
          await ch.writeAll(
            Array.from({ length: n }, (_, i) => ({ t: 'miss' as const, i, code: ErrorCodes.SESSION_NOT_FOUND })),
          );
          continue;
        }
        if (this.shaper?.onRequest) await this.shaper.onRequest();
        const batch = new AnswerBatch(ch, h.b ?? 0);
        for (let i = 0; i < n; i++) {
          const id = f.p.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
          const place = s.tree.locate(id);
          const data = place ? files.read(place.abs, place.offset, place.length) : undefined;
          if (!data || !blake3(data).equals(id)) {
            await batch.miss(i, ErrorCodes.CHUNK_UNAVAILABLE);
            continue;
          }
          const out = encode(data, s.compress, policy);
          const hook = faultHook();
          const payload = hook ? await hook(out.data) : out.data;
          const t0 = performance.now();
          if (this.shaper && !(await this.shaper.beforeSend(payload.length))) {
            await batch.miss(i, ErrorCodes.CHUNK_UNAVAILABLE);
            continue;
          }
          await batch.chunk(i, out.codec, data.length, payload);
          policy.sent(payload.length, performance.now() - t0, data.length);
          s.onServed?.(data.length, payload.length);
        }
        const t0 = performance.now();
        await batch.flush();
        policy.sent(0, performance.now() - t0, 0);
      }
      await ch.close();
    } finally {
      files.close();
    }
  }

  /** Answers a throughput probe with n blocks of random bytes, within the peer's probe allowance. */
  private async probe(ch: Accepted<typeof PROTOCOLS.chunks>, n: number): Promise<void> {
    const now = Date.now();
    let used = this.probed.get(ch.peer);
    if (!used || now - used.since > PROBE_PERIOD_MS) this.probed.set(ch.peer, (used = { since: now, bytes: 0 }));
    if (used.bytes + n * PROBE_BLOCK > PROBE_BYTES_PER_PEER) {
      throw protocolError(
        `probe limit reached (${PROBE_BYTES_PER_PEER >> 20} MiB per minute per peer); try again later`,
      );
    }
    used.bytes += n * PROBE_BLOCK;
    this.probeBlock ??= crypto.randomBytes(PROBE_BLOCK);
    for (let i = 0; i < n; i++) await ch.write({ t: 'chunk', i, c: Codec.RAW, r: PROBE_BLOCK }, this.probeBlock);
  }
}

/** A chunk's wire form under the session's mode, timing the compressor for the policy when it runs. */
function encode(data: Uint8Array, mode: WireMode, policy: WirePolicy): { codec: number; data: Uint8Array } {
  if (mode === 'off' || (mode === 'auto' && !policy.compressNext())) return { codec: Codec.RAW, data };
  const t0 = performance.now();
  const out = compressChunk(data, 'fast');
  policy.compressed(data.length, out.data.length, performance.now() - t0);
  return out;
}
