/**
 * The contract's peer shapes (operations `peers.*`): this machine as peers see it, trusted peers and their
 * addresses, devices seen on the LAN, and pairing by code and by request. Plain JSON types only (see bridge.ts).
 */
import type { PathSeen } from '../../engine/net/path.ts';
// ---- peers ----

export interface SelfDto {
  peerId: string;
  /** Addresses peers can dial (multiaddrs with /p2p/id), best first, when the listener runs. */
  addresses: string[];
  /** This machine's friendly name (config transfer.name, else its host name). */
  name: string;
  /** Whether peers can reach it directly (AutoNAT's verdict), while the listener runs. */
  reachability?: ReachabilityDto;
}

/**
 * AutoNAT's verdict on this machine: `public` (a peer dialled a public address back, or the router mapped the
 * port), `nat` (peers see it at a public address that is not its own, or dial-backs failed), `unknown`.
 */
export interface ReachabilityDto {
  status: 'public' | 'nat' | 'unknown';
  /** Public addresses confirmed dialable from outside. */
  confirmed: string[];
  /** Public addresses peers see it at, not confirmed (the NAT's side). */
  observed: string[];
  /** Whether it runs AutoNAT (a listener bound beyond loopback with [net] autonat on). */
  autonat: boolean;
}

export interface PeerDto {
  id: string;
  /** Its friendly name (its own, learned when pairing, unless renamed here). */
  name?: string;
  /** The best known address (the first of `addresses`). */
  address?: string;
  /** Every known address, best first. */
  addresses: string[];
  /** When and how the addresses last changed. */
  addressesAt?: string;
  addressesFrom?: 'pair' | 'manual' | 'contact' | 'discovery';
  addedAt: string;
  via: 'pair' | 'manual';
  /** How this machine's newest connection to it went (direct, LAN or relayed through `relay`), with its RTT. */
  path?: PathSeen;
}

export interface PeerAddressesRequest {
  /** A paired peer's id or name. */
  peer: string;
  /** host:port, <peer-id>@host:port or multiaddrs (relayed ones too), best first. */
  addresses: string[];
}

export interface PeerRenameRequest {
  peer: string;
  name: string;
}

/** A Warp device seen on the local network (discovery). */
export interface NearbyDto {
  peerId: string;
  name: string;
  addresses: string[];
  /** Already paired with this machine. */
  paired: boolean;
  /** It shows a pairing code right now: its lookup id (the first part of the code). */
  pairing?: string;
  /** It takes pairing requests (one click here, a confirmation code on both screens, a yes there). */
  requests?: boolean;
  lastSeen: string;
}

export interface PairAskRequest {
  /** The nearby device's peer id (from `peers.nearby`). */
  peer: string;
  /** Remember it under this name instead of its own. */
  name?: string;
}

/**
 * A pairing request, asked by this machine (`out`) or of it (`in`). Both sides show `code`; nothing is trusted
 * until the asked side accepts.
 */
export interface PairRequestDto {
  /** `in`: the id to answer with `peers.pairAnswer`; `out`: the job that ends when the other side decides. */
  id: string;
  direction: 'in' | 'out';
  /** The other machine's peer id (proved by the connection) and the name it gives. */
  peer: string;
  name?: string;
  addresses: string[];
  /** The confirmation code both screens show (`123 456`). */
  code: string;
  expiresAt: string;
  state: 'pending' | 'accepted' | 'rejected' | 'expired' | 'withdrawn' | 'failed';
}

export interface PairAnswerRequest {
  id: string;
  accept: boolean;
}

export interface PairStartRequest {
  /** How long the code stays valid (default 300 s). */
  timeoutSeconds?: number;
  /** Remember the peer under this name. */
  name?: string;
}

export interface PairStartResult {
  /** The short code (`abc-defgh-jkmnp`): enough on the same network with discovery on. */
  code: string;
  /** The code with this machine's addresses (`<code>.<card>`): enough from anywhere that can reach one of them. */
  fullCode: string;
  /** This machine's friendly name (what the joiner will see). */
  name: string;
  peerId: string;
  /** Where the other side must dial: `warp pair <code> <address>`. */
  addresses: string[];
  expiresAt: string;
  /** The job that completes when someone pairs (a `peer.paired` event follows). */
  job: string;
}

export interface PairJoinRequest {
  /** The short or the full code. */
  code: string;
  /** host:port of the machine showing the code (not needed with the full code, or on the LAN with discovery). */
  address?: string;
  /** Remember the peer under this name instead of its own. */
  name?: string;
}
