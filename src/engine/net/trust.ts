/**
 * Trusted peers (WARP_HOME/peers.json): only these may connect to a listener or be dialled without an
 * expected id. Small, so it is read and written whole: each change is a read-modify-write under a lock file
 * (core/file-lock.ts), written atomically (temp + rename), so a daemon and a CLI command changing it at the same
 * time both keep their change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { peerIdFromString } from '@libp2p/peer-id';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { withFileLock } from '../core/file-lock.ts';
import { parsePeerAddress } from './address.ts';

export interface TrustedPeer {
  id: string;
  /** Its friendly name (the machine's own name, learned when pairing, unless renamed here). */
  name?: string;
  /** Where it listens, best first (multiaddrs or host:port), learned when pairing, on contact and from discovery. */
  addresses: string[];
  addedAt: string;
  via: 'pair' | 'manual';
  /** When `addresses` last changed, and how. */
  addressesAt?: string;
  addressesFrom?: AddressSource;
  /** The name was set on this machine: what the peer calls itself no longer replaces it. */
  renamed?: boolean;
}

export type AddressSource = 'pair' | 'manual' | 'contact' | 'discovery';

/** The most addresses kept per peer (a peer's own report is cut to this). */
export const MAX_PEER_ADDRESSES = 16;
const MAX_NAME = 64;

export function peersFile(home: string): string {
  return path.join(home, 'peers.json');
}

export function assertPeerId(id: string, what = 'peer id'): string {
  try {
    const p = peerIdFromString(id);
    if (p.type !== 'Ed25519') throw new Error('not an Ed25519 peer id');
    return p.toString();
  } catch (e) {
    throw new WarpError(
      ErrorCodes.USAGE,
      `invalid ${what} '${id}' (${(e as Error).message}); 'warp id' prints a valid one (12D3KooW…)`,
    );
  }
}

export class TrustStore {
  readonly file: string;

  constructor(home: string) {
    this.file = peersFile(home);
  }

  list(): TrustedPeer[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fromSystemError(e, this.file, 'read');
    }
    try {
      const o = JSON.parse(text) as { peers?: Array<TrustedPeer & { address?: string }> };
      return Array.isArray(o.peers) ? o.peers.filter((p) => typeof p?.id === 'string').map(upgrade) : [];
    } catch {
      throw new WarpError(
        ErrorCodes.CONFIG_INVALID,
        `${this.file} is not valid JSON; fix or remove it (paired peers must pair again)`,
      );
    }
  }

  has(id: string): boolean {
    return this.list().some((p) => p.id === id);
  }

  /** The paired peer with this id or name; undefined when none. Two peers with one name: a usage error. */
  find(idOrName: string): TrustedPeer | undefined {
    const all = this.list();
    const byId = all.find((p) => p.id === idOrName);
    if (byId) return byId;
    const named = all.filter((p) => p.name === idOrName);
    if (named.length > 1)
      throw new WarpError(
        ErrorCodes.USAGE,
        `${named.length} paired peers are named '${idOrName}'; use a peer id (${named.map((p) => p.id).join(', ')}) or rename one ('warp peers rename')`,
      );
    return named[0];
  }

  /** Like find(), but an unknown peer is an error (E_PEER_UNKNOWN). */
  get(idOrName: string): TrustedPeer {
    const p = this.find(idOrName);
    if (!p)
      throw new WarpError(ErrorCodes.PEER_UNKNOWN, `no paired peer '${idOrName}' ('warp peers' lists them)`, {
        details: { peer: idOrName },
      });
    return p;
  }

  /** Trusts a peer (again): a new pairing replaces what was known of it, keeping a local rename. */
  add(peer: Omit<TrustedPeer, 'addedAt' | 'addresses'> & { addresses?: string[] }): TrustedPeer {
    const addresses = cleanAddresses(peer.addresses ?? []);
    let rec!: TrustedPeer;
    this.mutate((all) => {
      const old = all.find((p) => p.id === peer.id);
      const now = new Date().toISOString();
      rec = {
        ...peer,
        name: peer.renamed ? cleanName(peer.name) : old?.renamed ? old.name : cleanName(peer.name),
        renamed: peer.renamed || old?.renamed || undefined,
        addresses: addresses.length > 0 ? addresses : (old?.addresses ?? []),
        addressesAt: now,
        addressesFrom: peer.via,
        addedAt: now,
      };
      return [...all.filter((p) => p.id !== peer.id), rec];
    });
    return rec;
  }

  /** Replaces a peer's addresses (the user's edit): checked, deduplicated, at most MAX_PEER_ADDRESSES. */
  setAddresses(idOrName: string, addresses: string[]): TrustedPeer {
    const p = this.get(idOrName);
    const clean = cleanAddresses(addresses, p.id, true);
    return this.update(p.id, { addresses: clean, addressesAt: new Date().toISOString(), addressesFrom: 'manual' });
  }

  /**
   * What a paired peer reported or discovery found: replaces its addresses when they differ. Unknown peers
   * and empty reports change nothing (a dial-only peer has nothing to report). Returns true when it changed.
   */
  learn(id: string, update: { addresses?: string[]; name?: string }, from: AddressSource): boolean {
    const addresses = cleanAddresses(update.addresses ?? [], id);
    const name = cleanName(update.name);
    let changed = false;
    // Decided under the lock: a rename or an edit by another process meanwhile is seen, not overwritten.
    this.mutate((all) => {
      const i = all.findIndex((x) => x.id === id);
      if (i < 0) return undefined;
      const p = all[i];
      const patch: Partial<TrustedPeer> = {};
      if (addresses.length > 0 && addresses.join('\n') !== p.addresses.join('\n'))
        Object.assign(patch, { addresses, addressesAt: new Date().toISOString(), addressesFrom: from });
      if (name && !p.renamed && name !== p.name) patch.name = name;
      if (Object.keys(patch).length === 0) return undefined;
      all[i] = { ...p, ...patch };
      changed = true;
      return all;
    });
    return changed;
  }

  /** Gives a peer a local name (it sticks: the peer's own name no longer replaces it). */
  rename(idOrName: string, name: string): TrustedPeer {
    const p = this.get(idOrName);
    const n = cleanName(name);
    if (!n || /[:/@]/.test(name))
      throw new WarpError(
        ErrorCodes.USAGE,
        `a peer name needs 1-${MAX_NAME} printable characters, without ':', '/' or '@' (those read as addresses)`,
      );
    const clash = this.list().find((x) => x.name === n && x.id !== p.id);
    if (clash) throw new WarpError(ErrorCodes.USAGE, `another paired peer is already named '${n}' (${clash.id})`);
    return this.update(p.id, { name: n, renamed: true });
  }

  private update(id: string, patch: Partial<TrustedPeer>): TrustedPeer {
    let rec!: TrustedPeer;
    this.mutate((all) => {
      const i = all.findIndex((p) => p.id === id);
      if (i < 0) throw new WarpError(ErrorCodes.PEER_UNKNOWN, `no paired peer '${id}'`, { details: { peer: id } });
      all[i] = rec = { ...all[i], ...patch };
      return all;
    });
    return rec;
  }

  remove(id: string): boolean {
    let removed = false;
    this.mutate((peers) => {
      const kept = peers.filter((p) => p.id !== id && p.name !== id);
      removed = kept.length !== peers.length;
      return removed ? kept : undefined;
    });
    return removed;
  }

  /** One read-modify-write under the lock: `change` gets the current list and returns the new one (undefined: none). */
  private mutate(change: (peers: TrustedPeer[]) => TrustedPeer[] | undefined): void {
    withFileLock(this.file, () => {
      const next = change(this.list());
      if (next) this.save(next);
    });
  }

  private save(peers: TrustedPeer[]): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, JSON.stringify({ peers }, null, 2) + '\n', { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch (e) {
      throw fromSystemError(e, this.file, 'write');
    }
  }
}

function upgrade(p: TrustedPeer & { address?: string }): TrustedPeer {
  const { address, ...rest } = p;
  const addresses = Array.isArray(p.addresses) ? p.addresses.filter((a) => typeof a === 'string') : [];
  if (address && addresses.length === 0) addresses.push(address);
  return { ...rest, addresses };
}

/** A friendly name as stored and shown: control characters out, trimmed, at most 64 characters. */
export function cleanName(name: string | undefined): string | undefined {
  if (typeof name !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const n = name.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  return n ? [...n].slice(0, MAX_NAME).join('').replace(/[:/@]/g, '-') : undefined;
}

/**
 * Addresses as stored: each must parse as a peer address; duplicates go; at most MAX_PEER_ADDRESSES. With `strict`
 * (the user typed them) a bad one is an error; otherwise (a peer's report) bad ones are dropped. An address that
 * names another peer id than `id` is refused or dropped.
 */
export function cleanAddresses(addresses: readonly string[], id?: string, strict = false): string[] {
  const out: string[] = [];
  for (const raw of addresses) {
    if (typeof raw !== 'string') continue;
    const a = raw.trim();
    const bad = addressProblem(a, id);
    if (bad) {
      if (strict) throw new WarpError(ErrorCodes.USAGE, bad);
      continue;
    }
    if (!out.includes(a)) out.push(a);
    if (out.length >= MAX_PEER_ADDRESSES) break;
  }
  if (strict && out.length === 0) throw new WarpError(ErrorCodes.USAGE, 'give at least one address');
  return out;
}

function addressProblem(a: string, id: string | undefined): string | undefined {
  if (a.length === 0 || a.length > 512) return `invalid peer address '${a.slice(0, 80)}': empty or too long`;
  try {
    const p = parsePeerAddress(a);
    if (!/^[A-Za-z0-9.:%-]+$/.test(p.host))
      return `invalid peer address '${a.slice(0, 80)}': '${p.host}' is not a host name or IP address`;
    if (id && p.peerId && p.peerId !== id) return `the address '${a}' names another peer (${p.peerId}), not ${id}`;
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
