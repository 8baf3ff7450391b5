/**
 * What a share is on the wire and on disk, shared by the creator, the daemon that serves it, the CLI fetcher and
 * (mirrored in plain JavaScript) the browser page:
 *
 * - A fresh random 32-byte share key, carried only in the link's fragment (`…/s/<id>#<key>`, base64url),
 *   which browsers never send to a server. Everything the server stores or serves is sealed under it.
 * - The manifest: MessagePack of `ShareManifest`, sealed with ChaCha20-Poly1305 under nonce (MANIFEST, 0).
 * - Chunk i (the manifest's i-th unique chunk): its bytes, zstd-compressed when that pays, sealed under nonce
 *   (CHUNK, i). The key is used for one share only, so (domain, counter) nonces never repeat under it.
 * - Each chunk's id is the BLAKE3 of its plain bytes; `root` is the Merkle root of the ids (codec/merkle.ts),
 *   each file's `h` the BLAKE3 of the whole file. A reader checks all three.
 * - With a password: the sealing key is BLAKE3(link key ‖ Argon2id(password, salt, t, m)); salt and parameters
 *   are public (`GET /s/<id>/kdf`), so the link alone opens nothing and the password alone opens nothing.
 * - `check` (also public, in `/kdf`): 16 bytes of BLAKE3(sealing key ‖ KEY_CHECK_LABEL). A reader whose key
 *   matches it but cannot open the manifest knows the host changed the manifest, not that the link is wrong. It
 *   tells a guesser no more than the sealed manifest already does (either confirms a guessed key or password).
 * Names, sizes per file and chunk ids exist only inside the sealed manifest. The server knows the share id,
 * the number and sizes of sealed blobs, and its own lifecycle settings (meta.json), nothing else.
 */
import os from 'node:os';
import { pack, unpack } from 'msgpackr';
import { ErrorCodes, WarpError } from '../core/errors.ts';

export const SHARE_FORMAT = 1;
export const SHARE_KEY_BYTES = 32;
/** base64url of 16 random bytes. */
export const SHARE_ID = /^[A-Za-z0-9_-]{22}$/;

export interface ShareEntry {
  /** Relative '/'-separated path. */
  p: string;
  /** 0 file, 1 dir, 2 symlink (model/manifest.ts EntryType). */
  t: number;
  m: number;
  mt: number;
  s: number;
  /** Whole-file BLAKE3 (files). */
  h?: Uint8Array;
  /** Symlink target. */
  l?: string;
  /** The file's chunks, as indices into `chunks`, in order. */
  r?: number[];
}

export interface ShareChunk {
  /** BLAKE3 of the plain bytes. */
  id: Uint8Array;
  /** Plain size. */
  n: number;
  /** Codec of the sealed payload (codec/compress.ts: 0 raw, 1 zstd). */
  c: number;
}

export interface ShareManifest {
  v: number;
  createdAt: number;
  entries: ShareEntry[];
  chunks: ShareChunk[];
  root: Uint8Array;
  totalBytes: number;
}

export function encodeShareManifest(m: ShareManifest): Buffer {
  return pack(m);
}

export function decodeShareManifest(bytes: Uint8Array): ShareManifest {
  let m: ShareManifest;
  try {
    m = unpack(bytes) as ShareManifest;
  } catch (e) {
    throw new WarpError(ErrorCodes.MANIFEST_CORRUPT, `the share's manifest does not decode: ${(e as Error).message}`);
  }
  if (!m || typeof m !== 'object' || m.v !== SHARE_FORMAT || !Array.isArray(m.entries) || !Array.isArray(m.chunks)) {
    throw new WarpError(ErrorCodes.MANIFEST_CORRUPT, `the share's manifest is not format ${SHARE_FORMAT}`);
  }
  return m;
}

export interface ShareLink {
  /** http(s)://host:port, no trailing slash. */
  origin: string;
  id: string;
  key: Buffer;
}

export function formatShareLink(base: string, id: string, key: Uint8Array): string {
  return `${base.replace(/\/+$/, '')}/s/${id}#${Buffer.from(key).toString('base64url')}`;
}

/** Where the daemon serving WARP_HOME can be reached: its configured address, a LAN address when it binds all. */
export function shareLinkBase(host: string, port: number): string {
  let h = host;
  if (h === '0.0.0.0' || h === '::') {
    h =
      Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1';
  }
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

/** True for something shaped like a share link (the key may still be wrong). */
export function looksLikeShareLink(s: string): boolean {
  return /^https?:\/\/[^/]+\/s\/[A-Za-z0-9_-]+/.test(s);
}

export function parseShareLink(s: string): ShareLink {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new WarpError(ErrorCodes.USAGE, `'${s}' is not a share link (http://host:port/s/<id>#<key>)`);
  }
  const m = /^\/s\/([A-Za-z0-9_-]+)\/?$/.exec(u.pathname);
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !m || !SHARE_ID.test(m[1]))
    throw new WarpError(ErrorCodes.USAGE, `'${s}' is not a share link (http://host:port/s/<id>#<key>)`);
  const key = Buffer.from(u.hash.replace(/^#/, ''), 'base64url');
  if (key.length !== SHARE_KEY_BYTES || key.toString('base64url') !== u.hash.slice(1)) {
    throw new WarpError(
      ErrorCodes.WRONG_KEY,
      'this link is incomplete or wrong: the part after # must be the whole share key (copy the entire link)',
    );
  }
  return { origin: u.origin, id: m[1], key };
}

/** `24h`, `90m`, `7d`, `30s`, or a number of seconds. */
export function parseDurationSeconds(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?$/i.exec(text.trim());
  const mult: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  const n = m ? Number(m[1]) * mult[(m[2] ?? 's').toLowerCase()] : NaN;
  if (!Number.isFinite(n) || n <= 0)
    throw new WarpError(ErrorCodes.USAGE, `${what} must be a duration such as 30m, 24h or 7d (got '${text}')`);
  return Math.round(n);
}

/** Argon2id for share passwords: OWASP's minimum for Argon2id (19 MiB, 2 passes); a browser computes it in JS. */
export const SHARE_ARGON2 = { opsLimit: 2, memKiB: 19 * 1024 } as const;

/** What `GET /s/<id>/kdf` answers: whether a password is needed, how to stretch it, and the key check. */
export type ShareKdf = ({ password: false } | { password: true; salt: string; opsLimit: number; memKiB: number }) & {
  check?: string;
};

const KEY_CHECK_LABEL = new TextEncoder().encode('warp share key check v1');

/** The public check value of a sealing key (base64url of 16 bytes); the page computes the same. */
export function shareKeyCheck(key: Uint8Array, hash: (b: Uint8Array) => Uint8Array): string {
  const b = new Uint8Array(key.length + KEY_CHECK_LABEL.length);
  b.set(key, 0);
  b.set(KEY_CHECK_LABEL, key.length);
  return Buffer.from(hash(b).subarray(0, 16)).toString('base64url');
}

/** The key that seals the share: the link key itself, or BLAKE3(link key ‖ stretched password). */
export function sealingKey(
  linkKey: Uint8Array,
  stretched: Uint8Array | undefined,
  hash: (b: Uint8Array) => Uint8Array,
): Uint8Array {
  if (!stretched) return linkKey;
  const b = new Uint8Array(linkKey.length + stretched.length);
  b.set(linkKey, 0);
  b.set(stretched, linkKey.length);
  return hash(b);
}
