/**
 * The service's side of LAN discovery (net/discovery.ts): announces this machine (its peer listener's addresses,
 * its name, the lookup id of a pairing code it shows), keeps the nearby list for the Peers page, finds an inviter
 * by a short code's lookup id, and picks up a paired peer's new addresses. A record is only a claim: new
 * addresses of a paired peer are stored after a dial to them, pinned to its id, succeeds.
 */
import { LanDiscovery, type NearbyDevice } from '../net/discovery.ts';
import { WarpNode } from '../net/node.ts';
import { dialAny, pinned, type DialTarget } from '../net/peer-book.ts';
import { parsePeerAddress } from '../net/address.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import type { NearbyDto } from '../../shared/bridge.ts';

/** A paired peer's record is checked at most this often (a flood of records cannot make this machine dial). */
const VERIFY_EVERY_MS = 15_000;

export interface DiscoveryHostOptions {
  env: TransferEnv;
  interfaceAddress?: string;
  /** This machine as announced. */
  self: () => { addrs: string[]; name: string; pairing?: string; requests?: boolean };
  /** A paired peer's addresses were verified at these (new) addresses. */
  onPeerMoved: (peer: string, addrs: string[]) => void;
  onNearby: (devices: NearbyDto[]) => void;
  onLog: (msg: string) => void;
  passive?: boolean;
}

export class DiscoveryHost {
  private readonly lan: LanDiscovery;
  private readonly o: DiscoveryHostOptions;
  private readonly verifying = new Map<string, number>();

  constructor(o: DiscoveryHostOptions) {
    this.o = o;
    this.lan = new LanDiscovery({
      self: () => ({ peerId: o.env.identity.peerId, ...o.self() }),
      interfaceAddress: o.interfaceAddress,
      onSeen: (d) => this.seen(d),
      onChange: () => o.onNearby(this.nearby()),
      onError: (e) => o.onLog(`discovery: ${e.message}`),
      passive: o.passive,
    });
  }

  nearby(): NearbyDto[] {
    return this.lan.list().map((d) => ({
      peerId: d.peerId,
      name: d.name,
      addresses: d.addrs,
      paired: this.o.env.trust.has(d.peerId),
      pairing: d.pairing,
      requests: d.requests,
      lastSeen: new Date(d.lastSeen).toISOString(),
    }));
  }

  /** Announces again now (the name, the addresses or the pairing code changed). */
  announce(): void {
    this.lan.announce();
  }

  /** Devices heard from recently, as discovery sees them (newest first). */
  nearbyDevices(): NearbyDevice[] {
    return this.lan.list();
  }

  /** A device seen recently (undefined: not heard from lately). */
  device(peerId: string): NearbyDevice | undefined {
    return this.lan.list().find((d) => d.peerId === peerId);
  }

  /** Waits up to `timeoutMs` for devices that `match` (asking the network meanwhile). */
  find(match: (d: NearbyDevice) => boolean, timeoutMs: number): Promise<NearbyDevice[]> {
    return this.lan.find(match, timeoutMs);
  }

  /** The machine on the LAN showing the code with this lookup id: its addresses, pinned to its id. */
  async findPairing(lookup: string, timeoutMs = 6000): Promise<DialTarget[]> {
    const found = await this.lan.findPairing(lookup, timeoutMs);
    return found.flatMap((d) => targetsOf(d));
  }

  async stop(): Promise<void> {
    await this.lan.stop();
  }

  private seen(d: NearbyDevice): void {
    const p = this.o.env.trust.list().find((x) => x.id === d.peerId);
    if (!p || d.addrs.length === 0) return;
    const known = new Set(p.addresses);
    if (d.addrs.every((a) => known.has(a))) return;
    const last = this.verifying.get(d.peerId) ?? 0;
    if (Date.now() - last < VERIFY_EVERY_MS) return;
    this.verifying.set(d.peerId, Date.now());
    void this.verify(d).catch((e: Error) =>
      this.o.onLog(`discovery: ${d.peerId} did not answer at its announced addresses (${e.message})`),
    );
  }

  private async verify(d: NearbyDevice): Promise<void> {
    const node = await WarpNode.create({ identity: this.o.env.identity, isTrusted: (id) => id === d.peerId });
    try {
      await dialAny(node, targetsOf(d), { transport: this.o.env.transport, timeoutMs: 4000 });
      this.o.onPeerMoved(d.peerId, d.addrs);
    } finally {
      await node.stop();
    }
  }
}

export function targetsOf(d: NearbyDevice): DialTarget[] {
  const out: DialTarget[] = [];
  for (const a of d.addrs) {
    try {
      const text = pinned(a, d.peerId);
      out.push({ text, address: parsePeerAddress(text) });
    } catch {
      /* cannot dial that kind */
    }
  }
  return out;
}
