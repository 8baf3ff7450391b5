/**
 * Edge emulation for `warp listen` (tests and benchmarks run several heterogeneous peers on one machine):
 * a token-bucket rate limit on the bytes a listener sends, added latency per request, an edge that starts
 * failing after some bytes, a slow-down at a given time, and a process that dies at a given time.
 * It plugs into the chunk server as its ChunkShaper; nothing here touches real transfers unless asked.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { parseByteSize } from '../core/bytes.ts';
import type { ChunkShaper } from '../transfer/serve.ts';
import { TokenBucket } from './token-bucket.ts';

export interface EmulationOptions {
  /** Bytes per second the listener sends at most (all streams together); undefined = unlimited. */
  rateLimit?: number;
  /** Added to every chunk request before it is served, ms. */
  latencyMs?: number;
  /** After this many bytes sent, every further chunk is answered with a miss (an edge that fails). */
  failAfterBytes?: number;
  /** From `afterS` seconds after the first chunk was served, the rate limit becomes `rate` bytes per second. */
  slowAfter?: { afterS: number; rate: number };
  /** The process exits abruptly this many seconds after the first chunk was served (a peer that dies). */
  dieAfterS?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class EdgeEmulator implements ChunkShaper {
  readonly o: EmulationOptions;
  private readonly bucket: TokenBucket | undefined;
  /** Times count from the first chunk served (a test starts its download whenever it is ready). */
  private started: number | undefined;
  private sent = 0;
  private slowed = false;
  private readonly onDie: () => void;

  constructor(o: EmulationOptions, onDie: () => void = () => process.exit(137)) {
    this.o = o;
    this.onDie = onDie;
    const rate = o.rateLimit ?? (o.slowAfter ? Number.POSITIVE_INFINITY : undefined);
    this.bucket = rate !== undefined ? new TokenBucket(Number.isFinite(rate) ? rate : 1e12) : undefined;
  }

  get active(): boolean {
    const o = this.o;
    return (
      o.rateLimit !== undefined ||
      o.latencyMs !== undefined ||
      o.failAfterBytes !== undefined ||
      o.slowAfter !== undefined ||
      o.dieAfterS !== undefined
    );
  }

  async onRequest(): Promise<void> {
    if (this.o.latencyMs) await sleep(this.o.latencyMs);
  }

  async beforeSend(bytes: number): Promise<boolean> {
    if (this.o.failAfterBytes !== undefined && this.sent >= this.o.failAfterBytes) return false;
    if (this.started === undefined) {
      this.started = performance.now();
      if (this.o.dieAfterS !== undefined) setTimeout(this.onDie, this.o.dieAfterS * 1000);
    }
    const sa = this.o.slowAfter;
    if (sa && !this.slowed && performance.now() - this.started >= sa.afterS * 1000) {
      this.slowed = true;
      this.bucket?.setRate(sa.rate);
    }
    if (this.bucket) await this.bucket.take(bytes);
    this.sent += bytes;
    return true;
  }
}

/** Parses the CLI forms: sizes like 25MB, `--slow-after 2:1MB` (seconds:rate), plain numbers of ms / seconds. */
export function parseEmulation(o: {
  rateLimit?: string;
  latency?: string;
  failAfter?: string;
  slowAfter?: string;
  dieAfter?: string;
}): EmulationOptions {
  const num = (v: string, what: string): number => {
    const n = Number(v);
    if (!(n >= 0) || !Number.isFinite(n))
      throw new WarpError(ErrorCodes.USAGE, `${what} must be a number >= 0 (got '${v}')`);
    return n;
  };
  const rate = (v: string, what: string): number => {
    const n = parseByteSize(v, what);
    if (!(n > 0)) throw new WarpError(ErrorCodes.USAGE, `${what} must be more than 0 bytes per second`);
    return n;
  };
  const out: EmulationOptions = {};
  if (o.rateLimit !== undefined) out.rateLimit = rate(o.rateLimit, '--rate-limit');
  if (o.latency !== undefined) out.latencyMs = num(o.latency, '--latency');
  if (o.failAfter !== undefined) out.failAfterBytes = parseByteSize(o.failAfter, '--fail-after');
  if (o.slowAfter !== undefined) {
    const m = /^([0-9.]+):(.+)$/.exec(o.slowAfter);
    if (!m)
      throw new WarpError(ErrorCodes.USAGE, `--slow-after takes <seconds>:<rate>, e.g. 2:1MB (got '${o.slowAfter}')`);
    out.slowAfter = { afterS: num(m[1], '--slow-after seconds'), rate: rate(m[2], '--slow-after rate') };
  }
  if (o.dieAfter !== undefined) out.dieAfterS = num(o.dieAfter, '--die-after');
  return out;
}
