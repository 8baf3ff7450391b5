/**
 * The browser side of a share link (mirrors src/engine/share/format.ts, which defines the format): opens the
 * sealed manifest with the key from the link's fragment, checks the Merkle root over the chunk ids, and yields
 * a file's bytes chunk by chunk, each opened (ChaCha20-Poly1305, @noble/ciphers), decompressed (zstd, zstddec's
 * WebAssembly decoder) and checked against its BLAKE3 id (@noble/hashes), the whole file against its hash.
 * Nothing here holds more than a window of chunks.
 */
import { decode } from '@msgpack/msgpack';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { blake3 } from '@noble/hashes/blake3.js';
import { ZSTDDecoder } from 'zstddec';
import { ChunkPool } from './chunk-pool.ts';

export interface Entry {
  p: string;
  t: number;
  m: number;
  mt: number;
  s: number;
  h?: Uint8Array;
  l?: string;
  r?: number[];
}
export interface Manifest {
  v: number;
  createdAt: number;
  entries: Entry[];
  chunks: Array<{ id: Uint8Array; n: number; c: number }>;
  root: Uint8Array;
  totalBytes: number;
}

export class ShareError extends Error {
  readonly kind: 'link' | 'tampered' | 'unavailable' | 'network' | 'password';

  constructor(kind: ShareError['kind'], message: string) {
    super(message);
    this.kind = kind;
  }
}

const CHUNK = 0;
const MANIFEST = 1;
/** Tries per request: with the backoff below (0.5 s doubling, at most 8 s) a connection may drop for ~40 s. */
const RETRIES = 9;
/** The host's Argon2id parameters are untrusted: a page stretching 4 GiB would take the tab down. */
const MAX_KDF_MEM_KIB = 256 * 1024;
const MAX_KDF_OPS = 10;

type Kdf = ({ password: false } | { password: true; salt: string; opsLimit: number; memKiB: number }) & {
  check?: string;
};

function fromB64url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const KEY_CHECK_LABEL = new TextEncoder().encode('warp share key check v1');

/** src/engine/share/format.ts shareKeyCheck: 16 bytes of BLAKE3(sealing key ‖ label), base64url. */
function keyCheck(key: Uint8Array): string {
  const b = new Uint8Array(key.length + KEY_CHECK_LABEL.length);
  b.set(key, 0);
  b.set(KEY_CHECK_LABEL, key.length);
  return btoa(String.fromCharCode(...blake3(b).subarray(0, 16)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/**
 * src/engine/share/format.ts sealingKey: the link key, or BLAKE3(link key ‖ Argon2id(password)); with the
 * host's key check value when it sent one.
 */
async function sealingKey(
  base: string,
  linkKey: Uint8Array,
  password: string | undefined,
): Promise<{ key: Uint8Array; check?: string }> {
  const kdf = (await (await get(`${base}/kdf`, 'the password settings')).json()) as Kdf;
  const check = typeof kdf.check === 'string' ? kdf.check : undefined;
  if (!kdf.password) return { key: linkKey, check };
  if (password === undefined) throw new ShareError('password', 'This share needs a password.');
  if (!(kdf.memKiB >= 8 && kdf.memKiB <= MAX_KDF_MEM_KIB && kdf.opsLimit >= 1 && kdf.opsLimit <= MAX_KDF_OPS)) {
    throw new ShareError(
      'tampered',
      `The server asks for unreasonable password settings (${kdf.memKiB} KiB, ${kdf.opsLimit} passes).`,
    );
  }
  const stretched = await argon2idAsync(new TextEncoder().encode(password), fromB64url(kdf.salt), {
    t: kdf.opsLimit,
    m: kdf.memKiB,
    p: 1,
    dkLen: 32,
  });
  const b = new Uint8Array(64);
  b.set(linkKey, 0);
  b.set(stretched, 32);
  return { key: blake3(b), check };
}

function nonce(domain: number, counter: number): Uint8Array {
  const n = new Uint8Array(12);
  const v = new DataView(n.buffer);
  v.setUint32(0, domain, true);
  v.setBigUint64(4, BigInt(counter), true);
  return n;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/** codec/merkle.ts: RFC 6962 shape, 0x00 leaves, 0x01 nodes, 0x02 for the empty tree. */
export function merkleRoot(ids: Uint8Array[]): Uint8Array {
  if (ids.length === 0) return blake3(Uint8Array.of(2));
  let level = ids.map((id) => {
    const b = new Uint8Array(33);
    b[0] = 0;
    b.set(id, 1);
    return blake3(b);
  });
  const rec = (nodes: Uint8Array[]): Uint8Array => {
    if (nodes.length === 1) return nodes[0];
    let k = 1;
    while (k * 2 < nodes.length) k *= 2;
    const b = new Uint8Array(65);
    b[0] = 1;
    b.set(rec(nodes.slice(0, k)), 1);
    b.set(rec(nodes.slice(k)), 33);
    return blake3(b);
  };
  level = [rec(level)];
  return level[0];
}

export function keyFromFragment(hash: string): Uint8Array {
  const s = hash.replace(/^#/, '');
  if (!/^[A-Za-z0-9_-]{43}$/.test(s))
    throw new ShareError(
      'link',
      'This link is incomplete or wrong: the part after # must be the whole share key. Copy the entire link again.',
    );
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '=';
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function get(url: string, what: string): Promise<Response> {
  let last: unknown;
  for (let attempt = 0; attempt < RETRIES; attempt++) {
    try {
      const r = await fetch(url, { cache: 'no-store' });
      if (r.ok) return r;
      let msg = `HTTP ${r.status}`;
      try {
        msg = ((await r.json()) as { error?: { message?: string } }).error?.message ?? msg;
      } catch {
        /* not JSON */
      }
      if (r.status === 404 || r.status === 410 || r.status === 503 || r.status === 403)
        throw new ShareError('unavailable', msg.charAt(0).toUpperCase() + msg.slice(1) + '.');
      last = new ShareError('network', `${what}: ${msg}`);
    } catch (e) {
      if (e instanceof ShareError && e.kind === 'unavailable') throw e;
      last = e;
    }
    // A dropped connection: wait and ask again (the download token stays valid).
    if (attempt < RETRIES - 1) await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempt, 8000)));
  }
  throw last instanceof ShareError
    ? last
    : new ShareError('network', `${what}: the connection failed (${String(last)})`);
}

function wrongKey(password: string | undefined): ShareError {
  return password === undefined
    ? new ShareError(
        'link',
        'This link is incomplete or wrong: its key does not open this share. Copy the entire link again.',
      )
    : new ShareError('password', 'The password is wrong (or the link is incomplete). Try again.');
}

/** Chunks in flight per file: enough to keep every worker busy and the next fetch under way while one opens. */
const WINDOW = 12;

/** One chunk to fetch and open: what a worker needs, nothing of the manifest beyond it. */
export interface ChunkJob {
  url: string;
  key: Uint8Array;
  i: number;
  /** Plain length, 1 when zstd-compressed, the BLAKE3 id. */
  n: number;
  c: number;
  id: Uint8Array;
}

/** Fetches chunk `job.i`, opens it (ChaCha20-Poly1305), decompresses it and checks it against its BLAKE3 id. */
export async function fetchAndOpen(job: ChunkJob, zstd: ZSTDDecoder): Promise<Uint8Array> {
  const r = await get(job.url, `part ${job.i}`);
  const sealed = new Uint8Array(await r.arrayBuffer());
  let stored: Uint8Array;
  try {
    stored = chacha20poly1305(job.key, nonce(CHUNK, job.i)).decrypt(sealed);
  } catch {
    throw new ShareError(
      'tampered',
      `Part ${job.i} of the share was changed on the server (it does not authenticate). Nothing was saved.`,
    );
  }
  const plain = job.c === 1 ? zstd.decode(stored, job.n) : stored;
  if (plain.length !== job.n || !equal(blake3(plain), job.id))
    throw new ShareError('tampered', `Part ${job.i} of the share does not match its fingerprint. Nothing was saved.`);
  return plain;
}

export class OpenShare {
  readonly manifest: Manifest;
  private readonly key: Uint8Array;
  private readonly base: string;
  private readonly download: string;
  private readonly zstd: ZSTDDecoder;
  /** Where chunks are fetched and opened off the page's thread; undefined: here (no Worker, or a test). */
  private readonly pool: ChunkPool | undefined;

  private constructor(m: Manifest, key: Uint8Array, base: string, download: string, zstd: ZSTDDecoder) {
    this.pool = ChunkPool.create((job) => fetchAndOpen(job, zstd));
    this.manifest = m;
    this.key = key;
    this.base = base;
    this.download = download;
    this.zstd = zstd;
  }

  static async open(base: string, fragment: string, password?: string): Promise<OpenShare> {
    const { key, check } = await sealingKey(base, keyFromFragment(fragment), password);
    if (check !== undefined && keyCheck(key) !== check) throw wrongKey(password);
    const zstd = new ZSTDDecoder();
    const init = zstd.init();
    const r = await get(`${base}/manifest`, 'the file list');
    const download = r.headers.get('x-warp-download') ?? '';
    const sealed = new Uint8Array(await r.arrayBuffer());
    let plain: Uint8Array;
    try {
      plain = chacha20poly1305(key, nonce(MANIFEST, 0)).decrypt(sealed);
    } catch {
      // With a key check that matched, the key is right: the server changed the file list.
      if (check !== undefined)
        throw new ShareError(
          'tampered',
          "The share's file list was changed on the server (it does not authenticate under the right key). Nothing was saved.",
        );
      throw wrongKey(password);
    }
    const m = decode(plain) as Manifest;
    if (!m || m.v !== 1 || !Array.isArray(m.entries) || !Array.isArray(m.chunks))
      throw new ShareError('tampered', "The share's file list is damaged.");
    if (!equal(merkleRoot(m.chunks.map((c) => c.id)), m.root))
      throw new ShareError('tampered', "The share's chunk list does not match its Merkle root.");
    for (const e of m.entries) {
      if (e.p.startsWith('/') || e.p.split('/').some((x) => x === '' || x === '.' || x === '..'))
        throw new ShareError('tampered', `The share names an unsafe path (${e.p}).`);
    }
    await init;
    return new OpenShare(m, key, base, download, zstd);
  }

  /** Chunk i, opened, decompressed and checked: in a worker of the pool when the page has one. */
  chunk(i: number): Promise<Uint8Array> {
    const c = this.manifest.chunks[i];
    const job: ChunkJob = {
      url: new URL(`${this.base}/c/${i}?d=${encodeURIComponent(this.download)}`, location.href).href,
      key: this.key,
      i,
      n: c.n,
      c: c.c,
      id: c.id,
    };
    return this.pool ? this.pool.run(job) : fetchAndOpen(job, this.zstd);
  }

  /**
   * A file's verified bytes, chunk by chunk, `window` requests ahead. With a range (`from`..`to`, indices into
   * the file's chunk list) only those chunks are yielded and the whole-file hash is the caller's to check;
   * without one it throws before the last part if the whole-file hash fails.
   */
  async *file(e: Entry, range: { from?: number; to?: number; window?: number } = {}): AsyncGenerator<Uint8Array> {
    const refs = e.r ?? [];
    const from = range.from ?? 0;
    const to = range.to ?? refs.length;
    const window = range.window ?? WINDOW;
    const whole = from === 0 && to === refs.length;
    const h = blake3.create();
    const inflight: Array<Promise<Uint8Array>> = [];
    let next = from;
    for (let k = from; k < to; k++) {
      while (next < to && next < k + window) inflight.push(this.chunk(refs[next++]));
      const part = await inflight.shift()!;
      if (whole) h.update(part);
      if (whole && k === to - 1 && e.h && !equal(h.digest(), e.h))
        throw new ShareError('tampered', `${e.p} does not match its fingerprint. Nothing was saved.`);
      yield part;
    }
    if (whole && refs.length === 0 && e.h && !equal(h.digest(), e.h))
      throw new ShareError('tampered', `${e.p} does not match its fingerprint.`);
  }
}
