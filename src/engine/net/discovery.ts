/**
 * LAN discovery (docs/PROTOCOL.md "Discovery"): Warp devices on the same network find each other with multicast
 * DNS, a Warp service record `<peer-id>._warp._udp.local` whose TXT strings carry the peer id, the friendly name,
 * the listen addresses, whether it takes pairing requests and, while the device shows a pairing code, the code's
 * public lookup id. Each device answers queries for `_warp._udp.local`, announces itself when it starts and when
 * what it says changes, and queries now and then.
 *
 * What arrives is unauthenticated: records are checked (peer id, name, addresses, sizes) and kept in a bounded
 * table that forgets devices not heard from; callers verify a record by dialling its addresses pinned to its peer
 * id (the TLS handshake proves the id) before they trust anything in it.
 */
import makeMdns from 'multicast-dns';
import type { Answer, StringAnswer, TxtAnswer } from 'dns-packet';
import { assertPeerId, cleanAddresses, cleanName } from './trust.ts';

const SERVICE = '_warp._udp.local';
const VERSION = 'v=1';
/** Devices remembered at most (a flood of fake records cannot grow the table). */
const MAX_DEVICES = 256;
/** A device not heard from for this long is gone. */
const FORGET_MS = 90_000;
const QUERY_EVERY_MS = 20_000;
const ANNOUNCE_EVERY_MS = 30_000;
const LOOKUP = /^[a-z2-9]{3}$/;

/** What a device says of itself. */
export interface DeviceRecord {
  peerId: string;
  name: string;
  addrs: string[];
  /** The lookup id of the pairing code it shows now. */
  pairing?: string;
  /** It takes pairing requests (net/pair-request.ts). */
  requests?: boolean;
}

export interface NearbyDevice extends DeviceRecord {
  lastSeen: number;
}

export interface DiscoveryOptions {
  /** What this device announces (read each time it announces). */
  self: () => DeviceRecord;
  /** Multicast on this interface address only (e.g. 127.0.0.1 for tests on one machine); all interfaces when absent. */
  interfaceAddress?: string;
  /** A device appeared, or what it says changed. */
  onSeen?: (d: NearbyDevice, changed: boolean) => void;
  /** The table changed (a device came, changed or went). */
  onChange?: (devices: NearbyDevice[]) => void;
  onError?: (e: Error) => void;
  /** Listen only: neither announce this device nor answer queries (a joiner looking for a code). */
  passive?: boolean;
}

export class LanDiscovery {
  private readonly mdns: ReturnType<typeof makeMdns>;
  private readonly devices = new Map<string, NearbyDevice>();
  private readonly o: DiscoveryOptions;
  private readonly timers: NodeJS.Timeout[] = [];
  private waiters = new Set<() => void>();
  private stopped = false;

  constructor(o: DiscoveryOptions) {
    this.o = o;
    this.mdns = makeMdns(
      o.interfaceAddress ? { interface: o.interfaceAddress, bind: '0.0.0.0', reuseAddr: true } : { reuseAddr: true },
    );
    this.mdns.on('query', (q) => {
      if (!o.passive && q.questions.some((x) => x.name === SERVICE)) this.announce();
    });
    this.mdns.on('response', (r) => this.heard([...(r.answers ?? []), ...(r.additionals ?? [])]));
    this.mdns.on('error', (e: Error) => o.onError?.(e));
    this.mdns.on('warning', () => {
      /* an undecodable packet: ignored */
    });
    this.timers.push(
      setInterval(() => this.query(), QUERY_EVERY_MS),
      setInterval(() => this.announce(), ANNOUNCE_EVERY_MS),
      setInterval(() => this.forget(), 5_000),
    );
    for (const t of this.timers) t.unref();
    this.announce();
    this.query();
  }

  /** Devices heard from recently, newest first (this one excluded). */
  list(): NearbyDevice[] {
    return [...this.devices.values()].sort((a, b) => b.lastSeen - a.lastSeen);
  }

  /** Says who this device is now (call when the name, addresses or pairing state change). */
  announce(): void {
    if (this.stopped || this.o.passive) return;
    const me = this.o.self();
    const host = `${me.peerId}.${SERVICE}`;
    const txt = [
      VERSION,
      `id=${me.peerId}`,
      `n=${me.name}`,
      ...me.addrs
        .filter((a) => a.length <= 240)
        .slice(0, 12)
        .map((a) => `a=${a}`),
    ];
    if (me.pairing) txt.push(`p=${me.pairing}`);
    if (me.requests) txt.push('r=1');
    this.mdns.respond(
      [
        { name: SERVICE, type: 'PTR', ttl: 120, data: host },
        { name: host, type: 'TXT', ttl: 120, data: txt },
      ],
      () => {},
    );
  }

  query(): void {
    if (!this.stopped) this.mdns.query([{ name: SERVICE, type: 'PTR' }], () => {});
  }

  /** Asks the network and waits up to `timeoutMs` for a device showing the pairing code with this lookup id. */
  async findPairing(lookup: string, timeoutMs: number): Promise<NearbyDevice[]> {
    return this.find((d) => d.pairing === lookup, timeoutMs);
  }

  /** Asks the network (again each second) and waits up to `timeoutMs` for devices that `match`; returns them. */
  async find(match: (d: NearbyDevice) => boolean, timeoutMs: number): Promise<NearbyDevice[]> {
    const found = (): NearbyDevice[] => this.list().filter(match);
    if (found().length > 0) return found();
    this.query();
    const again = setInterval(() => this.query(), 1000);
    let check: (() => void) | undefined;
    try {
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, timeoutMs);
        check = (): void => {
          if (found().length > 0) done();
        };
        function done(): void {
          clearTimeout(t);
          resolve();
        }
        this.waiters.add(check);
        void Promise.resolve().then(check);
        t.unref?.();
      });
    } finally {
      clearInterval(again);
      if (check) this.waiters.delete(check);
    }
    return found();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await new Promise<void>((resolve) => this.mdns.destroy(() => resolve()));
  }

  private heard(answers: Answer[]): void {
    const self = this.o.self().peerId;
    let changedAny = false;
    for (const a of answers) {
      if (a.type !== 'TXT' || !a.name.endsWith(`.${SERVICE}`)) continue;
      const rec = parseRecord(a as TxtAnswer);
      if (!rec || rec.peerId === self || `${rec.peerId}.${SERVICE}` !== a.name) continue;
      const old = this.devices.get(rec.peerId);
      if (!old && this.devices.size >= MAX_DEVICES) continue;
      const d: NearbyDevice = { ...rec, lastSeen: Date.now() };
      const changed = !old || JSON.stringify({ ...old, lastSeen: 0 }) !== JSON.stringify({ ...d, lastSeen: 0 });
      this.devices.set(rec.peerId, d);
      this.o.onSeen?.(d, changed);
      changedAny ||= changed;
    }
    if (changedAny) {
      this.o.onChange?.(this.list());
      for (const w of this.waiters) w();
    }
  }

  private forget(): void {
    const now = Date.now();
    let gone = false;
    for (const [id, d] of this.devices)
      if (now - d.lastSeen > FORGET_MS) {
        this.devices.delete(id);
        gone = true;
      }
    if (gone) this.o.onChange?.(this.list());
  }
}

/** A TXT record as a device record; anything malformed gives undefined. */
export function parseRecord(a: TxtAnswer | StringAnswer): DeviceRecord | undefined {
  const raw = Array.isArray(a.data) ? a.data : [a.data];
  if (raw.length > 40) return undefined;
  const strings = raw.map((x) => (typeof x === 'string' ? x : Buffer.from(x).toString('utf8')));
  if (!strings.includes(VERSION)) return undefined;
  const field = (k: string): string[] => strings.filter((s) => s.startsWith(`${k}=`)).map((s) => s.slice(k.length + 1));
  try {
    const peerId = assertPeerId(field('id')[0] ?? '');
    const pairing = field('p')[0];
    return {
      peerId,
      name: cleanName(field('n')[0]) ?? peerId.slice(-8),
      addrs: cleanAddresses(field('a'), peerId),
      pairing: pairing && LOOKUP.test(pairing) ? pairing : undefined,
      requests: field('r')[0] === '1' || undefined,
    };
  } catch {
    return undefined;
  }
}
