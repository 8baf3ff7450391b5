/**
 * The answers to one `get`, in request order, gathered into batched `chunks` frames (wire.ts): consecutive
 * chunks travel in one frame of up to `limit` payload bytes (one header, one stream write and one parse for
 * dozens of small chunks instead of one each). A miss ends the batch before it and goes out as its own frame;
 * a chunk larger than `limit`, or any chunk when `limit` is 0 (an asker that does not take batches), travels
 * alone as a `chunk` frame. A batch of one is sent as a plain `chunk`. A batch is held at most MAX_HOLD_MS: a
 * slow or rate-limited server sends what it has rather than making the first chunk wait for the last.
 */
import type { Accepted } from '../net/channel.ts';
import type { PROTOCOLS } from '../net/wire.ts';

const MAX_HOLD_MS = 20;

export class AnswerBatch {
  private readonly ch: Accepted<typeof PROTOCOLS.chunks>;
  private readonly limit: number;
  private first = 0;
  private codecs: number[] = [];
  private raws: number[] = [];
  private lens: number[] = [];
  private parts: Uint8Array[] = [];
  private bytes = 0;
  private since = 0;

  constructor(ch: Accepted<typeof PROTOCOLS.chunks>, limit: number) {
    this.ch = ch;
    this.limit = limit;
  }

  /** Answer `i`: a chunk's (possibly compressed) bytes. */
  async chunk(i: number, codec: number, raw: number, payload: Uint8Array): Promise<void> {
    if (this.lens.length > 0 && (this.bytes + payload.length > this.limit || i !== this.first + this.lens.length))
      await this.flush();
    if (payload.length > this.limit) {
      await this.ch.write({ t: 'chunk', i, c: codec, r: raw }, payload);
      return;
    }
    if (this.lens.length === 0) {
      this.first = i;
      this.since = performance.now();
    }
    this.codecs.push(codec);
    this.raws.push(raw);
    this.lens.push(payload.length);
    this.parts.push(payload);
    this.bytes += payload.length;
    if (this.bytes >= this.limit || performance.now() - this.since >= MAX_HOLD_MS) await this.flush();
  }

  /** Answer `i`: the chunk is not available here. */
  async miss(i: number, code: string): Promise<void> {
    await this.flush();
    await this.ch.write({ t: 'miss', i, code });
  }

  /** Sends what is gathered (at the end of a request, before a miss, when full). */
  async flush(): Promise<void> {
    const k = this.lens.length;
    if (k === 0) return;
    const [i, c, r, l, parts, bytes] = [this.first, this.codecs, this.raws, this.lens, this.parts, this.bytes];
    this.codecs = [];
    this.raws = [];
    this.lens = [];
    this.parts = [];
    this.bytes = 0;
    if (k === 1) await this.ch.write({ t: 'chunk', i, c: c[0], r: r[0] }, parts[0]);
    else await this.ch.writeParts({ t: 'chunks', i, c, r, l }, parts, bytes);
  }
}
