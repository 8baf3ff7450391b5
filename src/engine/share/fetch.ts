/**
 * `warp fetch <share-link> <dir>`: downloads a share over HTTP and checks everything the link's key and the
 * manifest promise: the sealed manifest and every sealed chunk open under the key (ChaCha20-Poly1305), every
 * chunk's BLAKE3 is its id, the ids give the manifest's Merkle root, every file's BLAKE3 is its `h`. A file is
 * written under a temporary name and renamed only once whole and verified, so nothing damaged ever lies under
 * a final name. Files already there with the right size and hash are kept (a rerun resumes), and a chunk
 * needed by several files is fetched once. Symlinks are made last, so no write goes through one.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EntryType } from '../model/manifest.ts';
import { assertSafePath } from '../model/paths.ts';
import { aead, makeNonce, NonceDomain } from '../codec/aead.ts';
import { blake3, Blake3Stream } from '../codec/blake3.ts';
import { decompressChunk } from '../codec/compress.ts';
import { DEFAULT_KDF_LIMITS, deriveFromPassword } from '../codec/kdf.ts';
import { merkleRoot } from '../codec/merkle.ts';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import {
  decodeShareManifest,
  parseShareLink,
  sealingKey,
  type ShareEntry,
  type ShareKdf,
  type ShareManifest,
} from './format.ts';

export interface FetchShareOptions {
  link: string;
  dir: string;
  /** Chunks in flight. */
  parallel?: number;
  /** For a password share. */
  password?: Uint8Array;
  onProgress?: (p: { bytes: number; totalBytes: number; files: number; totalFiles: number }) => void;
}

export interface FetchShareResult {
  files: number;
  bytes: number;
  keptFiles: number;
  fetchedChunks: number;
  wireBytes: number;
}

async function get(url: string, what: string): Promise<Response> {
  let r: Response;
  try {
    r = await fetch(url);
  } catch (e) {
    throw new WarpError(
      ErrorCodes.PEER_UNREACHABLE,
      `could not reach ${new URL(url).origin} for the ${what} (${(e as Error).message}); is the sharing daemon running?`,
      { cause: e },
    );
  }
  if (r.ok) return r;
  let message = `HTTP ${r.status}`;
  let code = '';
  try {
    const b = (await r.json()) as { error?: { code?: string; message?: string } };
    message = b.error?.message ?? message;
    code = b.error?.code ?? '';
  } catch {
    /* not JSON */
  }
  if (r.status === 410 || r.status === 503 || /^SHARE_/.test(code))
    throw new WarpError(ErrorCodes.SHARE_UNAVAILABLE, message, { details: { status: r.status, code } });
  if (r.status === 404)
    throw new WarpError(ErrorCodes.REMOTE, `${message} (${what})`, { details: { status: r.status, code } });
  throw new WarpError(ErrorCodes.REMOTE, `the share host answered ${message} for the ${what}`, {
    details: { status: r.status, code },
  });
}

function openManifest(sealed: Uint8Array, key: Buffer, withPassword: boolean): ShareManifest {
  const plain = aead.open(key, makeNonce(NonceDomain.MANIFEST, 0), sealed);
  if (!plain) {
    throw new WarpError(
      ErrorCodes.WRONG_KEY,
      withPassword
        ? 'the password is wrong, or this link is incomplete or wrong (or the host changed the manifest)'
        : 'this link is incomplete or wrong: its key does not open the share (or the host changed the manifest)',
    );
  }
  const m = decodeShareManifest(plain);
  const root = merkleRoot(m.chunks.length, (i) => m.chunks[i].id);
  if (!root.equals(Buffer.from(m.root)))
    throw new WarpError(ErrorCodes.MANIFEST_CORRUPT, "the share's chunk list does not match its Merkle root");
  for (const e of m.entries) {
    assertSafePath(e.p, 'share');
    for (const c of e.r ?? [])
      if (!Number.isInteger(c) || c < 0 || c >= m.chunks.length)
        throw new WarpError(
          ErrorCodes.MANIFEST_CORRUPT,
          `entry '${e.p}' names chunk ${c}, which the share does not have`,
        );
  }
  return m;
}

function sameFile(abs: string, e: ShareEntry): boolean {
  try {
    const st = fs.statSync(abs);
    if (!st.isFile() || st.size !== e.s) return false;
    return e.h !== undefined && blake3(fs.readFileSync(abs)).equals(Buffer.from(e.h));
  } catch {
    return false;
  }
}

class ChunkFetcher {
  private readonly cache = new Map<number, Promise<Uint8Array>>();
  fetched = 0;
  wireBytes = 0;

  private readonly base: string;
  private readonly download: string;
  private readonly key: Buffer;
  private readonly m: ShareManifest;
  /** How many files still need each chunk. */
  private readonly uses: number[];

  constructor(base: string, download: string, key: Buffer, m: ShareManifest, uses: number[]) {
    this.base = base;
    this.download = download;
    this.key = key;
    this.m = m;
    this.uses = uses;
  }

  /** Chunk i's plain bytes, checked against its id; kept only while another file still needs it. */
  get(i: number): Promise<Uint8Array> {
    let p = this.cache.get(i);
    if (!p) {
      p = this.load(i);
      this.cache.set(i, p);
    }
    if (--this.uses[i] <= 0) this.cache.delete(i);
    return p;
  }

  private async load(i: number): Promise<Uint8Array> {
    const r = await get(`${this.base}/c/${i}?d=${encodeURIComponent(this.download)}`, `chunk ${i}`);
    const sealed = new Uint8Array(await r.arrayBuffer());
    this.wireBytes += sealed.length;
    const c = this.m.chunks[i];
    const stored = aead.open(this.key, makeNonce(NonceDomain.CHUNK, i), sealed);
    if (!stored)
      throw new WarpError(
        ErrorCodes.CHUNK_CORRUPT,
        `chunk ${i} of the share was changed on the host (it does not authenticate)`,
        { details: { chunk: i } },
      );
    const plain = decompressChunk(c.c, stored, c.n);
    if (!blake3(plain).equals(Buffer.from(c.id)))
      throw new WarpError(ErrorCodes.CHUNK_CORRUPT, `chunk ${i} of the share does not match its id`, {
        details: { chunk: i },
      });
    this.fetched++;
    return plain;
  }
}

async function writeFile(
  abs: string,
  e: ShareEntry,
  chunks: ChunkFetcher,
  parallel: number,
  onBytes: (n: number) => void,
): Promise<void> {
  const tmp = path.join(path.dirname(abs), `.warp-part-${crypto.randomBytes(6).toString('hex')}`);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'w', 0o600);
  } catch (err) {
    throw fromSystemError(err, abs, 'write');
  }
  const hash = new Blake3Stream();
  // A window of requests in flight, written in order.
  const inflight: Array<Promise<Uint8Array>> = [];
  try {
    const refs = e.r ?? [];
    let next = 0;
    for (let k = 0; k < refs.length; k++) {
      while (next < refs.length && next < k + parallel) inflight.push(chunks.get(refs[next++]));
      const plain = await inflight.shift()!;
      fs.writeSync(fd, plain);
      hash.update(plain);
      onBytes(plain.length);
    }
    if (e.h && !hash.digest().equals(Buffer.from(e.h)))
      throw new WarpError(ErrorCodes.FILE_HASH_MISMATCH, `${e.p}: the assembled file does not match its hash`, {
        details: { path: e.p },
      });
    fs.fchmodSync(fd, e.m & 0o777);
    fs.closeSync(fd);
    fd = -1;
    fs.utimesSync(tmp, new Date(e.mt), new Date(e.mt));
    fs.renameSync(tmp, abs);
  } catch (err) {
    // The requests still in flight fail too (a tampered host, a dropped connection): their errors are this
    // one's, so they must not surface later as unhandled rejections that end the process with a stack trace.
    for (const p of inflight) p.catch(() => {});
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err instanceof WarpError ? err : fromSystemError(err, abs, 'write');
  }
}

/** The sealing key: the link's, or stretched with the password under the host's (untrusted, so capped) parameters. */
async function shareKey(base: string, linkKey: Buffer, password: Uint8Array | undefined): Promise<Buffer> {
  const kdf = (await (await get(`${base}/kdf`, 'password settings')).json()) as ShareKdf;
  if (!kdf.password) return linkKey;
  if (!password)
    throw new WarpError(ErrorCodes.KEY_REQUIRED, 'this share needs a password: pass it with --password-file <file>');
  const stretched = await deriveFromPassword(
    password,
    Buffer.from(String(kdf.salt), 'base64url'),
    { opsLimit: kdf.opsLimit, memKiB: kdf.memKiB },
    DEFAULT_KDF_LIMITS,
  );
  return Buffer.from(sealingKey(linkKey, stretched, blake3));
}

export async function fetchShare(o: FetchShareOptions): Promise<FetchShareResult> {
  const link = parseShareLink(o.link);
  const base = `${link.origin}/s/${link.id}`;
  const key = await shareKey(base, link.key, o.password);
  const r = await get(`${base}/manifest`, 'manifest');
  const download = r.headers.get('x-warp-download') ?? '';
  const m = openManifest(new Uint8Array(await r.arrayBuffer()), key, o.password !== undefined);
  const target = path.resolve(o.dir);
  try {
    fs.mkdirSync(target, { recursive: true });
  } catch (err) {
    throw fromSystemError(err, target, 'write');
  }
  const files = m.entries.filter((e) => e.t === EntryType.FILE);
  const todo = files.filter((e) => !sameFile(path.join(target, e.p), e));
  const uses = new Array<number>(m.chunks.length).fill(0);
  for (const e of todo) for (const c of e.r ?? []) uses[c]++;
  const chunks = new ChunkFetcher(base, download, key, m, uses);
  for (const e of m.entries) {
    if (e.t !== EntryType.DIR) continue;
    try {
      fs.mkdirSync(path.join(target, e.p), { recursive: true });
    } catch (err) {
      throw fromSystemError(err, path.join(target, e.p), 'write');
    }
  }
  let bytes = files.filter((e) => !todo.includes(e)).reduce((n, e) => n + e.s, 0);
  let done = files.length - todo.length;
  const progress = (): void =>
    o.onProgress?.({ bytes, totalBytes: m.totalBytes, files: done, totalFiles: files.length });
  for (const e of todo) {
    const abs = path.join(target, e.p);
    try {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
    } catch (err) {
      throw fromSystemError(err, abs, 'write');
    }
    await writeFile(abs, e, chunks, o.parallel ?? 8, (n) => {
      bytes += n;
      progress();
    });
    done++;
  }
  for (const e of m.entries) {
    if (e.t !== EntryType.SYMLINK || e.l === undefined) continue;
    const abs = path.join(target, e.p);
    try {
      fs.rmSync(abs, { force: true });
      fs.symlinkSync(e.l, abs);
    } catch (err) {
      throw fromSystemError(err, abs, 'write');
    }
  }
  return {
    files: files.length,
    bytes: m.totalBytes,
    keptFiles: files.length - todo.length,
    fetchedChunks: chunks.fetched,
    wireBytes: chunks.wireBytes,
  };
}
