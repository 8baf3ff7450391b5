/**
 * A push whose manifest travels in pages while the sender still scans (protocol 3, docs/PROTOCOL.md "Paged
 * push"): `offer {sid, dest}`, then `page {n}` frames, each carrying a whole manifest of some files in walk order
 * (transfer/tree.ts scanTreePaged), then `last {pages, root}` with the directories and symlinks. The receiver
 * answers `paged {n}` as it takes page n, and the sender keeps at most PAGES_IN_FLIGHT pages unanswered, so a
 * receiver holds a bounded number of pages whatever the tree's size (an endless manifest included). It receives
 * each page completely (receive.ts: every chunk checked against its id, every file hashed whole before its
 * rename) before it reads the next; directory metadata and symlinks come from the last part, after every file.
 *
 * What a hostile or dying sender can do: a page is an untrusted manifest, decoded and validated like any
 * (E_MANIFEST_CORRUPT, E_UNSAFE_PATH); a page holding anything but files, a last part holding files, pages out
 * of order or a page count that does not add up are E_PROTOCOL. A sender that stops halfway leaves the files of
 * the pages received before complete and verified under their final names, and no partial file under a final
 * name (the page being received keeps its part files for a rerun, which resumes them). The root in `last`
 * (BLAKE3 over each part's Merkle root, in order: PagesRoot) must match what arrived, else E_VERIFY_FAILED.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { Blake3Stream } from '../codec/blake3.ts';
import { EntryType, Manifest } from '../model/manifest.ts';
import type { Channel } from '../net/channel.ts';
import { protocolError, type Frame } from '../net/frames.ts';
import type { AnswerOf, HeaderOf, PROTOCOLS, RequestOf } from '../net/wire.ts';
import type { ReceiveResult } from './receive.ts';
import type { TransferEvent, TransferEventListener } from './transfer-events.ts';

type Control = typeof PROTOCOLS.control;

/** Pages the sender may have sent and the receiver not yet taken. */
export const PAGES_IN_FLIGHT = 2;

/** The root of a paged push: BLAKE3 over each part's Merkle root in order (pages, then the last part). */
export class PagesRoot {
  private readonly h = new Blake3Stream();

  /** The next part's Merkle root. */
  add(root: Uint8Array): void {
    this.h.update(root);
  }

  hex(): string {
    return this.h.digest().toString('hex');
  }
}

// ----- receiving side -----

export interface PagedReceiveOptions {
  /** The control stream the pages arrive on (the listener's side). */
  ch: Channel<RequestOf<Control>, AnswerOf<Control>>;
  /** Receives one part (a page of files, or the last part) into the destination; events go to `onEvent`. */
  receive(part: Manifest, onEvent: TransferEventListener): Promise<ReceiveResult>;
  /** The push's events with the pages' counts added up (what the sender and the listener's operator see). */
  onEvent: TransferEventListener;
  /** True while waiting for the sender's next page (a scan of a large file takes a while: not a stall). */
  waiting?(on: boolean): void;
  /** Keeps a part's frame bytes of the peer's read budget while it is received; returns what gives them back. */
  hold?(bytes: number): () => void;
  signal?: AbortSignal;
}

/**
 * Pages received at once: while one page's last chunks and renames finish, the next is already prepared and
 * pulling (a page at a time left both the link and the disk idle at every page's end).
 */
const RECEIVING_AT_ONCE = 2;

/**
 * Reads pages until the last part, receiving up to RECEIVING_AT_ONCE at a time (in order of arrival; every page
 * before the last part is complete before it is received); returns the whole push's result.
 */
export async function receivePages(o: PagedReceiveOptions): Promise<ReceiveResult> {
  const root = new PagesRoot();
  const sums = new PageSums(o.onEvent);
  const peer = o.ch.peer;
  const receiving: Array<Promise<void>> = [];
  const start = (part: Manifest, bytes: number): void => {
    const s = sums.part();
    const p = receiveHeld(o, part, bytes, s.relay).then(s.done);
    p.catch(() => {}); // awaited below, in order
    receiving.push(p);
  };
  try {
    for (let n = 0; ; n++) {
      while (receiving.length >= RECEIVING_AT_ONCE) await receiving.shift();
      // Waiting for the sender's next page with nothing to pull is not a stall (it scans a large file).
      o.waiting?.(receiving.length === 0);
      const f = await untilAborted(o.ch.expect('the next page of the manifest', 'page', 'last'), o.signal);
      o.waiting?.(false);
      if (f.h.t === 'last') {
        const last = f as Frame<HeaderOf<Control, 'requests', 'last'>>;
        if (last.h.pages !== n) throw protocolError(`the last part counts ${last.h.pages} pages where ${n} arrived`);
        const rest = checkPart(Manifest.decode(last.p, `the tree offered by ${peer} (last part)`), 'last');
        root.add(rest.merkleRoot);
        if (root.hex() !== last.h.root)
          throw new WarpError(
            ErrorCodes.VERIFY_FAILED,
            'the pages received do not match the root the sender announced',
          );
        while (receiving.length > 0) await receiving.shift();
        start(rest, last.p.length);
        await receiving.shift();
        return sums.result(root.hex());
      }
      const page = f as Frame<HeaderOf<Control, 'requests', 'page'>>;
      if (page.h.n !== n) throw protocolError(`page ${page.h.n} arrived where page ${n} was due`);
      const m = checkPart(Manifest.decode(page.p, `the tree offered by ${peer} (page ${n})`), 'page');
      root.add(m.merkleRoot);
      await o.ch.write({ t: 'paged', n });
      start(m, page.p.length);
    }
  } finally {
    // A failure leaves no receive running behind it (each stops on the push's cancel, or fails with the link).
    await Promise.allSettled(receiving);
  }
}

async function receiveHeld(
  o: PagedReceiveOptions,
  part: Manifest,
  bytes: number,
  onEvent: TransferEventListener,
): Promise<ReceiveResult> {
  const release = o.hold?.(bytes);
  try {
    return await o.receive(part, onEvent);
  } finally {
    release?.();
  }
}

/** A page holds files only; the last part holds no file (nor any chunk). */
function checkPart(m: Manifest, kind: 'page' | 'last'): Manifest {
  for (let i = 0; i < m.entryCount; i++) {
    const isFile = m.entry(i).type === EntryType.FILE;
    if (isFile !== (kind === 'page'))
      throw protocolError(
        kind === 'page' ? 'a page of the manifest holds a directory or symlink' : 'the last part holds a file',
      );
  }
  if (kind === 'page' && m.entryCount === 0) throw protocolError('an empty page of the manifest');
  if (kind === 'last' && m.chunkCount > 0) throw protocolError('the last part holds chunks');
  return m;
}

/** `p`, or E_CANCELLED as soon as `signal` aborts (a cancel that arrives while the next page is awaited). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new WarpError(ErrorCodes.CANCELLED, 'the operation was cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new WarpError(ErrorCodes.CANCELLED, 'the operation was cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

type ManifestEvent = Extract<TransferEvent, { type: 'transfer.manifest' }>;
type ProgressEvent = Extract<TransferEvent, { type: 'transfer.progress' }>;
type Summed<E> = { [K in keyof E as E[K] extends number ? K : never]: number };

const MANIFEST_SUMS = ['files', 'bytes', 'chunks', 'haveChunks', 'haveBytes', 'needChunks', 'needBytes'] as const;
const PROGRESS_SUMS = ['chunks', 'totalChunks', 'wireBytes', 'bytes', 'totalBytes', 'files', 'totalFiles'] as const;
const RESULT_SUMS = [
  'files',
  'dirs',
  'symlinks',
  'bytes',
  'unchangedFiles',
  'fetchedChunks',
  'fetchedBytes',
  'wireBytes',
  'localChunks',
  'localBytes',
  'resumedBytes',
  'rejectedChunks',
] as const;

/** One part's latest manifest and progress events (its receive counts from zero). */
interface PartView {
  manifest?: ManifestEvent;
  progress?: ProgressEvent;
}

/**
 * The parts' events and results added up: each part's receive counts from zero, so an event carries the finished
 * parts' totals plus every part under way's latest figures, and the result is the sum of the parts'.
 */
class PageSums {
  private readonly emit: TransferEventListener;
  private readonly t0 = performance.now();
  private readonly manifestDone = zeros(MANIFEST_SUMS);
  private readonly progressDone = zeros(PROGRESS_SUMS);
  private readonly resultDone = zeros(RESULT_SUMS) as Summed<ReceiveResult>;
  private readonly active = new Set<PartView>();

  constructor(emit: TransferEventListener) {
    this.emit = emit;
  }

  /** A part starts: its events go to `relay`, its result to `done`. */
  part(): { relay: TransferEventListener; done: (r: ReceiveResult) => void } {
    const view: PartView = {};
    this.active.add(view);
    return {
      relay: (e) => {
        if (e.type === 'transfer.manifest') {
          view.manifest = e;
          this.emit({ ...e, ...this.sum(MANIFEST_SUMS, this.manifestDone, (v) => v.manifest) });
        } else if (e.type === 'transfer.progress') {
          view.progress = e;
          const sums = this.sum(PROGRESS_SUMS, this.progressDone, (v) => v.progress);
          this.emit({ ...e, ...sums, elapsedSeconds: this.elapsed() });
        } else this.emit(e);
      },
      done: (r) => {
        this.active.delete(view);
        for (const k of RESULT_SUMS) this.resultDone[k] += r[k];
        if (view.manifest) for (const k of MANIFEST_SUMS) this.manifestDone[k] += view.manifest[k];
        // A part's last progress event has its totals; one that sent none (nothing to move) adds its result's.
        const p = view.progress;
        const d = this.progressDone;
        d.totalChunks += p ? p.totalChunks : 0;
        d.chunks += p ? p.totalChunks : 0;
        d.totalBytes += p ? p.totalBytes : r.bytes;
        d.bytes += p ? p.totalBytes : r.bytes;
        d.totalFiles += p ? p.totalFiles : r.files;
        d.files += p ? p.totalFiles : r.files;
        d.wireBytes += r.wireBytes;
      },
    };
  }

  result(root: string): ReceiveResult {
    return { ...this.resultDone, elapsedSeconds: this.elapsed(), merkleRoot: root };
  }

  /** The finished parts' figures plus each active part's latest. */
  private sum<K extends string>(
    keys: readonly K[],
    done: Record<K, number>,
    latest: (v: PartView) => Partial<Record<K, number>> | undefined,
  ): Record<K, number> {
    const out = { ...done };
    for (const v of this.active) {
      const e = latest(v);
      if (e) for (const k of keys) out[k] += e[k] ?? 0;
    }
    return out;
  }

  private elapsed(): number {
    return (performance.now() - this.t0) / 1000;
  }
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

// ----- sending side -----

/** A page as it waits to be sent: encoded (a fraction of the decoded columns' memory) with its Merkle root. */
interface QueuedPage {
  bytes: Buffer;
  root: Buffer;
}

/**
 * Pages handed out by the scan, waiting to be sent, kept encoded: a scan runs ahead of a receiver that takes two
 * pages at a time. `end` once the scan is over (or failed).
 */
export class PageQueue {
  private readonly queue: QueuedPage[] = [];
  private ended = false;
  private wake?: () => void;

  readonly push = (m: Manifest): void => {
    this.queue.push({ bytes: m.encode(), root: m.merkleRoot });
    this.wake?.();
  };

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  /** The next page, or undefined once the scan is over and every page was taken. */
  async next(): Promise<QueuedPage | undefined> {
    for (;;) {
      const m = this.queue.shift();
      if (m) return m;
      if (this.ended) return undefined;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}

/**
 * The sending side of a paged push: the offer, each page as the scan hands it out (at most PAGES_IN_FLIGHT ahead
 * of the receiver's `paged` answers, which the caller's reader passes to `took`), then the last part and the root.
 */
export class PageSender {
  private readonly ch: Channel<AnswerOf<Control>, RequestOf<Control>>;
  private readonly pages: PageQueue;
  private sent = 0;
  private taken = 0;
  private wake?: () => void;

  constructor(ch: Channel<AnswerOf<Control>, RequestOf<Control>>, pages: PageQueue) {
    this.ch = ch;
    this.pages = pages;
  }

  /** The receiver's `paged {n}`: it took page n (answers come in order, for pages sent). */
  took(n: number): void {
    if (n !== this.taken || n >= this.sent) throw protocolError(`an answer for page ${n}, which was not due`);
    this.taken++;
    this.wake?.();
  }

  /** Sends everything; `rest` resolves to the last part when the scan is over. */
  async run(offer: { sid: string; dest: string }, rest: Promise<Manifest>): Promise<void> {
    await this.ch.write({ t: 'offer', sid: offer.sid, dest: offer.dest });
    const root = new PagesRoot();
    for (let m = await this.pages.next(); m; m = await this.pages.next()) {
      while (this.sent - this.taken >= PAGES_IN_FLIGHT) await new Promise<void>((r) => (this.wake = r));
      root.add(m.root);
      await this.ch.write({ t: 'page', n: this.sent }, m.bytes);
      this.sent++;
    }
    const last = await rest;
    root.add(last.merkleRoot);
    await this.ch.write({ t: 'last', pages: this.sent, root: root.hex() }, last.encode());
  }
}
