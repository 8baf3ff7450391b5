/**
 * The server side of shares, transport-free: answers "give me the manifest" and "give me chunk i" for ciphertext
 * only, enforcing the owner's settings on every request (paused, revoked, expired, download limit) and counting
 * downloads, bytes served and last access.
 *
 * A download starts with the manifest: that counts one download against the limit and hands out a download
 * token; chunks are served only with a token, so a limit of N means N downloads, not N manifest reads plus any
 * number of chunk reads. A started download may finish after the limit is reached; pausing, revoking or
 * expiry stop it at once. Tokens live in memory (a daemon restart means fetching the manifest again).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { ShareKdf } from './format.ts';
import { ShareStore, shareStatus, type ShareStats } from './store.ts';

const TOKEN_TTL_MS = 24 * 3600_000;
const STATS_FLUSH_MS = 1000;

export interface SealedRange {
  file: string;
  offset: number;
  length: number;
}

function unavailable(id: string, status: string): WarpError {
  const why: Record<string, string> = {
    paused: 'is paused by its owner; try again later',
    revoked: 'was revoked by its owner',
    expired: 'has expired',
    exhausted: 'has reached its download limit',
  };
  return new WarpError(ErrorCodes.SHARE_UNAVAILABLE, `this share ${why[status] ?? 'is not available'}`, {
    details: {
      id,
      state: status,
      code: `SHARE_${status.toUpperCase()}`,
      ...(status === 'paused' ? { status: 503 } : {}),
    },
  });
}

export class ShareHost {
  readonly store: ShareStore;
  private readonly tokens = new Map<string, { id: string; until: number }>();
  private readonly pending = new Map<string, ShareStats>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(home: string) {
    this.store = new ShareStore(home);
  }

  private known(id: string): void {
    if (!this.store.meta(id))
      throw new WarpError(ErrorCodes.SESSION_NOT_FOUND, 'no such share (the link may be mistyped)', {
        details: { status: 404, code: 'SHARE_NOT_FOUND' },
      });
  }

  private statsOf(id: string): ShareStats {
    return this.pending.get(id) ?? this.store.stats(id);
  }

  private status(id: string): string {
    const meta = this.store.meta(id)!;
    return shareStatus(meta, this.statsOf(id));
  }

  /** Whether the share needs a password, and the public Argon2id salt and parameters when it does. */
  kdf(id: string): ShareKdf {
    this.known(id);
    const { kdf: k, check } = this.store.meta(id)!;
    return { ...(k ? { password: true, ...k } : { password: false }), ...(check ? { check } : {}) };
  }

  /** The sealed manifest; counts a download and returns its token. */
  manifest(id: string): { bytes: Buffer; download: string } {
    this.known(id);
    const status = this.status(id);
    if (status !== 'active') throw unavailable(id, status);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(this.store.dir(id), 'manifest.bin'));
    } catch {
      throw unavailable(id, 'revoked');
    }
    const stats = this.statsOf(id);
    this.pending.set(id, {
      downloads: stats.downloads + 1,
      bytesServed: stats.bytesServed + bytes.length,
      lastAccess: Date.now(),
    });
    this.flush();
    const download = crypto.randomBytes(18).toString('base64url');
    const now = Date.now();
    for (const [t, v] of this.tokens) if (v.until < now) this.tokens.delete(t);
    this.tokens.set(download, { id, until: now + TOKEN_TTL_MS });
    return { bytes, download };
  }

  /** Where sealed chunk `i` lies, for a download started with `manifest`. */
  chunk(id: string, i: number, download: string | undefined): SealedRange {
    this.known(id);
    const t = download === undefined ? undefined : this.tokens.get(download);
    if (!t || t.id !== id || t.until < Date.now()) {
      throw new WarpError(
        ErrorCodes.USAGE,
        'chunks are served to a download started by fetching the manifest (its X-Warp-Download token)',
        { details: { status: 403, code: 'SHARE_NO_DOWNLOAD' } },
      );
    }
    const status = this.status(id);
    if (status !== 'active' && status !== 'exhausted') throw unavailable(id, status);
    const dir = this.store.dir(id);
    const span = readIndexSpan(path.join(dir, 'index.bin'), i);
    if (span === 'gone') throw unavailable(id, 'revoked');
    if (span === 'out-of-range')
      throw new WarpError(ErrorCodes.USAGE, `no chunk ${i} in this share`, {
        details: { status: 404, code: 'SHARE_NO_CHUNK' },
      });
    const { offset, length } = span;
    return { file: path.join(dir, 'data.bin'), offset, length };
  }

  served(id: string, bytes: number): void {
    const s = this.statsOf(id);
    this.pending.set(id, { downloads: s.downloads, bytesServed: s.bytesServed + bytes, lastAccess: Date.now() });
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.flush();
      }, STATS_FLUSH_MS);
      this.flushTimer.unref();
    }
  }

  /** Writes the counted stats (on each manifest at once, chunk bytes at most once a second, and at close). */
  flush(): void {
    for (const [id, s] of this.pending) {
      try {
        this.store.writeStats(id, s);
      } catch {
        /* revoked meanwhile or a full disk: counting is best effort */
      }
    }
    this.pending.clear();
  }

  close(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flush();
  }
}

/**
 * Chunk i's place in data.bin from index.bin (count + 1 little-endian u64 offsets): 16 bytes read at i's offset,
 * not the whole index, since every chunk request of every download asks (a 5 GB share's index is ~40 KB).
 */
function readIndexSpan(file: string, i: number): { offset: number; length: number } | 'gone' | 'out-of-range' {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return 'gone';
  }
  try {
    const count = fs.fstatSync(fd).size / 8 - 1;
    if (!Number.isInteger(i) || i < 0 || i >= count) return 'out-of-range';
    const b = Buffer.alloc(16);
    if (fs.readSync(fd, b, 0, 16, i * 8) !== 16) return 'gone';
    const offset = Number(b.readBigUInt64LE(0));
    return { offset, length: Number(b.readBigUInt64LE(8)) - offset };
  } finally {
    fs.closeSync(fd);
  }
}
