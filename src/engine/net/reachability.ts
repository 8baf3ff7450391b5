/**
 * What this node knows of its reachability from outside, read from libp2p's address book (the AutoNAT service
 * and UPnP write into it; node.ts configures them, this only reads):
 *
 *  - `public`: a peer dialled one of its public addresses back and succeeded (AutoNAT), or the router confirmed a
 *    port mapping (UPnP); `confirmed` lists those addresses;
 *  - `nat`: peers see it at a public address that is not its own (identify's observed address: a NAT rewrote
 *    it) and nothing confirmed that address, or AutoNAT's dial-backs to one of its public addresses failed;
 *    `observed` lists what peers see;
 *  - `unknown`: neither (only private addresses and no peer has said anything yet, or AutoNAT is off).
 *
 * libp2p 3 keeps address state in its address manager, which the Libp2p interface does not expose; it is read
 * through the node's components, and a libp2p without them reads as `unknown`.
 */
import type { Libp2p } from '@libp2p/interface';
import { isLocalHost } from './path.ts';

export type ReachStatus = 'public' | 'nat' | 'unknown';

export interface Reachability {
  status: ReachStatus;
  /** Public addresses confirmed dialable from outside (AutoNAT dial-back or a UPnP mapping). */
  confirmed: string[];
  /** Public addresses peers see this node at that nothing confirmed (what a NAT maps it to). */
  observed: string[];
  /** Whether this node runs AutoNAT (a listener bound beyond loopback with [net] autonat on). */
  autonat: boolean;
}

/** One entry of libp2p's address manager (`getAddressesWithMetadata()`), as far as the verdict needs it. */
export interface AddressState {
  multiaddr: { toString(): string };
  verified: boolean;
  /** 'transport' (bound here), 'observed' (what peers report), 'ip-mapping' (UPnP), 'dns-mapping', 'announce'. */
  type: string;
  /** 0 until AutoNAT judged the address; then when its verdict expires. */
  expires: number;
}

export const UNKNOWN: Reachability = { status: 'unknown', confirmed: [], observed: [], autonat: false };

const MAX_LISTED = 8;

function hostOf(addr: string): string | undefined {
  const p = addr.split('/');
  return p[1] === 'ip4' || p[1] === 'ip6' ? p[2] : undefined;
}

/** A public IP address of a direct path (not a relay circuit, not private, link-local or loopback). */
function isPublic(addr: string): boolean {
  const host = hostOf(addr);
  return host !== undefined && !addr.includes('/p2p-circuit') && !isLocalHost(host);
}

/** The verdict over the address book's entries (pure: the tests give it entries of their own). */
export function verdictOf(entries: readonly AddressState[], autonat: boolean): Reachability {
  const own = new Set(entries.filter((e) => e.type === 'transport').map((e) => hostOf(e.multiaddr.toString())));
  const confirmed = new Set<string>();
  const observed = new Set<string>();
  let refuted = false;
  for (const e of entries) {
    const a = e.multiaddr.toString();
    // Announced addresses are what the user said, not what anyone checked.
    if (!isPublic(a) || e.type === 'announce') continue;
    if (e.verified) confirmed.add(a);
    else if (e.type === 'transport') refuted ||= e.expires > 0;
    else if (!own.has(hostOf(a))) observed.add(a);
  }
  for (const c of confirmed) observed.delete(c);
  const status: ReachStatus = confirmed.size > 0 ? 'public' : refuted || observed.size > 0 ? 'nat' : 'unknown';
  return {
    status,
    confirmed: [...confirmed].slice(0, MAX_LISTED),
    observed: [...observed].slice(0, MAX_LISTED),
    autonat,
  };
}

interface AddressBookReader {
  getAddressesWithMetadata(): AddressState[];
}

/** This node's verdict now. */
export function readReachability(libp2p: Libp2p): Reachability {
  const autonat = 'autonat' in (libp2p.services as Record<string, unknown>);
  const book = (libp2p as unknown as { components?: { addressManager?: Partial<AddressBookReader> } }).components
    ?.addressManager;
  if (typeof book?.getAddressesWithMetadata !== 'function') return { ...UNKNOWN, autonat };
  try {
    return verdictOf(book.getAddressesWithMetadata(), autonat);
  } catch {
    return { ...UNKNOWN, autonat };
  }
}

/**
 * Calls `onChange` with the new verdict when it differs: on libp2p's address updates (a confirmation) and every
 * `everyMs` (an observed address arrives without an event).
 */
export function watchReachability(libp2p: Libp2p, onChange: (r: Reachability) => void, everyMs = 2_000): () => void {
  let last = JSON.stringify(readReachability(libp2p));
  const check = (): void => {
    const r = readReachability(libp2p);
    const key = JSON.stringify(r);
    if (key === last) return;
    last = key;
    onChange(r);
  };
  libp2p.addEventListener('self:peer:update', check);
  const timer = setInterval(check, everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    libp2p.removeEventListener('self:peer:update', check);
  };
}

/** A verdict another node sent (wire.ts `info`): a status this version does not know reads as 'unknown'. */
export function reachabilityOf(r: {
  status: string;
  confirmed: string[];
  observed: string[];
  autonat: boolean;
}): Reachability {
  const status: ReachStatus = r.status === 'public' || r.status === 'nat' ? r.status : 'unknown';
  return { status, confirmed: r.confirmed, observed: r.observed, autonat: r.autonat };
}

/** One line for people: "reachable publicly at …", "behind NAT (peers see …)", "unknown (…)". */
export function describeReachability(r: Reachability): string {
  if (r.status === 'public') return `reachable publicly at ${r.confirmed.join(', ')}`;
  if (r.status === 'nat')
    return `behind NAT${r.observed.length ? ` (peers see it at ${r.observed.join(', ')})` : ''}: peers reach it through a relay`;
  return r.autonat
    ? 'unknown (AutoNAT has not heard from a peer yet)'
    : 'unknown (AutoNAT is off: loopback listener, dial-only, or [net] autonat = false)';
}
