/**
 * Worker-thread entry of the off-thread whole-file hasher (file-hash-thread.ts). It never returns to its event
 * loop: it sleeps in Atomics.wait until the main thread posts an operation on the shared control words,
 * performs it on the shared read buffer and signals completion the same way, so the synchronous file scan
 * can hand it work without awaiting anything.
 */
import { workerData } from 'node:worker_threads';
import { Blake3Hasher } from '@napi-rs/blake-hash';
import { Ctl, Op } from './file-hash-protocol.ts';

const {
  ctl: ctlBuf,
  data: dataBuf,
  out: outBuf,
} = workerData as { ctl: SharedArrayBuffer; data: SharedArrayBuffer; out: SharedArrayBuffer };
const ctl = new Int32Array(ctlBuf);
const data = Buffer.from(dataBuf);
const out = Buffer.from(outBuf);
const hasher = new Blake3Hasher();

Atomics.store(ctl, Ctl.READY, 1);
Atomics.notify(ctl, Ctl.READY);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, Ctl.REQ, seen);
  const req = Atomics.load(ctl, Ctl.REQ);
  if (req === seen) continue;
  seen = req;
  const op = ctl[Ctl.OP];
  if (op === Op.EXIT) break;
  try {
    if (op === Op.RESET_UPDATE) hasher.reset();
    if (op === Op.UPDATE || op === Op.RESET_UPDATE) {
      const off = ctl[Ctl.OFF];
      hasher.update(data.subarray(off, off + ctl[Ctl.LEN]));
    } else if (op === Op.DIGEST) out.set(hasher.digestBuffer());
  } catch {
    Atomics.store(ctl, Ctl.FAILED, 1);
  }
  Atomics.store(ctl, Ctl.DONE, req);
  Atomics.notify(ctl, Ctl.DONE);
}
