/**
 * `warp fetch <share-link> <dir>`: downloads a share over HTTP and checks everything the link's key and the
 * manifest promise: the sealed manifest and every sealed chunk open under the key (ChaCha20-Poly1305), every
 * chunk's BLAKE3 is its id, the ids give the manifest's Merkle root, every file's BLAKE3 is its `h`. A file is
 * written under a temporary name and renamed only once whole and verified, so nothing damaged ever lies under
 * a final name. Files already there with the right size and hash are kept, and a chunk needed by several files
 * is fetched once. Resume: a file's temporary name is fixed by its hash (`.<name>.warp-part-<hash>`), so a rerun
 * after a kill or a dropped connection finds it, keeps the prefix whose chunks still hash to their ids, and
 * fetches the rest. Dedup: a chunk is read from this machine instead of the wire where a file already in place
 * holds it (a kept file, or the old version at a file's path, at the offset the manifest gives; checked by hash
 * before use). Symlinks are made last, so no write goes through one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EntryType } from '../model/manifest.ts';
import { assertSafePath } from '../model/entry-paths.ts';
import { aead, makeNonce, NonceDomain } from '../codec/aead.ts';
import { blake3, Blake3Stream } from '../codec/blake3.ts';
import { decompressChunk } from '../codec/compress.ts';
import { DEFAULT_KDF_LIMITS, deriveFromPassword } from '../codec/kdf.ts';
import { merkleRoot } from '../codec/merkle.ts';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import type { FileIndex } from '../store/file-index.ts';
import { MachineChunks, type MachineChunkSources } from '../transfer/machine-chunks.ts';
import type { ChunkPlace } from '../transfer/tree.ts';
import {
  decodeShareManifest,
  parseShareLink,
  sealingKey,
  shareKeyCheck,
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
  /** This machine's file index and chunk store (WARP_HOME/store): chunks found there are not fetched. */
  index?: FileIndex;
  store?: ChunkStore;
}

export interface FetchShareResult {
  files: number;
  bytes: number;
  keptFiles: number;
  fetchedChunks: number;
  /** Chunks read from this machine instead of the wire (files in place, indexed files, the chunk store). */
  localChunks: number;
  /** Chunks a part file left by an interrupted run already held. */
  resumedChunks: number;
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

/**
 * Opens the sealed manifest. `check` is the host's key check value (format.ts), when it sent one: a key that
 * matches it but does not open the manifest means the host changed the manifest, not that the link is wrong.
 */
function openManifest(sealed: Uint8Array, key: Buffer, withPassword: boolean, check?: string): ShareManifest {
  const keyMatches = check !== undefined && shareKeyCheck(key, blake3) === check;
  if (check !== undefined && !keyMatches)
    throw new WarpError(
      ErrorCodes.WRONG_KEY,
      withPassword
        ? 'the password is wrong, or this link is incomplete or wrong'
        : 'this link is incomplete or wrong: its key does not open the share',
    );
  const plain = aead.open(key, makeNonce(NonceDomain.MANIFEST, 0), sealed);
  if (!plain && keyMatches)
    throw new WarpError(
      ErrorCodes.MANIFEST_CORRUPT,
      "the share's manifest was changed on the server (it does not authenticate under the right key)",
    );
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

/** Whether the file in place is `e` already (hashed in pieces: a share's file may be larger than memory). */
function sameFile(abs: string, e: ShareEntry): boolean {
  let fd: number | undefined;
  try {
    const st = fs.statSync(abs);
    if (!st.isFile() || st.size !== e.s || e.h === undefined) return false;
    fd = fs.openSync(abs, 'r');
    const h = new Blake3Stream();
    const buf = Buffer.allocUnsafe(4 << 20);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
    return h.digest().equals(Buffer.from(e.h));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Where a share's chunks may be read on this machine: the files already in the target (a kept file, or an older
 * version at the same path, whose layout the manifest gives), then what a peer fetch looks at too
 * (transfer/machine-chunks.ts: the file index and the chunk store). Every read is checked against the chunk's id.
 */
class LocalShareChunks {
  private readonly at = new Map<number, ChunkPlace[]>();
  private readonly m: ShareManifest;
  private readonly machine: MachineChunks;

  constructor(m: ShareManifest, sources: MachineChunkSources) {
    this.m = m;
    this.machine = new MachineChunks(sources);
  }

  /** `file` may hold `e`'s chunks at `e`'s offsets. */
  add(file: string, e: ShareEntry): void {
    let offset = 0;
    for (const c of e.r ?? []) {
      const length = this.m.chunks[c].n;
      const list = this.at.get(c) ?? [];
      if (list.length < 2) list.push({ abs: file, offset, length });
      this.at.set(c, list);
      offset += length;
    }
  }

  /** Chunk i's bytes from this machine, or undefined where nothing here holds them (now). */
  read(i: number): Uint8Array | undefined {
    const c = this.m.chunks[i];
    return this.machine.read(c.id, c.n, this.at.get(i));
  }

  close(): void {
    this.machine.close();
  }
}

class ChunkFetcher {
  private readonly cache = new Map<number, Promise<Uint8Array>>();
  fetched = 0;
  wireBytes = 0;
  /** Chunks read from this machine instead of the wire. */
  local = 0;
  readonly localChunks: LocalShareChunks;

  private readonly base: string;
  private readonly download: string;
  private readonly key: Buffer;
  private readonly m: ShareManifest;
  /** How many files still need each chunk. */
  private readonly uses: number[];

  constructor(
    base: string,
    download: string,
    key: Buffer,
    m: ShareManifest,
    uses: number[],
    sources: MachineChunkSources,
  ) {
    this.base = base;
    this.download = download;
    this.key = key;
    this.m = m;
    this.uses = uses;
    this.localChunks = new LocalShareChunks(m, sources);
  }

  /** Chunk i's plain bytes, checked against its id; kept only while another file still needs it. */
  get(i: number): Promise<Uint8Array> {
    let p = this.cache.get(i);
    if (!p) {
      const here = this.localChunks.read(i);
      if (here) this.local++;
      p = here ? Promise.resolve(here) : this.load(i);
      this.cache.set(i, p);
    }
    this.skip(i);
    return p;
  }

  /** One use of chunk i is over without asking for it (a resumed part already holds it). */
  skip(i: number): void {
    if (--this.uses[i] <= 0) this.cache.delete(i);
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

/** The part file of `e`: fixed by its content, so a rerun finds what a killed one left. */
function partPath(abs: string, e: ShareEntry): string {
  const tag = (e.h ? Buffer.from(e.h) : blake3(Buffer.from(e.p))).toString('hex').slice(0, 24);
  return path.join(path.dirname(abs), `.${path.basename(abs)}.warp-part-${tag}`);
}

/**
 * Opens (or creates) the part file and keeps its prefix of whole chunks that still hash to their ids; returns
 * how many of the file's chunks it holds, with the hash fed with them. The rest is cut off.
 */
function openPart(
  part: string,
  e: ShareEntry,
  m: ShareManifest,
  hash: Blake3Stream,
): { fd: number; have: number; offset: number } {
  const refs = e.r ?? [];
  let fd: number;
  try {
    fd = fs.openSync(part, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  } catch (err) {
    throw fromSystemError(err, part, 'write');
  }
  let have = 0;
  let offset = 0;
  const size = fs.fstatSync(fd).size;
  while (have < refs.length && offset + m.chunks[refs[have]].n <= size) {
    const c = m.chunks[refs[have]];
    const b = Buffer.allocUnsafe(c.n);
    if (fs.readSync(fd, b, 0, c.n, offset) !== c.n || !blake3(b).equals(Buffer.from(c.id))) break;
    hash.update(b);
    offset += c.n;
    have++;
  }
  fs.ftruncateSync(fd, offset);
  return { fd, have, offset };
}

/** Errors after which the part file is worth keeping for a rerun (the bytes in it were all verified). */
function resumable(err: unknown): boolean {
  const code = err instanceof WarpError ? err.code : undefined;
  return (
    code !== ErrorCodes.CHUNK_CORRUPT && code !== ErrorCodes.FILE_HASH_MISMATCH && code !== ErrorCodes.MANIFEST_CORRUPT
  );
}

async function writeFile(
  abs: string,
  e: ShareEntry,
  m: ShareManifest,
  chunks: ChunkFetcher,
  parallel: number,
  onBytes: (n: number) => void,
): Promise<number> {
  const part = partPath(abs, e);
  const hash = new Blake3Stream();
  const opened = openPart(part, e, m, hash);
  const have = opened.have;
  let fd = opened.fd;
  let pos = opened.offset;
  const refs = e.r ?? [];
  for (let k = 0; k < have; k++) chunks.skip(refs[k]);
  onBytes(pos);
  // A window of requests in flight, written in order.
  const inflight: Array<Promise<Uint8Array>> = [];
  try {
    let next = have;
    for (let k = have; k < refs.length; k++) {
      while (next < refs.length && next < k + parallel) inflight.push(chunks.get(refs[next++]));
      const plain = await inflight.shift()!;
      fs.writeSync(fd, plain, 0, plain.length, pos);
      pos += plain.length;
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
    fs.utimesSync(part, new Date(e.mt), new Date(e.mt));
    fs.renameSync(part, abs);
    return have;
  } catch (err) {
    // The requests still in flight fail too (a tampered host, a dropped connection): their errors are this
    // one's, so they must not surface later as unhandled rejections that end the process with a stack trace.
    for (const p of inflight) p.catch(() => {});
    if (fd >= 0) fs.closeSync(fd);
    if (!resumable(err)) fs.rmSync(part, { force: true });
    throw err instanceof WarpError ? err : fromSystemError(err, abs, 'write');
  }
}

/** The sealing key: the link's, or stretched with the password under the host's (untrusted, so capped) parameters. */
async function shareKey(
  base: string,
  linkKey: Buffer,
  password: Uint8Array | undefined,
): Promise<{ key: Buffer; check?: string }> {
  const kdf = (await (await get(`${base}/kdf`, 'password settings')).json()) as ShareKdf;
  const check = typeof kdf.check === 'string' ? kdf.check : undefined;
  if (!kdf.password) return { key: linkKey, check };
  if (!password)
    throw new WarpError(ErrorCodes.KEY_REQUIRED, 'this share needs a password: pass it with --password-file <file>');
  const stretched = await deriveFromPassword(
    password,
    Buffer.from(String(kdf.salt), 'base64url'),
    { opsLimit: kdf.opsLimit, memKiB: kdf.memKiB },
    DEFAULT_KDF_LIMITS,
  );
  return { key: Buffer.from(sealingKey(linkKey, stretched, blake3)), check };
}

export async function fetchShare(o: FetchShareOptions): Promise<FetchShareResult> {
  const link = parseShareLink(o.link);
  const base = `${link.origin}/s/${link.id}`;
  const { key, check } = await shareKey(base, link.key, o.password);
  const r = await get(`${base}/manifest`, 'manifest');
  const download = r.headers.get('x-warp-download') ?? '';
  const m = openManifest(new Uint8Array(await r.arrayBuffer()), key, o.password !== undefined, check);
  const target = path.resolve(o.dir);
  try {
    fs.mkdirSync(target, { recursive: true });
  } catch (err) {
    throw fromSystemError(err, target, 'write');
  }
  const files = m.entries.filter((e) => e.t === EntryType.FILE);
  // Files already in place whole are kept (a rerun after a finished or interrupted fetch).
  const kept = new Set(files.filter((e) => sameFile(path.join(target, e.p), e)));
  const todo = files.filter((e) => !kept.has(e));
  const uses = new Array<number>(m.chunks.length).fill(0);
  for (const e of todo) for (const c of e.r ?? []) uses[c]++;
  const chunks = new ChunkFetcher(base, download, key, m, uses, { index: o.index, store: o.store });
  for (const e of m.entries) {
    if (e.t !== EntryType.DIR) continue;
    try {
      fs.mkdirSync(path.join(target, e.p), { recursive: true });
    } catch (err) {
      throw fromSystemError(err, path.join(target, e.p), 'write');
    }
  }
  for (const e of files) chunks.localChunks.add(path.join(target, e.p), e);
  let bytes = [...kept].reduce((n, e) => n + e.s, 0);
  let done = files.length - todo.length;
  let resumedChunks = 0;
  const progress = (): void =>
    o.onProgress?.({ bytes, totalBytes: m.totalBytes, files: done, totalFiles: files.length });
  try {
    for (const e of todo) {
      const abs = path.join(target, e.p);
      try {
        fs.mkdirSync(path.dirname(abs), { recursive: true });
      } catch (err) {
        throw fromSystemError(err, abs, 'write');
      }
      resumedChunks += await writeFile(abs, e, m, chunks, o.parallel ?? 8, (n) => {
        bytes += n;
        progress();
      });
      done++;
    }
  } finally {
    chunks.localChunks.close();
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
    localChunks: chunks.local,
    resumedChunks,
    wireBytes: chunks.wireBytes,
  };
}
