/**
 * A hostile peer as a real process, for the listener's flood and memory tests (run with node, which strips the
 * types): `node test/helpers/hostile-peer.ts <mode> <home> <peer-id@host:port> [n] [holdMs]`. It prints one JSON
 * line of counts when done and exits 0; it never leaves anything behind (its node stops, its sockets close).
 *
 * Modes:
 *  - unpaired: n connections with TLS done (QUIC and TCP alternately, 4 identities, 32 at a time), held for
 *    holdMs without opening a stream (the connection-manager exhaustion of issue 13 item 1);
 *  - slowloris: n raw TCP sockets that never start a handshake, held for holdMs;
 *  - half-frames: (paired) n control streams, each announcing a 250 MB manifest and sending half of it;
 *  - ctl-queue: (paired) a push whose chunks are never served, then control frames of 1 MB each, n of them;
 *  - stall-push: (paired) a push whose chunk requests are never answered, held for holdMs;
 *  - stream-flood: (paired) n chunk streams, each sending `get` frames without reading the answers;
 *  - die-mid-push: (paired) a push of a real manifest (n files) of which half the bytes are sent, then this process
 *    kills itself (SIGKILL): a sender dying while it sends its manifest;
 *  - pages-*: (paired) hostile senders of a paged push (test/helpers/hostile-pages.ts);
 *  - probe: (paired) n probe frames of 64 blocks (1 MiB each) on one stream, then one of 65 on another: counts
 *    the blocks the listener sent and how each stream ended.
 */
import net from 'node:net';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { parsePeerAddress, toMultiaddr } from '../../src/engine/net/address.ts';
import { encodeFrame, encodeFrameHead } from '../../src/engine/net/frames.ts';
import { loadIdentity, type Identity } from '../../src/engine/net/identity.ts';
import { WarpNode } from '../../src/engine/net/node.ts';
import { PROTOCOLS } from '../../src/engine/net/wire.ts';
import { localCaps } from '../../src/engine/transfer/protocol.ts';
import { pagedMode } from './hostile-pages.ts';

const [mode, home, addrText, nText, holdText] = process.argv.slice(2);
const n = Number(nText ?? 100);
const holdMs = Number(holdText ?? 3000);
const address = parsePeerAddress(addrText);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const out: Record<string, number | string> = { mode, n };
const count = (k: string): void => {
  out[k] = Number(out[k] ?? 0) + 1;
};

async function freshIdentity(): Promise<Identity> {
  const privateKey = await generateKeyPair('Ed25519');
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), file: '' };
}

/** Runs `task(i)` for i < n, `width` at a time. */
async function pool(width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

async function unpaired(): Promise<void> {
  const nodes = await Promise.all(
    Array.from({ length: 4 }, async () => WarpNode.create({ identity: await freshIdentity(), isTrusted: () => true })),
  );
  const held: Array<{ close(): Promise<void>; status: string }> = [];
  try {
    await pool(32, async (i) => {
      const node = nodes[i % nodes.length];
      const transport = i % 2 === 0 ? 'quic' : 'tcp';
      try {
        const conn = await node.libp2p.dial(toMultiaddr(address, transport), {
          force: true,
          signal: AbortSignal.timeout(8000),
        });
        count(`${transport}Handshakes`);
        held.push(conn);
      } catch {
        count(`${transport}Refused`);
      }
    });
    await sleep(holdMs);
    // What the listener really let this peer hold: connections still open at the end.
    out.stillOpen = held.filter((c) => c.status === 'open').length;
  } finally {
    await Promise.all(nodes.map((x) => x.stop()));
  }
}

async function slowloris(): Promise<void> {
  const sockets: net.Socket[] = [];
  await pool(64, async () => {
    await new Promise<void>((resolve) => {
      const s = net.connect({ host: address.host, port: address.port }, () => {
        count('connected');
        resolve();
      });
      s.on('error', () => {
        count('failed');
        resolve();
      });
      s.on('close', () => count('closedByPeer'));
      sockets.push(s);
    });
  });
  await sleep(holdMs);
  for (const s of sockets) s.destroy();
}

/** The scanned tree of a temporary folder holding `files` (name: content), removed again; for a real manifest. */
async function treeOf(files: Record<string, string | Uint8Array>) {
  const { buildTree } = await import('../../src/engine/transfer/tree.ts');
  const { paramsForAverage } = await import('../../src/engine/codec/fastcdc.ts');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-hostile-'));
  for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
  const tree = buildTree(dir, paramsForAverage(16 * 1024));
  fs.rmSync(dir, { recursive: true, force: true });
  return tree;
}

/** A paired control stream that has said hello. */
async function pairedControl(node: WarpNode, conn: Awaited<ReturnType<WarpNode['dial']>>['conn']) {
  const ch = await node.open(conn, PROTOCOLS.control);
  await ch.write({ t: 'hello', ...localCaps({ streams: 2, window: 8, compress: false }) });
  await ch.expect('hello', 'hello');
  return ch;
}

/** Sends raw bytes on a stream, waiting for the send buffer to drain (what a fast hostile sender can do). */
async function rawSend(
  stream: { send(b: Uint8Array): boolean; onDrain(o?: { signal?: AbortSignal }): Promise<void>; status: string },
  bytes: Uint8Array,
): Promise<boolean> {
  try {
    if (!stream.send(bytes)) await stream.onDrain({ signal: AbortSignal.timeout(10_000) });
    return true;
  } catch {
    return false;
  }
}

/** How a stream ends for this peer: the listener's error frame, a close, a failure, or nothing within `ms`. */
async function outcome(
  ch: { read(): Promise<{ h: { t: string } & Record<string, unknown> } | null> },
  ms: number,
): Promise<string> {
  const end = (async () => {
    for (;;) {
      let f;
      try {
        f = await ch.read();
      } catch (e) {
        return `failed: ${(e as Error).message}`;
      }
      if (!f) return 'closed';
      if (f.h.t === 'error') return `error ${String(f.h.code)}`;
    }
  })();
  return Promise.race([end, sleep(ms).then(() => 'still waiting')]);
}

async function paired(): Promise<void> {
  const identity = await loadIdentity(home);
  const node = await WarpNode.create({ identity, isTrusted: () => true });
  try {
    const { conn } = await node.dial(address, { transport: 'quic' });
    const piece = new Uint8Array(1024 * 1024).fill(0x61);
    if (mode === 'half-frames') {
      const ends = await Promise.all(
        Array.from({ length: n }, async () => {
          const ch = await pairedControl(node, conn);
          const size = 250 * 1000 * 1000;
          const ended = outcome(ch, 15_000);
          let over = false;
          void ended.then(() => {
            over = true;
          });
          await rawSend(
            ch.stream,
            encodeFrameHead({ t: 'push', sid: 'ab'.repeat(16), root: 'cd'.repeat(32), dest: '/x' }, size),
          );
          for (let sent = 0; sent < size / 2 && !over && ch.stream.status === 'open'; sent += piece.length) {
            if (!(await rawSend(ch.stream, piece))) break;
          }
          return ended;
        }),
      );
      out.end = [...new Set(ends)].join('; ');
    } else if (mode === 'ctl-queue' || mode === 'stall-push') {
      // A push of a manifest whose chunks this peer never serves: the listener pulls, nothing comes.
      const tree = await treeOf({ f: piece });
      await node.handle(PROTOCOLS.chunks, async (ch) => {
        await new Promise((r) => setTimeout(r, 600_000));
        void ch;
      });
      const ch = await pairedControl(node, conn);
      await ch.write(
        {
          t: 'push',
          dest: `/${mode}`,
          sid: (mode === 'ctl-queue' ? 'ab' : 'cd').repeat(16),
          root: tree.manifest.merkleRoot.toString('hex'),
        },
        tree.manifest.encode(),
      );
      const ended = outcome(ch, holdMs);
      let over = false;
      void ended.then(() => {
        over = true;
      });
      if (mode === 'ctl-queue') {
        for (let i = 0; i < n && !over && ch.stream.status === 'open'; i++) {
          if (!(await rawSend(ch.stream, encodeFrame({ t: 'plan', dest: '/' }, piece)))) break;
          count('sent');
        }
      }
      out.end = await ended;
    } else if (mode.startsWith('pages-')) {
      await pagedMode(mode, node, conn, n, out);
    } else if (mode === 'die-mid-push') {
      const tree = await treeOf(Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, `file ${i}`])));
      const manifest = tree.manifest.encode();
      const ch = await pairedControl(node, conn);
      const root = tree.manifest.merkleRoot.toString('hex');
      const frame = encodeFrame({ t: 'push', dest: '/die-mid-push', sid: 'ef'.repeat(16), root }, manifest);
      await rawSend(ch.stream, frame.subarray(0, frame.length - (manifest.length >> 1)));
      console.log(
        JSON.stringify({ ...out, manifestBytes: manifest.length, sent: frame.length - (manifest.length >> 1) }),
      );
      await sleep(2000); // the half has left (a loaded machine may take a while to send it)
      process.kill(process.pid, 'SIGKILL');
    } else if (mode === 'probe') {
      const ch = await node.open(conn, PROTOCOLS.chunks);
      let blocks = 0;
      try {
        for (let k = 0; k < n; k++) {
          ch.expectAnswers(64);
          await ch.write({ t: 'probe', n: 64 });
          for (let i = 0; i < 64; i++) {
            await ch.expect('probe data', 'chunk');
            blocks++;
          }
        }
        out.end = 'served';
      } catch (e) {
        out.end = (e as Error).message;
      }
      out.blocks = blocks;
      const big = await node.open(conn, PROTOCOLS.chunks);
      big.stream.send(encodeFrame({ t: 'probe', n: 65 }));
      out.big = await outcome(big, 10_000);
    } else if (mode === 'stream-flood') {
      await Promise.all(
        Array.from({ length: n }, async () => {
          let ch;
          try {
            ch = await node.open(conn, PROTOCOLS.chunks);
          } catch {
            count('refused');
            return;
          }
          const get = encodeFrame({ t: 'get', sid: 'ab'.repeat(16), n: 1024 }, new Uint8Array(32 * 1024));
          for (let i = 0; i < 2000 && ch.stream.status === 'open'; i++) if (!(await rawSend(ch.stream, get))) break;
          count(ch.stream.status === 'open' ? 'open' : 'cutOff');
        }),
      );
    }
    await sleep(200);
  } finally {
    await node.stop();
  }
}

try {
  if (mode === 'unpaired') await unpaired();
  else if (mode === 'slowloris') await slowloris();
  else await paired();
} catch (e) {
  out.error = (e as Error).message;
}
console.log(JSON.stringify(out));
process.exit(0);
