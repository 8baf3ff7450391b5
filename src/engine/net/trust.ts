/**
 * Trusted peers (WARP_HOME/peers.json): only these may connect to a listener or be dialled without an
 * expected id. Written atomically (temp + rename); small, so it is read and written whole.
 */
import fs from 'node:fs';
import path from 'node:path';
import { peerIdFromString } from '@libp2p/peer-id';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';

export interface TrustedPeer {
  id: string;
  name?: string;
  /** The address it was paired at (a hint for later dials). */
  address?: string;
  addedAt: string;
  via: 'pair' | 'manual';
}

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
      const o = JSON.parse(text) as { peers?: TrustedPeer[] };
      return Array.isArray(o.peers) ? o.peers.filter((p) => typeof p?.id === 'string') : [];
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

  add(peer: Omit<TrustedPeer, 'addedAt'>): void {
    const peers = this.list().filter((p) => p.id !== peer.id);
    peers.push({ ...peer, addedAt: new Date().toISOString() });
    this.save(peers);
  }

  remove(id: string): boolean {
    const peers = this.list();
    const kept = peers.filter((p) => p.id !== id && p.name !== id);
    if (kept.length === peers.length) return false;
    this.save(kept);
    return true;
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
