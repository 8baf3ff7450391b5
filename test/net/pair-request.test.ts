/**
 * Pairing by request between two real nodes on 127.0.0.1 (QUIC): both sides compute the same confirmation code,
 * nothing is trusted before the asked side's yes, and a no, a timeout, a withdrawal, a node that takes no
 * requests and a nonce that does not match its commitment each end with their own stable code.
 */
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { afterEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/engine/net/identity.ts';
import { parsePeerAddress } from '../../src/engine/net/address.ts';
import { PROTOCOLS, WarpNode } from '../../src/engine/net/node.ts';
import { servePairStream } from '../../src/engine/net/pair.ts';
import {
  MAX_OPEN_REQUESTS,
  PairRequestBook,
  askToPair,
  confirmationCode,
  nonceCommit,
  type PairRequest,
} from '../../src/engine/net/pair-request.ts';
import type { DialTarget } from '../../src/engine/net/peer-book.ts';

async function identity(): Promise<Identity> {
  const privateKey = await generateKeyPair('Ed25519');
  return { privateKey, peerId: peerIdFromPrivateKey(privateKey).toString(), file: '' };
}

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

/** A listening node that takes requests (unless `book` is null) and says who it is. */
async function asked(o: { ttlMs?: number; book?: null } = {}) {
  const id = await identity();
  const seen: PairRequest[] = [];
  const book = o.book === null ? undefined : new PairRequestBook({ onChange: (r) => seen.push(r), ttlMs: o.ttlMs });
  const trusted = new Set<string>();
  const node = await WarpNode.create({
    identity: id,
    listen: { host: '127.0.0.1', port: 0 },
    transports: ['quic'],
    isTrusted: (p) => trusted.has(p),
  });
  await node.handle(
    PROTOCOLS.pair,
    (ch) =>
      servePairStream(ch, {
        self: id.peerId,
        me: () => ({ addrs: node.addresses(), name: 'bravo' }),
        isTrusted: (p) => trusted.has(p),
        requests: book,
      }),
    { trusted: () => true },
  );
  stops.push(async () => {
    book?.close();
    await node.stop();
  });
  const text = `${id.peerId}@127.0.0.1:${node.port()}`;
  const targets: DialTarget[] = [{ text, address: parsePeerAddress(text) }];
  return { id, node, book, seen, trusted, targets };
}

async function asker() {
  const id = await identity();
  const node = await WarpNode.create({ identity: id, isTrusted: () => false, transports: ['quic'] });
  stops.push(() => node.stop());
  return { id, node };
}

const until = async <T>(f: () => T | undefined, what: string): Promise<T> => {
  for (let i = 0; i < 300; i++) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('pairing by request', () => {
  it('shows the same code on both sides, trusts nothing until accepted, then both learn each other', async () => {
    const b = await asked();
    const a = await asker();
    let shown: { code: string; peer: string } | undefined;
    const done = askToPair({
      node: a.node,
      targets: b.targets,
      transport: 'quic',
      self: a.id.peerId,
      me: { addrs: ['127.0.0.1:4999'], name: 'alpha' },
      onCode: (c) => (shown = c),
      pollMs: 200,
    });
    const req = await until(() => b.seen.find((r) => r.state === 'pending'), 'the request on B');
    expect(req.peer).toBe(a.id.peerId);
    expect(req.info).toEqual({ addrs: ['127.0.0.1:4999'], name: 'alpha' });
    expect(req.code).toMatch(/^\d{3} \d{3}$/);
    await until(() => shown, 'the code on A');
    expect(shown!.code).toBe(req.code);
    expect(shown!.peer).toBe(b.id.peerId);
    expect(b.book!.pending().map((r) => r.id)).toEqual([req.id]);
    // Still waiting: nothing trusted yet, and A's poll keeps getting `waiting`.
    await new Promise((r) => setTimeout(r, 600));
    expect(b.trusted.size).toBe(0);
    b.trusted.add(req.peer); // what the service does on the user's yes
    b.book!.decide(req.id, true);
    const r = await done;
    expect(r.peer).toBe(b.id.peerId);
    expect(r.info.name).toBe('bravo');
    expect(r.info.addrs.some((x) => x.includes(`/${b.node.port()}/`))).toBe(true);
    expect(b.book!.pending()).toEqual([]);
  });

  it('a rejection, a timeout and a withdrawal each end with their own code', async () => {
    const b = await asked({ ttlMs: 1500 });
    const a = await asker();
    const ask = (signal?: AbortSignal) =>
      askToPair({
        node: a.node,
        targets: b.targets,
        transport: 'quic',
        self: a.id.peerId,
        me: { addrs: [], name: 'alpha' },
        onCode: () => {},
        signal,
        pollMs: 100,
      });

    const rejected = ask();
    const r1 = await until(() => b.book!.pending()[0], 'the first request');
    b.book!.decide(r1.id, false);
    await expect(rejected).rejects.toMatchObject({ code: 'E_PAIR_REJECTED' });
    expect(() => b.book!.decide(r1.id, true)).toThrow(/rejected/);

    // Nobody answers within the request's 1.5 s.
    await expect(ask()).rejects.toMatchObject({ code: 'E_PAIR_TIMEOUT' });
    expect(b.seen.at(-1)!.state).toBe('expired');

    const ac = new AbortController();
    const withdrawn = ask(ac.signal);
    const r3 = await until(() => b.book!.pending()[0], 'the third request');
    ac.abort();
    await expect(withdrawn).rejects.toMatchObject({ code: 'E_CANCELLED' });
    await until(() => (b.book!.get(r3.id)!.state === 'withdrawn' ? true : undefined), 'the withdrawal on B');
    expect(() => b.book!.decide(r3.id, true)).toThrow();
    expect(b.trusted.size).toBe(0);
  });

  it('a node that takes no requests says so; a nonce that does not match its commitment is refused', async () => {
    const off = await asked({ book: null });
    const a = await asker();
    await expect(
      askToPair({
        node: a.node,
        targets: off.targets,
        transport: 'quic',
        self: a.id.peerId,
        me: { addrs: [] },
        onCode: () => {},
      }),
    ).rejects.toMatchObject({
      code: 'E_PAIR_REJECTED',
      message: expect.stringMatching(/does not take pairing requests/),
    });

    // A hand-made conversation that reveals another nonce than it committed to.
    const b = await asked();
    const { conn } = await a.node.dial(b.targets[0].address, { transport: 'quic', allowUntrusted: true });
    const ch = await a.node.open(conn, PROTOCOLS.pair);
    await ch.write({ t: 'ask', commit: nonceCommit('1'.repeat(64)) });
    const got = (await ch.expect('asked', 'asked')).h;
    await ch.write({ t: 'reveal', id: got.id, nonce: '2'.repeat(64) });
    await expect(ch.expect('waiting', 'waiting')).rejects.toMatchObject({ code: 'E_PAIR_REJECTED' });
    expect(b.book!.pending()).toEqual([]);
  });

  it('the code depends on both ids and both nonces; the book holds a bounded number of open requests', async () => {
    const [x, y, z] = [await identity(), await identity(), await identity()];
    const n1 = 'a'.repeat(64);
    const n2 = 'b'.repeat(64);
    const c = confirmationCode(x.peerId, y.peerId, n1, n2);
    expect(c).toMatch(/^\d{3} \d{3}$/);
    expect(confirmationCode(x.peerId, y.peerId, n1, n2)).toBe(c);
    const others = [
      confirmationCode(z.peerId, y.peerId, n1, n2),
      confirmationCode(x.peerId, z.peerId, n1, n2),
      confirmationCode(x.peerId, y.peerId, 'c'.repeat(64), n2),
      confirmationCode(x.peerId, y.peerId, n1, 'c'.repeat(64)),
    ];
    expect(others.filter((o) => o === c).length).toBeLessThanOrEqual(1); // 1 in a million each

    const book = new PairRequestBook({ onChange: () => {} });
    stops.push(async () => book.close());
    const ids = await Promise.all(Array.from({ length: MAX_OPEN_REQUESTS + 1 }, () => identity()));
    for (const p of ids.slice(0, MAX_OPEN_REQUESTS)) book.open(p.peerId, nonceCommit(n1), { addrs: [] });
    expect(() => book.open(ids.at(-1)!.peerId, nonceCommit(n1), { addrs: [] })).toThrow(
      expect.objectContaining({ code: 'E_PAIR_REJECTED' }),
    );
    // The same peer asking again replaces its own request instead of taking another slot.
    const again = book.open(ids[0].peerId, nonceCommit(n1), { addrs: [] });
    expect(() => book.reveal(again.id, ids[1].peerId, n1, x.peerId)).toThrow(
      expect.objectContaining({ code: 'E_PAIR_TIMEOUT' }),
    );
    expect(book.reveal(again.id, ids[0].peerId, n1, x.peerId).state).toBe('pending');
  });
});
