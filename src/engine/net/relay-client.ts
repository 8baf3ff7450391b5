/**
 * A listener's slots on circuit relays (`warp listen --relay`, `[net] relays`): it reserves a slot on each
 * configured relay through libp2p's circuit-relay-v2 transport (which then advertises the relay's
 * `/p2p-circuit` addresses among the node's own), tells each Warp relay which peers it may connect to this node
 * (`/warp/relay/1.0.0` `allow`: the paired peers; see net/relay-server.ts), and keeps both up:
 *
 *  - a relay that is down at start is retried with backoff (2 s doubling to 60 s) instead of failing the listener;
 *  - libp2p drops a reservation when the relay's connection closes and does not renew a configured one by itself:
 *    this notices the missing address and reserves again once the relay answers;
 *  - the allow list is sent after every reservation and again whenever the paired peers change.
 *
 * The first reservation goes through libp2p's transport manager (`listen` on `<relay>/p2p-circuit`, which
 * creates the circuit listener); renewals go to the transport's reservation store, which that listener watches.
 * Both are internals of libp2p 3.x / @libp2p/circuit-relay-v2 4.2.x (pinned in package.json): the relay tests
 * fail if a later version moves them.
 */
import type { Libp2p, PeerId } from '@libp2p/interface';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { parsePeerAddress } from './address.ts';
import { openedChannel } from './channel.ts';
import type { DialTarget } from './peer-book.ts';
import { assertPeerId } from './trust.ts';
import { PROTOCOLS } from './wire.ts';

/** What a listener tells its relays. */
export interface RelayPolicy {
  /** Peer ids the relay may connect to this node (its paired peers). */
  peers: string[];
  /** While a pairing code is shown: seconds in which the relay connects any peer, capped, for pairing only. */
  pairingSeconds?: number;
}

export interface RelayState {
  /** The relay's multiaddr as configured (with /p2p/<relay-id>). */
  relay: string;
  relayId: string;
  reserved: boolean;
  /** This node's addresses through the relay (`…/p2p-circuit/p2p/<own id>`). */
  addresses: string[];
  /** Why the last attempt failed, if it did. */
  error?: string;
  /** What the relay said it allows (a Warp relay; absent for another libp2p relay). */
  caps?: { dataLimit: number; durationMs: number; rate: number };
}

const TICK_MS = 2_000;
const BACKOFF_MAX_MS = 60_000;
const DIAL_TIMEOUT_MS = 10_000;

/** Checks a relay address as users give it: a multiaddr naming the relay's peer id. */
export function parseRelayAddress(text: string): { ma: Multiaddr; relayId: string } {
  const t = text.trim();
  let ma: Multiaddr;
  try {
    ma = multiaddr(t.replace(/\/p2p-circuit\/?$/, ''));
  } catch (e) {
    throw new WarpError(ErrorCodes.USAGE, `invalid relay address '${text}': ${(e as Error).message}`);
  }
  const id = ma.getComponents().findLast((c) => c.name === 'p2p')?.value;
  if (!id || ma.toString().includes('/p2p-circuit'))
    throw new WarpError(
      ErrorCodes.USAGE,
      `invalid relay address '${text}': give the multiaddr 'warp relay' prints, ending in /p2p/<relay-id>`,
    );
  return { ma, relayId: assertPeerId(id, 'relay peer id') };
}

interface Slot extends RelayState {
  ma: Multiaddr;
  listened: boolean;
  nextTry: number;
  failures: number;
  sentPolicy?: string;
  busy: boolean;
}

interface RelayTransport {
  reservationStore: { addRelay(peer: PeerId, type: 'configured'): Promise<unknown> };
}

interface Internals {
  components: {
    transportManager: {
      listen(addrs: Multiaddr[]): Promise<void>;
      getTransports(): Array<{ [Symbol.toStringTag]?: string }>;
    };
  };
}

export class RelayLink {
  private readonly node: Libp2p;
  private readonly slots: Slot[];
  private readonly policy: () => RelayPolicy;
  private readonly log: (msg: string) => void;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** Told when a relay's state changes (reserved, lost, failed). */
  onChange?: (s: RelayState) => void;

  constructor(node: Libp2p, relays: string[], policy: () => RelayPolicy, log: (msg: string) => void) {
    this.node = node;
    this.policy = policy;
    this.log = log;
    this.slots = relays.map((r) => {
      const { ma, relayId } = parseRelayAddress(r);
      return {
        relay: ma.toString(),
        relayId,
        ma,
        reserved: false,
        addresses: [],
        listened: false,
        nextTry: 0,
        failures: 0,
        busy: false,
      };
    });
  }

  /** Starts reserving; resolves when every relay has been tried once (reserved or not) or after `waitMs`. */
  async start(waitMs = 15_000): Promise<void> {
    const first = Promise.all(this.slots.map((s) => this.visit(s)));
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    let t: NodeJS.Timeout | undefined;
    await Promise.race([first, new Promise<void>((r) => (t = setTimeout(r, waitMs)))]);
    clearTimeout(t);
  }

  states(): RelayState[] {
    return this.slots.map(({ relay, relayId, reserved, addresses, error, caps }) => ({
      relay,
      relayId,
      reserved,
      addresses,
      error,
      caps,
    }));
  }

  /** Sends the allow list to every reserved relay now (after a pairing, or to open a pairing window). */
  async announce(): Promise<void> {
    await Promise.all(this.slots.filter((s) => s.reserved).map((s) => this.sendPolicy(s, true).catch(() => {})));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private tick(): void {
    for (const s of this.slots) if (!s.busy) void this.visit(s);
  }

  private async visit(s: Slot): Promise<void> {
    if (this.stopped) return;
    s.busy = true;
    try {
      const addrs = this.circuitAddresses(s.relayId);
      const connected = this.node.getConnections().some((c) => c.remotePeer.toString() === s.relayId);
      if (addrs.length > 0 && connected) {
        this.mark(s, true, addrs);
        await this.sendPolicy(s, false);
        return;
      }
      if (s.reserved) this.mark(s, false, [], 'the relay connection was lost; reserving again');
      if (Date.now() < s.nextTry) return;
      await this.reserve(s);
      s.failures = 0;
      this.mark(s, true, this.circuitAddresses(s.relayId));
      await this.sendPolicy(s, true);
    } catch (e) {
      s.failures++;
      s.nextTry = Date.now() + Math.min(BACKOFF_MAX_MS, 2_000 * 2 ** (s.failures - 1));
      this.mark(s, false, [], describeRelayError(e));
    } finally {
      s.busy = false;
    }
  }

  private async reserve(s: Slot): Promise<void> {
    const conn = await this.node.dial(s.ma, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) });
    const internals = this.node as unknown as Internals;
    if (!s.listened) {
      s.listened = true;
      await internals.components.transportManager.listen([s.ma.encapsulate('/p2p-circuit')]);
    } else {
      const transport = internals.components.transportManager
        .getTransports()
        .find((t) => t[Symbol.toStringTag] === '@libp2p/circuit-relay-v2-transport') as RelayTransport | undefined;
      if (!transport) throw new Error('the circuit relay transport is not loaded');
      await transport.reservationStore.addRelay(conn.remotePeer, 'configured');
    }
    // The listener advertises the addresses a moment after the reservation (a microtask later).
    for (let i = 0; i < 50 && this.circuitAddresses(s.relayId).length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
  }

  /** Sends the allow list when it changed (or always with `force`); a relay that is not Warp's is left alone. */
  private async sendPolicy(s: Slot, force: boolean): Promise<void> {
    const p = this.policy();
    const key = JSON.stringify([[...p.peers].sort(), p.pairingSeconds ?? 0]);
    if (!force && key === s.sentPolicy) return;
    const conn = this.node.getConnections().find((c) => c.remotePeer.toString() === s.relayId && c.status === 'open');
    if (!conn) return;
    let stream;
    try {
      stream = await conn.newStream(PROTOCOLS.relay, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) });
    } catch (e) {
      if ((e as Error).name === 'UnsupportedProtocolError') {
        s.sentPolicy = key;
        if (!s.caps)
          this.log(`relay ${s.relay} is not a Warp relay: it cannot refuse unpaired peers (this node still does)`);
        return;
      }
      throw e;
    }
    const ch = openedChannel(stream, s.relayId, PROTOCOLS.relay);
    await ch.write({ t: 'allow', peers: p.peers, ...(p.pairingSeconds ? { pairingSeconds: p.pairingSeconds } : {}) });
    const f = await ch.expect('the relay answer', 'allowed');
    await ch.close();
    s.sentPolicy = key;
    s.caps = { dataLimit: f.h.dataLimit, durationMs: f.h.durationMs, rate: f.h.rate };
  }

  private circuitAddresses(relayId: string): string[] {
    return this.node
      .getMultiaddrs()
      .map((m) => m.toString())
      .filter((a) => a.includes(`/p2p/${relayId}/p2p-circuit`));
  }

  private mark(s: Slot, reserved: boolean, addresses: string[], error?: string): void {
    const changed = s.reserved !== reserved || s.error !== error || s.addresses.join() !== addresses.join();
    s.reserved = reserved;
    s.addresses = addresses;
    s.error = error;
    if (!reserved) s.sentPolicy = undefined;
    if (changed) {
      if (reserved) this.log(`relay ${s.relay}: reserved; reachable at ${addresses.join(', ')}`);
      else if (error) this.log(`relay ${s.relay}: ${error}`);
      this.onChange?.(this.states().find((x) => x.relay === s.relay)!);
    }
  }
}

/**
 * Dial targets plus the peer through each configured relay (`<relay>/p2p-circuit/p2p/<id>`), after the known
 * addresses, for a peer whose id is known; a bad relay entry is skipped (the listener that uses it reports it).
 */
export function withRelays(targets: DialTarget[], relays: readonly string[] | undefined): DialTarget[] {
  const id = targets[0]?.address.peerId;
  if (!id || !relays?.length) return targets;
  const out = [...targets];
  for (const r of relays) {
    try {
      const text = `${parseRelayAddress(r).ma.toString()}/p2p-circuit/p2p/${id}`;
      if (!out.some((t) => t.text === text)) out.push({ text, address: parsePeerAddress(text) });
    } catch {
      /* skipped */
    }
  }
  return out;
}

/** A relay's failure in plain words (libp2p's are about hop messages and statuses). */
export function describeRelayError(e: unknown): string {
  const m = (e as Error)?.message ?? String(e);
  if (/RESERVATION_REFUSED|RESOURCE_LIMIT_EXCEEDED|PERMISSION_DENIED/.test(m))
    return `the relay refused a reservation (it is full, or only lets listed peers reserve): ${m}`;
  if (/abort|timeout|ECONNREFUSED|dial|unreachable/i.test(m)) return `the relay does not answer (${m}); retrying`;
  return m;
}
