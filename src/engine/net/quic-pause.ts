/**
 * Makes `pause()` on a QUIC stream hold the sender back, as it does on yamux. @chainsafe/libp2p-quic 2.1 reads
 * every stream in a loop and treats pause as a no-op ("QUIC handles flow control at the transport level"), so a
 * paused stream's bytes pile up in its read buffer until libp2p aborts the stream at 4 MiB (StreamBufferError).
 * The relay's rate cap (relay-meter.ts) pauses the listener's stream of a circuit: whenever a transfer had more
 * than 4 MiB in flight the circuit was cut and the fetch failed with "closed the stream while Warp waited for a
 * chunk" (issue 14). Here the read loop of a paused stream waits before its next native read: quinn then grants the
 * sender no more credit, and at most one read's bytes wait in the buffer.
 *
 * How: the wrapper's native stream is a private field, so the link is made where the wrapper's constructor starts
 * its read loop (`readFromStream` runs synchronously up to its first native `read`), and `sendResume` (called by
 * `resume()`) wakes the loop. Process-wide and idempotent; false where the addon or the wrapper is not found.
 */
import { nativeStreamPrototype } from './quic-tuning.ts';

interface Wrapper {
  readStatus: string;
  addEventListener(type: 'close', f: () => void, o?: { once: boolean }): void;
}
interface WrapperPrototype {
  readFromStream(this: Wrapper): Promise<void>;
  sendResume(this: Wrapper): void;
}

let installed: Promise<boolean> | undefined;

export function holdPausedQuicReads(): Promise<boolean> {
  installed ??= install().catch(() => false);
  return installed;
}

async function install(): Promise<boolean> {
  const native = nativeStreamPrototype();
  const read = native?.read;
  if (!native || typeof read !== 'function') return false;
  const entry = import.meta.resolve('@chainsafe/libp2p-quic');
  const mod = (await import(new URL('./stream.js', entry).href)) as { QuicStream?: { prototype: WrapperPrototype } };
  const proto = mod.QuicStream?.prototype;
  if (!proto || typeof proto.readFromStream !== 'function' || typeof proto.sendResume !== 'function') return false;

  const owner = new WeakMap<object, Wrapper>();
  const waiting = new WeakMap<Wrapper, Array<() => void>>();
  let linking: Wrapper | undefined;
  const wake = (w: Wrapper): void => {
    const fs = waiting.get(w);
    waiting.delete(w);
    for (const f of fs ?? []) f();
  };
  const resumed = (w: Wrapper): Promise<void> =>
    new Promise((resolve) => {
      let fs = waiting.get(w);
      if (!fs) {
        waiting.set(w, (fs = []));
        // A stream closed while paused is never resumed: its loop goes on to see the end.
        w.addEventListener('close', () => wake(w), { once: true });
      }
      fs.push(resolve);
    });

  const readFromStream = proto.readFromStream;
  proto.readFromStream = function (this: Wrapper): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- handed to the native read called synchronously below
    linking = this;
    try {
      return readFromStream.call(this);
    } finally {
      linking = undefined;
    }
  };
  const sendResume = proto.sendResume;
  proto.sendResume = function (this: Wrapper): void {
    sendResume.call(this);
    wake(this);
  };
  native.read = function (this: object, n: number): unknown {
    if (linking) {
      owner.set(this, linking);
      linking = undefined;
    }
    const w = owner.get(this);
    const next = (): unknown => (w?.readStatus === 'paused' ? resumed(w).then(next) : read.call(this, n));
    return next();
  };
  return true;
}
