/**
 * Stream-mode latency: two nodes in this process (so one clock), 64 KiB chunks stamped when handed to the
 * stream, latency = arrival - stamp. Paced sending (one chunk per `intervalMs`) measures the path, not a
 * queue; a second, unpaced run gives the stream's throughput.
 */
import { Writable } from 'node:stream';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { PROTOCOLS, WarpNode } from '../../src/engine/net/node.ts';
import { receiveStreamOn, sendStreamOn } from '../../src/engine/transfer/stream.ts';

export interface StreamLatency {
  transport: string;
  chunks: number;
  chunkBytes: number;
  intervalMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  unpacedMBps: number;
}

async function identity() {
  const privateKey = await generateKeyPair('Ed25519');
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), file: '' };
}

export async function streamLatency(
  transport: 'quic' | 'tcp',
  chunks = 2000,
  intervalMs = 2,
  chunkBytes = 64 * 1024,
): Promise<StreamLatency> {
  const a = await identity();
  const b = await identity();
  const recv = await WarpNode.create({
    identity: b,
    listen: { host: '127.0.0.1', port: 0 },
    transports: [transport],
    isTrusted: (id) => id === a.peerId,
  });
  const send = await WarpNode.create({ identity: a, isTrusted: (id) => id === b.peerId });
  const lat: number[] = [];
  let done: (v: void) => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const sink = new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });
  await recv.handle(PROTOCOLS.stream, async (ch) => {
    await receiveStreamOn(ch, sink, {
      onChunk: (_s, _b, ts) => {
        if (ts !== undefined) lat.push(performance.now() - ts);
      },
    });
    done();
  });
  const port = recv.port();
  const { conn } = await send.dial({ host: '127.0.0.1', port, peerId: b.peerId, text: '' }, { transport });
  const payload = Buffer.alloc(chunkBytes, 0x61);
  async function* paced(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < chunks; i++) {
      yield payload;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
  await sendStreamOn(await send.open(conn, PROTOCOLS.stream), paced(), chunkBytes, { stamp: true });
  await finished;
  lat.sort((x, y) => x - y);
  // Unpaced: 256 MiB as fast as the stream goes.
  let done2: (v: void) => void = () => {};
  const finished2 = new Promise<void>((r) => {
    done2 = r;
  });
  await recv.libp2p.unhandle(PROTOCOLS.stream);
  await recv.handle(PROTOCOLS.stream, async (ch) => {
    await receiveStreamOn(ch, sink);
    done2();
  });
  const total = 256 * 1024 * 1024;
  async function* fast(): AsyncGenerator<Uint8Array> {
    for (let sent = 0; sent < total; sent += chunkBytes) yield payload;
  }
  const t0 = performance.now();
  await sendStreamOn(await send.open(conn, PROTOCOLS.stream), fast(), chunkBytes);
  await finished2;
  const secs = (performance.now() - t0) / 1000;
  await send.stop();
  await recv.stop();
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return {
    transport,
    chunks: lat.length,
    chunkBytes,
    intervalMs,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    maxMs: lat[lat.length - 1],
    unpacedMBps: total / 1e6 / secs,
  };
}
