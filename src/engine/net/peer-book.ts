/**
 * From "a peer" as users name it (a paired peer's id or name, or an address) to what is dialled: every address
 * known for it, best first, each pinned to its peer id; and the dial that tries them in turn. Addresses of any
 * kind pass through as they are (direct, DNS, relayed), so what the dial layer learns to reach, this reaches.
 */
import os from 'node:os';
import { ErrorCodes, WarpError, isWarpError } from '../core/errors.ts';
import { parsePeerAddress, type PeerAddress } from './address.ts';
import type { DialResult, TransportChoice, WarpNode } from './node.ts';
import type { TrustStore, TrustedPeer } from './trust.ts';

export interface DialTarget {
  text: string;
  address: PeerAddress;
}

/** The address with the peer's id in it (`<id>@host:port`, or the multiaddr with /p2p/<id>). */
export function pinned(text: string, id: string): string {
  const a = parsePeerAddress(text);
  if (a.peerId) return text;
  return text.startsWith('/') ? `${text}/p2p/${id}` : `${id}@${text}`;
}

/**
 * What to dial for `text`: a paired peer's id or name gives its known addresses (none: E_PEER_NO_ADDRESS); an
 * address that names a paired peer's id gives that address first, then the peer's other known ones; any other
 * address is dialled as it is.
 */
export function dialTargets(trust: TrustStore, text: string): DialTarget[] {
  const p = trust.find(text);
  if (p) return knownTargets(p, text);
  const first: DialTarget = { text, address: parsePeerAddress(text) };
  const owner = first.address.peerId ? trust.find(first.address.peerId) : undefined;
  if (!owner) return [first];
  return [first, ...knownTargets(owner).filter((t) => t.text !== text)];
}

function knownTargets(p: TrustedPeer, asked?: string): DialTarget[] {
  const out: DialTarget[] = [];
  for (const a of rankAddresses(p.addresses)) {
    try {
      const text = pinned(a, p.id);
      out.push({ text, address: parsePeerAddress(text) });
    } catch {
      /* a stored address this version cannot read: the others may do */
    }
  }
  if (asked !== undefined && out.length === 0)
    throw new WarpError(
      ErrorCodes.PEER_NO_ADDRESS,
      `no address is known for the paired peer '${asked}' (${p.id}); set one with 'warp peers set-address ${p.name ?? p.id} <host:port>', or turn discovery on when it is on this network`,
      { details: { peer: p.id } },
    );
  return out;
}

const isLoopback = (host: string): boolean => host === '::1' || host.startsWith('127.') || host === 'localhost';
const isLinkLocal = (host: string): boolean => /^(169\.254\.|fe80:)/i.test(host);

/**
 * Best first: routable and LAN addresses, then link-local, then loopback (only right on the same machine), then
 * relayed ones (every byte through a third machine: the fallback).
 */
export function rankAddresses(addrs: readonly string[]): string[] {
  const rank = (a: string): number => {
    try {
      const p = parsePeerAddress(a);
      if (p.circuit) return 3;
      return isLoopback(p.host) ? 2 : isLinkLocal(p.host) ? 1 : 0;
    } catch {
      return 4;
    }
  };
  return [...addrs].sort((x, y) => rank(x) - rank(y));
}

/**
 * Dials the targets in order and returns the first connection to the right peer. A target that cannot be
 * reached, or where another peer answers (an old address now used by someone else), moves on to the next;
 * other refusals end the dial. All failing: the first target's error, with the others' reasons.
 */
export async function dialAny(
  node: WarpNode,
  targets: DialTarget[],
  opts: { transport?: TransportChoice; allowUntrusted?: boolean; timeoutMs?: number; directTimeoutMs?: number } = {},
): Promise<DialResult & { target: DialTarget }> {
  const failures: WarpError[] = [];
  for (const target of targets) {
    try {
      const r = await node.dial(target.address, opts);
      return { ...r, target };
    } catch (e) {
      const next =
        isWarpError(e, ErrorCodes.PEER_UNREACHABLE) ||
        // One relay refusing (full, or not told of the pairing yet) leaves the next relay or address to try.
        isWarpError(e, ErrorCodes.RELAY_REFUSED) ||
        (isWarpError(e, ErrorCodes.PEER_ID_MISMATCH) && targets.length > 1);
      if (!next) throw e;
      failures.push(e as WarpError);
    }
  }
  if (failures.length <= 1) throw failures[0];
  throw new WarpError(
    failures[0].code,
    `could not reach the peer at any of its ${failures.length} addresses: ${failures.map((f) => f.message).join(' | ')}`,
    { details: { ...failures[0].details, addresses: targets.map((t) => t.text) } },
  );
}

/** This machine's default friendly name: its host name, without the domain. */
export function defaultDeviceName(): string {
  return (os.hostname().split('.')[0] || 'warp').slice(0, 64);
}
