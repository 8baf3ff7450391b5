/**
 * Serves chunks by id over `/warp/chunks/1` streams: `get {sid, n}` + n ids in the payload, answered in
 * order by `chunk {i, c, r}` + bytes (or `miss {i, code}`). Each session belongs to one peer; a request for
 * a session of another peer, or an id outside the session's tree, is a miss, never a read elsewhere.
 * A chunk is hashed again when read (the file may have changed since it was indexed) and compressed on the
 * wire when the peer accepts zstd and the bytes shrink.
 */
import crypto from 'node:crypto';
import { ErrorCodes } from '../core/errors.ts';
import { HASH_BYTES, blake3 } from '../codec/blake3.ts';
import { Codec, compressChunk } from '../codec/compress.ts';
import type { Channel } from '../net/channel.ts';
import { protocolError } from '../net/frames.ts';
import { RangeReader } from './local-files.ts';
import type { LocalTree } from './tree.ts';

export interface ServedSession {
  tree: LocalTree;
  peer: string;
  compress: boolean;
  /** Called per chunk served (bytes read, bytes sent). */
  onServed?: (raw: number, wire: number) => void;
}

/** The most ids one `get` may carry (bounds what one frame can make the server do). */
export const MAX_GET = 1024;
export const PROBE_BLOCK = 1024 * 1024;

/** Test hooks (real processes, so they are read from the environment): corrupt the first N chunks served, slow each chunk. */
const fault = {
  corrupt: Number(process.env.WARP_FAULT_CORRUPT_CHUNKS ?? 0),
  delayMs: Number(process.env.WARP_FAULT_CHUNK_DELAY_MS ?? 0),
};

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
  async serve(ch: Channel): Promise<void> {
    const files = new RangeReader(64);
    try {
      for (;;) {
        const f = await ch.read();
        if (!f) break;
        const h = f.h;
        if (h.t === 'probe') {
          const n = Math.min(Number(h.n) || 0, 4096);
          this.probeBlock ??= crypto.randomBytes(PROBE_BLOCK);
          for (let i = 0; i < n; i++) await ch.write({ t: 'chunk', i, c: Codec.RAW, r: PROBE_BLOCK }, this.probeBlock);
          continue;
        }
        if (h.t !== 'get') throw protocolError(`unexpected '${h.t}' on a chunk stream`);
        const n = Number(h.n);
        if (!Number.isInteger(n) || n < 1 || n > MAX_GET || f.p.length !== n * HASH_BYTES) throw protocolError('a get frame needs 1-1024 chunk ids in its payload');
        const s = typeof h.sid === 'string' ? this.sessions.get(h.sid) : undefined;
        if (this.shaper?.onRequest) await this.shaper.onRequest();
        for (let i = 0; i < n; i++) {
          const id = f.p.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
          if (!s || s.peer !== ch.peer) { await ch.write({ t: 'miss', i, code: ErrorCodes.SESSION_NOT_FOUND }); continue; }
          const place = s.tree.locate(id);
          const data = place ? files.read(place.abs, place.offset, place.length) : undefined;
          if (!data || !blake3(data).equals(id)) { await ch.write({ t: 'miss', i, code: ErrorCodes.CHUNK_UNAVAILABLE }); continue; }
          const out = s.compress ? compressChunk(data, 'fast') : { codec: Codec.RAW, data };
          let payload = out.data;
          if (fault.corrupt > 0) {
            fault.corrupt--;
            payload = Buffer.from(payload);
            payload[payload.length >> 1] ^= 0x5a;
          }
          if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
          if (this.shaper && !(await this.shaper.beforeSend(payload.length))) { await ch.write({ t: 'miss', i, code: ErrorCodes.CHUNK_UNAVAILABLE }); continue; }
          await ch.write({ t: 'chunk', i, c: out.codec, r: data.length }, payload);
          s.onServed?.(data.length, payload.length);
        }
      }
      await ch.close();
    } finally {
      files.close();
    }
  }
}
