/**
 * The joining side of pairing, shared by `warp pair <code>` and the daemon's pairJoin: from the code (and an
 * address, when one is given) to a paired peer. Where to dial comes from, in this order: the address given, the
 * full code's card (pinned to the inviter's id), or the LAN (the inviter announces the code's lookup id).
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { Identity } from './identity.ts';
import { PROTOCOLS, WarpNode, type TransportChoice } from './node.ts';
import { requestPairing, type SelfInfo } from './pair.ts';
import { parsePairCode } from './pair-code.ts';
import { dialAny, type DialTarget } from './peer-book.ts';
import { parsePeerAddress } from './address.ts';

/** A card's expiry is the inviter's clock: allow this much difference between the two machines. */
const CLOCK_SLACK_MS = 120_000;

export interface JoinOptions {
  identity: Identity;
  transport: TransportChoice;
  /** The code as typed or scanned (short or full). */
  code: string;
  /** Where the inviter listens, when the user gave it. */
  address?: string;
  defaultPort: number;
  /** What this machine tells the inviter of itself. */
  me: SelfInfo;
  /** Finds the machine announcing this lookup id on the LAN; absent when discovery is off. */
  findOnLan?: (lookup: string) => Promise<DialTarget[]>;
}

export interface Joined {
  peer: string;
  /** What the inviter said of itself. */
  info: SelfInfo;
  /** The address that reached it. */
  address: string;
}

export async function joinPairing(o: JoinOptions): Promise<Joined> {
  const code = parsePairCode(o.code);
  const targets = await whereToDial(o, code);
  const node = await WarpNode.create({ identity: o.identity, isTrusted: () => false });
  try {
    // A code with a relayed address: a direct one that does not answer in 3 s (behind the inviter's NAT) is left.
    const directTimeoutMs = targets.some((t) => t.address.circuit) ? 3000 : undefined;
    const { conn, target } = await dialAny(node, targets, {
      transport: o.transport,
      allowUntrusted: true,
      directTimeoutMs,
    });
    const ch = await node.open(conn, PROTOCOLS.pair);
    const info = await requestPairing(ch, o.identity.peerId, code, o.me);
    return { peer: conn.remotePeer.toString(), info, address: target.text };
  } finally {
    await node.stop();
  }
}

async function whereToDial(o: JoinOptions, code: ReturnType<typeof parsePairCode>): Promise<DialTarget[]> {
  if (o.address) return [{ text: o.address, address: parsePeerAddress(o.address, o.defaultPort) }];
  if (code.card) {
    if (Date.now() > code.card.expiresAt + CLOCK_SLACK_MS)
      throw new WarpError(
        ErrorCodes.PAIR_CODE_EXPIRED,
        `that pairing code expired at ${new Date(code.card.expiresAt).toISOString()}; start pairing again for a new one`,
      );
    const targets: DialTarget[] = [];
    for (const text of code.card.addresses) {
      try {
        targets.push({ text, address: parsePeerAddress(text) });
      } catch {
        /* an address kind this version cannot dial */
      }
    }
    if (targets.length > 0) return targets;
  }
  if (!o.findOnLan)
    throw new WarpError(
      ErrorCodes.PEER_NO_ADDRESS,
      "this short code needs discovery on the local network (it is off here) or the other machine's address; or use the full code (with '.'), which carries its addresses",
    );
  const found = await o.findOnLan(code.lookup);
  if (found.length === 0)
    throw new WarpError(
      ErrorCodes.PEER_UNREACHABLE,
      'no machine on this network is pairing with that code (is it still showing it, on the same network, with discovery on?); use the full code or give its address',
    );
  return found;
}
