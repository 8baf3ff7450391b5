/**
 * The receiver's built-in pull (step 4 of receive.ts): one queue of missing chunks, every lane of every source
 * takes from it. Per lane at most `window` chunks and LANE_BYTES are in flight (small chunks need many in
 * flight to fill the pipe; big ones are bounded by bytes), so memory stays below lanes × LANE_BYTES (+ one
 * chunk). Every reply is checked (size, decompression, BLAKE3) before `accept` sees it; a bad one is rejected
 * and asked for again, up to `maxAttempts` times; a chunk a source says it lacks is left to the other sources'
 * lanes while any is open. A lane that fails gives its chunks back to the others; an
 * integrity, disk or cancellation error stops every lane.
 */
import { throwIfCancelled } from '../core/cancel.ts';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import type { Manifest } from '../model/manifest.ts';
import { checkChunkReply } from './chunk-reply.ts';
import type { ChunkLane, ChunkSource } from './source.ts';

/** Bytes in flight per lane (stream). */
const LANE_BYTES = 8 * 1024 * 1024;

const FATAL = new Set<string>([
  ErrorCodes.CHUNK_CORRUPT,
  ErrorCodes.CHUNK_UNAVAILABLE,
  ErrorCodes.DISK_FULL,
  ErrorCodes.OUTPUT_UNWRITABLE,
  ErrorCodes.CANCELLED,
  ErrorCodes.FILE_HASH_MISMATCH,
]);

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
  /** A chunk verified by BLAKE3: write it wherever it goes (a promise pushes back: no reply is taken meanwhile). */
  accept(c: number, data: Uint8Array, wireBytes: number, source: string): void | Promise<void>;
  /** A reply that failed its checks (it is asked for again). */
  reject(c: number, source: string, reason: string): void;
}

/**
 * The window for a connection a relay cuts after `capBytes` more bytes (libp2p's `limits.bytes` on a relayed
 * connection): the lanes together ask for at most half of it at a time, so chunks arrive whole and verified before
 * the cut and the next connection continues from them (client.ts acrossRelayCuts). A window the lanes' share of the
 * cap cannot hold is left at the least a lane takes (2); an uncapped connection keeps `window`.
 */
export function windowWithinCap(window: number, capBytes: number | undefined, lanes: number, avgChunk: number): number {
  if (capBytes === undefined || !(capBytes > 0) || !(avgChunk > 0)) return window;
  const perLane = Math.floor(capBytes / 2 / Math.max(1, lanes) / avgChunk);
  return Math.max(2, Math.min(window, perLane));
}

export async function pullFromLanes(o: LanePullOptions): Promise<void> {
  const m = o.manifest;
  const need = o.need;
  if (o.sources.length === 0)
    throw new WarpError(
      ErrorCodes.CHUNK_UNAVAILABLE,
      `${need.length} chunks are missing and there is no source to fetch them from`,
    );
  const attempts = new Uint8Array(m.chunkCount);
  const retry: number[] = [];
  let qi = 0;
  let remaining = need.length;
  let fatal: unknown;
  let wake: Array<() => void> = [];
  const notify = (): void => {
    const w = wake;
    wake = [];
    for (const f of w) f();
  };
  const sleep = (): Promise<void> =>
    new Promise((r) => {
      wake.push(r);
    });
  // A chunk a source said it lacks goes to another source while one has a lane open (bit per source, first 8).
  const missedBy = new Uint8Array(m.chunkCount);
  const alive = new Int32Array(o.sources.length);
  const bitOf = (si: number): number => 1 << Math.min(si, 7);
  const othersAlive = (si: number): boolean => alive.some((n, j) => n > 0 && j !== si);
  const take = (si: number): number => {
    const bit = bitOf(si);
    for (let k = retry.length - 1; k >= 0; k--) if (!(missedBy[retry[k]] & bit)) return retry.splice(k, 1)[0];
    if (qi < need.length) return need[qi++];
    return retry.length > 0 && !othersAlive(si) ? retry.pop()! : -1;
  };
  const laneWindow = Math.max(2, o.window ?? 64);

  const runLane = async (si: number, src: ChunkSource, lane: ChunkLane): Promise<void> => {
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
        while (
          low &&
          out.length + batch.length < laneWindow &&
          (outBytes < LANE_BYTES || out.length + batch.length === 0)
        ) {
          const c = take(si);
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
        const v = checkChunkReply(reply, m.chunkId(c), m.chunkRawSize(c));
        if (!v.ok) {
          o.reject(c, src.name, v.reason);
          if (v.missing) missedBy[c] |= bitOf(si);
          if (++attempts[c] >= o.maxAttempts) throw gaveUp(m.chunkId(c), c, attempts[c], v);
          retry.push(c);
          notify();
          continue;
        }
        const wrote = o.accept(c, v.data, v.wireBytes, src.name);
        if (wrote) await wrote;
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
      alive[si]--;
      notify(); // a chunk only this source's lanes were leaving to others may now be taken
      lane.close().catch(() => {});
    }
  };

  const runs: Promise<void>[] = [];
  o.sources.forEach((src, si) => {
    alive[si] += src.lanes;
    for (let k = 0; k < src.lanes; k++)
      runs.push(
        src.openLane().then(
          (lane) => runLane(si, src, lane),
          (e: unknown) => {
            alive[si]--;
            notify();
            throw e;
          },
        ),
      );
  });
  const settled = await Promise.allSettled(runs);
  if (remaining > 0 || fatal) {
    const firstErr = fatal ?? settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')?.reason;
    throw firstErr ?? new WarpError(ErrorCodes.CHUNK_UNAVAILABLE, `${remaining} chunks could not be fetched`);
  }
}

/** A chunk that failed on every try: unavailable (no source has it) or corrupt (what came never matched its id). */
function gaveUp(id: Uint8Array, c: number, tries: number, v: { missing?: boolean; reason: string }): WarpError {
  const code = v.missing ? ErrorCodes.CHUNK_UNAVAILABLE : ErrorCodes.CHUNK_CORRUPT;
  return new WarpError(
    code,
    `chunk ${c} (${Buffer.from(id).toString('hex').slice(0, 16)}…) failed ${tries} times: ${v.reason}; the transfer stopped (rerun to resume)`,
    { details: { chunk: c } },
  );
}
