/**
 * A paused QUIC stream holds its sender back (net/quic-pause.ts): without it @chainsafe/libp2p-quic keeps reading a
 * paused stream into its buffer and libp2p aborts the stream at 4 MiB, which is how the relay's rate cap cut
 * throttled circuits (issue 14). Two real libp2p nodes over QUIC on 127.0.0.1.
 */
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import type { Stream } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { afterEach, describe, expect, it } from 'vitest';
import { WarpNode } from '../../src/engine/net/node.ts';
import { holdPausedQuicReads } from '../../src/engine/net/quic-pause.ts';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function node(listen: boolean): Promise<WarpNode> {
  const privateKey = await generateKeyPair('Ed25519');
  const n = await WarpNode.create({
    identity: { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), file: '' },
    listen: listen ? { host: '127.0.0.1', port: 0 } : undefined,
    transports: ['quic'],
    isTrusted: () => true,
  });
  stops.push(() => n.stop());
  return n;
}

const PROTOCOL = '/warp-test/pause/1.0.0';
const TOTAL = 24 * 1024 * 1024;

describe('QUIC stream pause', () => {
  it('a paused stream stops taking bytes (the sender waits) and nothing is lost when it resumes', async () => {
    expect(await holdPausedQuicReads()).toBe(true);
    const receiver = await node(true);
    const sender = await node(false);
    let inbound: Stream | undefined;
    let got = 0;
    let maxBuffered = 0;
    await receiver.libp2p.handle(
      PROTOCOL,
      (stream) => {
        inbound = stream;
        stream.pause();
        stream.addEventListener('message', (ev) => {
          got += ev.data.byteLength;
        });
      },
      { runOnLimitedConnection: true },
    );
    const conn = await sender.libp2p.dial(multiaddr(receiver.addresses()[0]));
    const out = await conn.newStream(PROTOCOL);
    const block = new Uint8Array(256 * 1024).fill(7);
    let sent = 0;
    const writing = (async () => {
      while (sent < TOTAL) {
        if (!out.send(block)) await new Promise<void>((r) => out.addEventListener('drain', () => r(), { once: true }));
        sent += block.length;
      }
      await out.close();
    })();
    // Paused for 2 s: the receiver holds at most a read's worth, far below libp2p's 4 MiB abort.
    const until = Date.now() + 2000;
    while (Date.now() < until) {
      maxBuffered = Math.max(maxBuffered, inbound?.readBufferLength ?? 0);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(inbound, 'the stream never arrived').toBeDefined();
    expect(inbound!.status).toBe('open');
    expect(got).toBe(0);
    expect(maxBuffered).toBeLessThan(4 * 1024 * 1024);
    inbound!.resume();
    await writing;
    const deadline = Date.now() + 60_000;
    while (got < TOTAL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(got).toBe(TOTAL);
  }, 90_000);
});
