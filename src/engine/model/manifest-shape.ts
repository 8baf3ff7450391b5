/**
 * The shape of a version-1 manifest, checked on the msgpack bytes before anything is decoded into objects.
 * msgpack lets a few bytes become large objects (one byte per array element, a 56-byte JS object per `{}`);
 * here every field's type and every column's length are known and consistent before `unpack` runs, so the
 * decoded manifest is never larger than a small multiple of its bytes. The walk allocates nothing per value.
 *
 * Layout (docs/FORMAT.md): a map of exactly v, chunking, root, chunks{ids, raw, stored, codec},
 * entries{paths, types, modes, mtimes, sizes, hashes, refStart, refCount, links}, refs. A writer adding a field
 * must add it here (and bump the manifest version if old readers must refuse it).
 */
import { HASH_BYTES } from '../codec/blake3.ts';

/** What the walker reads at a value's head. */
interface Head {
  kind: 'int' | 'str' | 'bin' | 'arr' | 'map' | 'other';
  n: number;
  body: number;
}

/** A forward-only msgpack reader that only measures: `n` is a value (int) or a length (str, bin, arr, map). */
class Walker {
  pos = 0;
  private readonly b: Uint8Array;
  private readonly bad: (why: string) => Error;
  constructor(b: Uint8Array, bad: (why: string) => Error) {
    this.b = b;
    this.bad = bad;
  }

  private need(n: number): number {
    if (this.pos + n > this.b.length) throw this.bad('ends inside a value');
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private uint(bytes: number): number {
    const at = this.need(bytes);
    let v = 0;
    for (let i = 0; i < bytes; i++) v = v * 256 + this.b[at + i];
    return v;
  }

  head(): Head {
    const t = this.b[this.need(1)];
    if (t <= 0x7f) return { kind: 'int', n: t, body: this.pos };
    if (t <= 0x8f) return { kind: 'map', n: t & 0x0f, body: this.pos };
    if (t <= 0x9f) return { kind: 'arr', n: t & 0x0f, body: this.pos };
    if (t <= 0xbf) return this.sized('str', t & 0x1f);
    if (t >= 0xe0) return { kind: 'other', n: 0, body: this.pos }; // negative fixint
    switch (t) {
      case 0xc4:
        return this.sized('bin', this.uint(1));
      case 0xc5:
        return this.sized('bin', this.uint(2));
      case 0xc6:
        return this.sized('bin', this.uint(4));
      case 0xcc:
        return { kind: 'int', n: this.uint(1), body: this.pos };
      case 0xcd:
        return { kind: 'int', n: this.uint(2), body: this.pos };
      case 0xce:
        return { kind: 'int', n: this.uint(4), body: this.pos };
      case 0xd9:
        return this.sized('str', this.uint(1));
      case 0xda:
        return this.sized('str', this.uint(2));
      case 0xdb:
        return this.sized('str', this.uint(4));
      case 0xdc:
        return { kind: 'arr', n: this.uint(2), body: this.pos };
      case 0xdd:
        return { kind: 'arr', n: this.uint(4), body: this.pos };
      case 0xde:
        return { kind: 'map', n: this.uint(2), body: this.pos };
      case 0xdf:
        return { kind: 'map', n: this.uint(4), body: this.pos };
      default:
        throw this.bad(`unexpected msgpack type 0x${t.toString(16)}`);
    }
  }

  /** A str or bin: its bytes are skipped (they must be there). */
  private sized(kind: 'str' | 'bin', n: number): Head {
    const body = this.need(n);
    return { kind, n, body };
  }

  expect(kind: Head['kind'], what: string): Head {
    const h = this.head();
    if (h.kind !== kind) throw this.bad(`field ${what} is not a${kind === 'int' ? 'n integer' : ` ${kind}`}`);
    return h;
  }

  /** A short map key, as text. */
  key(what: string): string {
    const h = this.expect('str', `key in ${what}`);
    if (h.n > 16) throw this.bad(`unknown field in ${what}`);
    return Buffer.from(this.b.buffer, this.b.byteOffset + h.body, h.n).toString('latin1');
  }

  get atEnd(): boolean {
    return this.pos === this.b.length;
  }
}

/** Byte lengths of the columns, for the consistency checks. */
type Lengths = Record<string, number>;

/** Reads a map whose fields are all known; `field` reads one value and returns its measured length. */
function readMap(
  w: Walker,
  what: string,
  fields: Record<string, (what: string) => number>,
  bad: (why: string) => Error,
): Lengths {
  const h = w.expect('map', what);
  const out: Lengths = {};
  for (let i = 0; i < h.n; i++) {
    const k = w.key(what);
    const read = Object.hasOwn(fields, k) ? fields[k] : undefined;
    if (!read) throw bad(`unknown field '${k}' in ${what}`);
    if (Object.hasOwn(out, k)) throw bad(`field '${k}' appears twice in ${what}`);
    out[k] = read(`${what}.${k}`);
  }
  for (const k of Object.keys(fields)) if (!Object.hasOwn(out, k)) throw bad(`field '${k}' missing from ${what}`);
  return out;
}

function strArray(w: Walker, what: string): number {
  const h = w.expect('arr', what);
  for (let i = 0; i < h.n; i++) w.expect('str', `${what}[${i}]`);
  return h.n;
}

function linkArray(w: Walker, what: string, bad: (why: string) => Error): number {
  const h = w.expect('arr', what);
  for (let i = 0; i < h.n; i++) {
    if (w.expect('arr', `${what}[${i}]`).n !== 2) throw bad(`${what}[${i}] is not an [index, target] pair`);
    w.expect('int', `${what}[${i}][0]`);
    w.expect('str', `${what}[${i}][1]`);
  }
  return h.n;
}

/**
 * Throws bad(...) unless `bytes` is one v1 manifest map with consistent column lengths. Returns the entry and
 * chunk counts it declares.
 */
export function checkManifestShape(
  bytes: Uint8Array,
  bad: (why: string) => Error,
): { entries: number; chunks: number } {
  const w = new Walker(bytes, bad);
  const bin = (what: string): number => w.expect('bin', what).n;
  const top = readMap(
    w,
    'manifest',
    {
      v: (what) => {
        const v = w.expect('int', what).n;
        if (v !== 1) throw bad(`unknown manifest version ${v}`);
        return v;
      },
      chunking: (what) => {
        const h = w.expect('arr', what);
        if (h.n !== 3) throw bad('field chunking is not [min, avg, max]');
        for (let i = 0; i < 3; i++) w.expect('int', `${what}[${i}]`);
        return 3;
      },
      root: bin,
      chunks: (what) => chunkLens(readMap(w, what, { ids: bin, raw: bin, stored: bin, codec: bin }, bad)),
      entries: (what) =>
        entryLens(
          readMap(
            w,
            what,
            {
              paths: (p) => strArray(w, p),
              types: bin,
              modes: bin,
              mtimes: bin,
              sizes: bin,
              hashes: bin,
              refStart: bin,
              refCount: bin,
              links: (p) => linkArray(w, p, bad),
            },
            bad,
          ),
        ),
      refs: bin,
    },
    bad,
  );
  if (!w.atEnd) throw bad('trailing bytes after the manifest');
  if (top.root !== HASH_BYTES) throw bad('field root is not 32 bytes');
  if (top.refs % 4 !== 0) throw bad('field refs is not a u32 column');
  return { entries: top.entries, chunks: top.chunks };

  function chunkLens(c: Lengths): number {
    if (c.ids % HASH_BYTES !== 0) throw bad('field chunks.ids is not a list of 32-byte ids');
    const n = c.ids / HASH_BYTES;
    if (c.raw !== 4 * n || c.stored !== 4 * n || c.codec !== n) throw bad('chunk table lengths differ');
    return n;
  }

  function entryLens(e: Lengths): number {
    const n = e.types;
    const widths: Array<[string, number]> = [
      ['paths', 1],
      ['modes', 4],
      ['mtimes', 8],
      ['sizes', 8],
      ['hashes', HASH_BYTES],
      ['refStart', 4],
      ['refCount', 4],
    ];
    if (widths.some(([k, width]) => e[k] !== n * width)) throw bad('entry table lengths differ');
    if (e.links > n) throw bad('more symlink targets than entries');
    return n;
  }
}
