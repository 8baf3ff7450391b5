/**
 * The receiver's built-in pull (step 4 of receive.ts): one queue of missing chunks, every lane of every source
 * takes from it. Per lane at most `window` chunks and LANE_BYTES are in flight (small chunks need many in
 * flight to fill the pipe; big ones are bounded by bytes), so memory stays below lanes × LANE_BYTES (+ one
 * chunk). Every reply is checked (size, decompression, BLAKE3) before `accept` sees it; a bad one is rejected
 * and asked for again, up to `maxAttempts` times. A lane that fails gives its chunks back to the others; an
 * integrity, disk or cancellation error stops every lane.
 */
import { throwIfCancelled } from '../core/cancel.ts';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import type { Manifest } from '../archive/manifest.ts';
import { blake3 } from '../codec/blake3.ts';
import { decompressChunk } from '../codec/compress.ts';
import type { ChunkLane, ChunkSource } from './source.ts';

/** Bytes in flight per lane (stream). */
const LANE_BYTES = 8 * 1024 * 1024;

const FATAL = new Set<string>([ErrorCodes.CHUNK_CORRUPT, ErrorCodes.CHUNK_UNAVAILABLE, ErrorCodes.DISK_FULL, ErrorCodes.OUTPUT_UNWRITABLE, ErrorCodes.CANCELLED, ErrorCodes.FILE_HASH_MISMATCH]);

export interface LanePullOptions {
  manifest: Manifest;
  need: readonly number[];
  sources: readonly ChunkSource[];
  /** Chunks in flight per lane (default 64). */
  window?: number;
  maxAttempts: number;
  signal?: AbortSignal;
  /** Resolves when the transfer may go on (pause). */
  gate?: () => Promise<void>;
  /** A chunk verified by BLAKE3: write it wherever it goes. */
  accept(c: number, data: Uint8Array, wireBytes: number, source: string): void;
  /** A reply that failed its checks (it is asked for again). */
  reject(c: number, source: string, reason: string): void;
}

export async function pullFromLanes(o: LanePullOptions): Promise<void> {
  const m = o.manifest;
  const need = o.need;
  if (o.sources.length === 0) throw new WarpError(ErrorCodes.CHUNK_UNAVAILABLE, `${need.length} chunks are missing and there is no source to fetch them from`);
  const attempts = new Uint8Array(m.chunkCount);
  const retry: number[] = [];
  let qi = 0;
  let remaining = need.length;
  let fatal: unknown;
  let wake: Array<() => void> = [];
  const notify = (): void => { const w = wake; wake = []; for (const f of w) f(); };
  const sleep = (): Promise<void> => new Promise((r) => { wake.push(r); });
  const take = (): number => (retry.length > 0 ? retry.pop()! : qi < need.length ? need[qi++] : -1);
  const laneWindow = Math.max(2, o.window ?? 64);

  const runLane = async (src: ChunkSource, lane: ChunkLane): Promise<void> => {
    const out: number[] = [];
    let outBytes = 0;
    try {
      for (;;) {
        if (fatal) return;
        throwIfCancelled(o.signal);
        if (o.gate) await o.gate();
        const batch: number[] = [];
        // Refill only below half the window: requests go out in batches (a frame per batch, not per chunk).
        const low = out.length <= laneWindow / 2 && outBytes <= LANE_BYTES / 2;
        while (low && out.length + batch.length < laneWindow && (outBytes < LANE_BYTES || out.length + batch.length === 0)) {
          const c = take();
          if (c < 0) break;
          batch.push(c);
          outBytes += m.chunkRawSize(c);
        }
        if (batch.length > 0) {
          out.push(...batch);
          await lane.request(batch.map((c) => m.chunkId(c)));
        }
        if (out.length === 0) {
          if (remaining === 0) return;
          await sleep();
          continue;
        }
        const reply = await lane.next();
        const c = out.shift()!;
        outBytes -= m.chunkRawSize(c);
        let reason: string | undefined;
        let data: Uint8Array | undefined;
        if (!reply.ok) reason = `the source does not have it (${reply.code})`;
        else if (reply.rawSize !== m.chunkRawSize(c)) reason = `wrong size ${reply.rawSize}, expected ${m.chunkRawSize(c)}`;
        else {
          try {
            data = decompressChunk(reply.codec, reply.data, reply.rawSize);
            if (!blake3(data).equals(Buffer.from(m.chunkId(c)))) reason = 'BLAKE3 mismatch';
          } catch (e) {
            reason = (e as Error).message;
          }
        }
        if (reason !== undefined || !data || !reply.ok) {
          o.reject(c, src.name, reason ?? 'rejected');
          if (++attempts[c] >= o.maxAttempts) {
            const code = !reply.ok ? ErrorCodes.CHUNK_UNAVAILABLE : ErrorCodes.CHUNK_CORRUPT;
            throw new WarpError(code, `chunk ${c} (${Buffer.from(m.chunkId(c)).toString('hex').slice(0, 16)}…) failed ${attempts[c]} times: ${reason}; the transfer stopped (rerun to resume)`, { details: { chunk: c } });
          }
          retry.push(c);
          notify();
          continue;
        }
        o.accept(c, data, reply.data.length, src.name);
        remaining--;
        if (remaining === 0) notify();
      }
    } catch (e) {
      // Give the lane's chunks back to the others; a fatal integrity error stops everything.
      retry.push(...out);
      out.length = 0;
      outBytes = 0;
      if (isWarpError(e) && FATAL.has(e.code)) fatal ??= e;
      notify();
      throw e;
    } finally {
      lane.close().catch(() => {});
    }
  };

  const runs: Promise<void>[] = [];
  for (const src of o.sources) {
    for (let k = 0; k < src.lanes; k++) runs.push(src.openLane().then((lane) => runLane(src, lane)));
  }
  const settled = await Promise.allSettled(runs);
  if (remaining > 0 || fatal) {
    const firstErr = fatal ?? settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')?.reason;
    throw firstErr ?? new WarpError(ErrorCodes.CHUNK_UNAVAILABLE, `${remaining} chunks could not be fetched`);
  }
}
