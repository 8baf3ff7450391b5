/**
 * Shares on disk, under WARP_HOME/shares/<id>/: what the server may know and nothing more.
 *   manifest.bin  the sealed manifest
 *   data.bin      the sealed chunks, back to back
 *   index.bin     u64 LE offsets of each sealed chunk in data.bin (count + 1 of them)
 *   meta.json     the owner's settings: state (active|paused|revoked), expiry, download limit, sizes
 *   stats.json    what the server counted: downloads, bytes served, last access (written by the server only,
 *                 so the CLI changing meta.json and a running daemon never write the same file)
 * Revoking removes the ciphertext (nothing is served again, the space comes back) and keeps meta.json.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { SHARE_ID } from './format.ts';

export type ShareState = 'active' | 'paused' | 'revoked';
/** What a reader sees: the owner's state, or expired / exhausted when a limit ran out. */
export type ShareStatus = ShareState | 'expired' | 'exhausted';

export interface ShareMeta {
  id: string;
  createdAt: number;
  state: ShareState;
  /** ms since the epoch, or null for never. */
  expiresAt: number | null;
  maxDownloads: number | null;
  files: number;
  totalBytes: number;
  storedBytes: number;
  chunks: number;
  /** Present for password shares: public Argon2id salt (base64url) and parameters. */
  kdf?: { salt: string; opsLimit: number; memKiB: number };
  /** format.ts shareKeyCheck of the sealing key (shares created before it have none). */
  check?: string;
  /**
   * The owner's token for hubs (owner.ts: derived one way from the link key, so it opens nothing); kept by the
   * owner only, to publish and manage the share on a hub later. A hub keeps its SHA-256.
   */
  owner?: string;
  /** Hubs the share was published to (base URLs); pause, resume, extend and revoke are passed on to them. */
  hubs?: string[];
}

export interface ShareStats {
  downloads: number;
  bytesServed: number;
  lastAccess: number | null;
}

export interface ShareExtension {
  expiresInSeconds?: number;
  never?: boolean;
  maxDownloads?: number;
}

export interface ShareInfo extends ShareMeta, ShareStats {
  status: ShareStatus;
}

export function shareStatus(meta: ShareMeta, stats: ShareStats, now = Date.now()): ShareStatus {
  if (meta.state !== 'active') return meta.state;
  if (meta.expiresAt !== null && now >= meta.expiresAt) return 'expired';
  if (meta.maxDownloads !== null && stats.downloads >= meta.maxDownloads) return 'exhausted';
  return 'active';
}

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(value, null, 1) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      /* nothing to remove */
    }
    throw fromSystemError(e, file, 'write');
  }
}

export class ShareStore {
  readonly root: string;

  constructor(home: string) {
    this.root = path.join(home, 'shares');
  }

  dir(id: string): string {
    if (!SHARE_ID.test(id))
      throw new WarpError(ErrorCodes.USAGE, `'${id}' is not a share id ('warp share list' shows them)`);
    return path.join(this.root, id);
  }

  /**
   * A fresh id: 128 random bits in base64url, never starting with '-', since the CLI takes ids as arguments and
   * `warp share extend -Xy… --expires 1h` reads as an unknown option (exit 2; 1 id in 64 did that).
   */
  newId(): string {
    for (;;) {
      const id = crypto.randomBytes(16).toString('base64url');
      if (id[0] !== '-') return id;
    }
  }

  /** The folder a new share is written into (moved into place by `publish`). */
  staging(id: string): string {
    const d = path.join(this.root, `.staging-${id}`);
    try {
      fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw fromSystemError(e, d, 'write');
    }
    return d;
  }

  publish(id: string, staging: string, meta: ShareMeta): void {
    writeJsonAtomic(path.join(staging, 'meta.json'), meta);
    writeJsonAtomic(path.join(staging, 'stats.json'), {
      downloads: 0,
      bytesServed: 0,
      lastAccess: null,
    } satisfies ShareStats);
    try {
      fs.renameSync(staging, this.dir(id));
    } catch (e) {
      throw fromSystemError(e, this.dir(id), 'write');
    }
  }

  meta(id: string): ShareMeta | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir(id), 'meta.json'), 'utf8')) as ShareMeta;
    } catch (e) {
      if (e instanceof WarpError) throw e;
      return undefined;
    }
  }

  stats(id: string): ShareStats {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir(id), 'stats.json'), 'utf8')) as ShareStats;
    } catch {
      return { downloads: 0, bytesServed: 0, lastAccess: null };
    }
  }

  writeStats(id: string, stats: ShareStats): void {
    writeJsonAtomic(path.join(this.dir(id), 'stats.json'), stats);
  }

  info(id: string, now = Date.now()): ShareInfo | undefined {
    const meta = this.meta(id);
    if (!meta) return undefined;
    const stats = this.stats(id);
    return { ...meta, ...stats, status: shareStatus(meta, stats, now) };
  }

  list(): ShareInfo[] {
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.root);
    } catch {
      return [];
    }
    return names
      .filter((n) => SHARE_ID.test(n))
      .map((n) => this.info(n))
      .filter((x): x is ShareInfo => x !== undefined)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Changes the owner's settings; throws for an unknown id and for reviving a revoked share. */
  update(id: string, change: (m: ShareMeta) => void): ShareInfo {
    const meta = this.meta(id);
    if (!meta) throw new WarpError(ErrorCodes.SESSION_NOT_FOUND, `no share '${id}' ('warp share list' shows them)`);
    if (meta.state === 'revoked')
      throw new WarpError(ErrorCodes.USAGE, `share '${id}' was revoked; its data is gone (create a new share)`);
    change(meta);
    writeJsonAtomic(path.join(this.dir(id), 'meta.json'), meta);
    return this.info(id)!;
  }

  /** Paused (served to nobody until resumed) or active again. */
  setState(id: string, state: 'active' | 'paused'): ShareInfo {
    return this.update(id, (m) => {
      m.state = state;
    });
  }

  /** Moves the expiry (counted from `now`, or never) and/or sets a new download limit. */
  extend(id: string, change: ShareExtension, now = Date.now()): ShareInfo {
    if (!change.never && change.expiresInSeconds === undefined && change.maxDownloads === undefined)
      throw new WarpError(ErrorCodes.USAGE, 'say how: a new expiry, never, or a new download limit');
    return this.update(id, (m) => {
      if (change.never) m.expiresAt = null;
      else if (change.expiresInSeconds !== undefined) m.expiresAt = now + change.expiresInSeconds * 1000;
      if (change.maxDownloads !== undefined) m.maxDownloads = change.maxDownloads;
    });
  }

  /** Revoked: the ciphertext is deleted at once, the record stays for `share list`. */
  revoke(id: string): ShareInfo {
    const info = this.update(id, (m) => {
      m.state = 'revoked';
    });
    for (const f of ['manifest.bin', 'data.bin', 'index.bin']) fs.rmSync(path.join(this.dir(id), f), { force: true });
    return info;
  }
}
