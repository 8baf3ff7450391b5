/** Sends fuzzed and malformed frames (fast-check) to a listener from an in-process node; counts the outcomes. */
import fc from 'fast-check';
import { parsePeerAddress } from '../../src/engine/net/address.ts';
import { encodeFrame, encodeFrameHead } from '../../src/engine/net/frames.ts';
import { loadIdentity } from '../../src/engine/net/identity.ts';
import { PROTOCOLS, WarpNode } from '../../src/engine/net/node.ts';
import type { ProtocolId } from '../../src/engine/net/wire.ts';
import { localCaps } from '../../src/engine/transfer/protocol.ts';

const HELLO = (): Buffer => encodeFrame({ t: 'hello', ...localCaps({ streams: 2, window: 8, compress: true }) });

export async function fuzzListener(
  home: string,
  addr: string,
  runs: number,
): Promise<{ errors: number; closed: number; crashed: number; hung: number }> {
  const identity = await loadIdentity(home);
  const address = parsePeerAddress(addr);
  const node = await WarpNode.create({ identity, isTrusted: () => true });
  const out = { errors: 0, closed: 0, crashed: 0, hung: 0 };
  const payloads: Array<{ proto: ProtocolId; bytes: Buffer }> = [];
  // Structured malformations first, then random ones.
  payloads.push({ proto: PROTOCOLS.control, bytes: Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]) });
  payloads.push({
    proto: PROTOCOLS.control,
    bytes: Buffer.concat([Buffer.from([0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0x90])]),
  });
  payloads.push({
    proto: PROTOCOLS.control,
    bytes: Buffer.concat([encodeFrameHead({ t: 'x' }).subarray(0, 4), Buffer.from([0, 0, 0, 0, 0xc1])]),
  });
  payloads.push({
    proto: PROTOCOLS.control,
    bytes: encodeFrame({ t: 'hello', v: 99, agent: 'x', codecs: [], maxChunk: 1, streams: 1, window: 1 }),
  });
  payloads.push({
    proto: PROTOCOLS.control,
    bytes: Buffer.concat([HELLO(), encodeFrame({ t: 'push', sid: 'zz' }, Buffer.from('garbage'))]),
  });
  payloads.push({ proto: PROTOCOLS.control, bytes: Buffer.concat([HELLO(), encodeFrame({ t: 'open', path: 42 })]) });
  payloads.push({
    proto: PROTOCOLS.control,
    bytes: Buffer.concat([
      HELLO(),
      encodeFrame({ t: 'push', sid: 'ab'.repeat(16), root: 'x', dest: '/' }, Buffer.from([0x82, 0xa1, 0x76, 0x01])),
    ]),
  });
  payloads.push({ proto: PROTOCOLS.chunks, bytes: encodeFrame({ t: 'get', sid: 'nope', n: 5000 }) });
  payloads.push({ proto: PROTOCOLS.chunks, bytes: encodeFrame({ t: 'get', sid: 'nope', n: 1 }, Buffer.alloc(31)) });
  fc.sample(fc.uint8Array({ minLength: 1, maxLength: 600 }), {
    numRuns: Math.max(0, runs - payloads.length),
    seed: 42,
  }).forEach((b, i) =>
    payloads.push({
      proto: i % 3 === 2 ? PROTOCOLS.chunks : PROTOCOLS.control,
      bytes: Buffer.from(i % 2 === 0 ? b : Buffer.concat([HELLO(), b])),
    }),
  );
  try {
    for (const p of payloads) {
      const { conn } = await node.dial(address, { transport: 'quic' });
      const ch = await node.open(conn, p.proto);
      ch.stream.send(p.bytes);
      const outcome = await Promise.race([
        (async () => {
          for (;;) {
            const f = await ch.read().catch(() => null);
            if (!f) return 'closed';
            if (f.h.t === 'error') return 'error';
          }
        })(),
        new Promise<string>((r) => setTimeout(() => r('hang'), 700)),
      ]);
      // A random payload can be a valid prefix that waits for more bytes: closing our side must end it.
      if (outcome === 'hang') {
        out.hung++;
        await ch.close();
        const after = await Promise.race([
          ch.read().then(
            () => 'closed',
            () => 'closed',
          ),
          new Promise<string>((r) => setTimeout(() => r('hang'), 5000)),
        ]);
        if (after === 'hang') out.crashed++;
        else out.closed++;
      } else if (outcome === 'error') out.errors++;
      else out.closed++;
      await conn.close().catch(() => {});
    }
  } finally {
    await node.stop();
  }
  return out;
}
