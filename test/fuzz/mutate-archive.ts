/**
 * Structure-aware mutations of a RawArchive (archive-model.ts), as fast-check arbitraries. Each one breaks
 * one thing a parser must reject or survive (a field's type, a column's length or one of its values, a path,
 * a link, a header field, the msgpack bytes, the zstd frame, a chunk's body); seal() then recomputes every
 * checksum and MAC, so the archive is corrupt only where the mutation says.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { pack } from 'msgpackr';
import { OUTSIDE } from './harness.ts';
import { FILE, DIR, SYMLINK, type RawArchive, type TreeEntry } from './archive-model.ts';

export type Mutation = (a: RawArchive) => { keepStoredSizes?: boolean } | void;

/** A mutation that fast-check reports by what it does (a counterexample is then a readable recipe). */
function named(desc: string, fn: Mutation): Mutation {
  return Object.assign(fn, { [fc.toStringMethod]: () => desc });
}

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 20)}…(${v.length})` : v);
  if (v instanceof Uint8Array) return `bytes(${v.length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  return typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
};

const FIELDS: Array<[string] | [string, string]> = [
  ['v'],
  ['chunking'],
  ['root'],
  ['refs'],
  ['chunks', 'ids'],
  ['chunks', 'raw'],
  ['chunks', 'stored'],
  ['chunks', 'codec'],
  ['entries', 'paths'],
  ['entries', 'types'],
  ['entries', 'modes'],
  ['entries', 'mtimes'],
  ['entries', 'sizes'],
  ['entries', 'hashes'],
  ['entries', 'refStart'],
  ['entries', 'refCount'],
  ['entries', 'links'],
  ['chunks'],
  ['entries'],
];

/** Typed columns and their element type. */
const COLUMNS: Array<[string, string, 'u8' | 'u32' | 'f64']> = [
  ['chunks', 'raw', 'u32'],
  ['chunks', 'stored', 'u32'],
  ['chunks', 'codec', 'u8'],
  ['entries', 'types', 'u8'],
  ['entries', 'modes', 'u32'],
  ['entries', 'mtimes', 'f64'],
  ['entries', 'sizes', 'f64'],
  ['entries', 'refStart', 'u32'],
  ['entries', 'refCount', 'u32'],
  ['', 'refs', 'u32'],
];

const deep = (n: number): unknown => {
  let v: unknown = 0;
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, NaN, 2 ** 32, 2 ** 53, '', 'x', [], {}),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.uint8Array({ maxLength: 80 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null)), { maxLength: 20 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 4 }),
  fc.constantFrom(new Array(20_000).fill(0), new Array(20_000).fill({}), deep(200), 'y'.repeat(100_000)),
);

const specialU32 = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 255, 1024, 1025, 0o7777, 0o10000, 0x7fffffff, 0xffffffff, 64 * 1024 * 1024 + 1),
  fc.nat(),
);
const specialF64 = fc.oneof(
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -0,
    1e300,
    -1e300,
    2 ** 53,
    2 ** 53 + 2,
    -1,
    0.5,
    8.64e15,
    8.64e15 + 1,
    -8.64e15 - 1,
    1e12,
    4e12,
  ),
  fc.double(),
);

function columnView(
  bytes: Uint8Array,
  kind: 'u8' | 'u32' | 'f64',
): { arr: Uint8Array | Uint32Array | Float64Array; bytes: Uint8Array } {
  const copy = new Uint8Array(bytes.length - (bytes.length % (kind === 'u8' ? 1 : kind === 'u32' ? 4 : 8)));
  copy.set(bytes.subarray(0, copy.length));
  const arr = kind === 'u8' ? copy : kind === 'u32' ? new Uint32Array(copy.buffer) : new Float64Array(copy.buffer);
  return { arr, bytes: copy };
}

/** The manifest, or one of its sub-maps: an empty object where an earlier mutation broke it. */
function getObj(a: RawArchive, outer: string): Record<string, unknown> {
  const o = outer === '' ? a.manifest : a.manifest[outer];
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : {};
}

const setField: fc.Arbitrary<Mutation> = fc
  .tuple(fc.constantFrom(...FIELDS), hostileValue, fc.boolean())
  .map(([f, v, del]) =>
    named(`${del ? 'delete' : 'set'} ${f.join('.')} = ${show(v)}`, (a: RawArchive) => {
      const obj = f.length === 1 ? a.manifest : (a.manifest[f[0]] as Record<string, unknown>);
      if (typeof obj !== 'object' || obj === null) return;
      const k = f[f.length - 1];
      if (del) delete obj[k];
      else obj[k] = v;
      return { keepStoredSizes: k === 'stored' || k === 'chunks' };
    }),
  );

const extraField: fc.Arbitrary<Mutation> = fc
  .tuple(fc.constantFrom('', 'chunks', 'entries'), fc.string({ maxLength: 8 }), hostileValue)
  .map(([outer, k, v]) =>
    named(`extra field ${outer}.${k || 'extra'} = ${show(v)}`, (a: RawArchive) => {
      const o = getObj(a, outer);
      if (typeof o === 'object' && o !== null) o[k || 'extra'] = v;
    }),
  );

const columnValue: fc.Arbitrary<Mutation> = fc
  .tuple(fc.constantFrom(...COLUMNS), fc.nat(), specialU32, specialF64, fc.nat(255))
  .map(([[outer, k, kind], i, u, d, b]) =>
    named(`${outer}.${k}[${i} % n] = ${kind === 'u8' ? b : kind === 'u32' ? u : d}`, (a: RawArchive) => {
      const o = getObj(a, outer);
      const bytes = o[k];
      if (!(bytes instanceof Uint8Array)) return;
      const v = columnView(bytes, kind);
      if (v.arr.length === 0) return;
      v.arr[i % v.arr.length] = kind === 'u8' ? b : kind === 'u32' ? u : d;
      o[k] = v.bytes;
      return { keepStoredSizes: k === 'stored' };
    }),
  );

const columnLength: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.constantFrom(
      ...COLUMNS.map(([o, k]) => [o, k] as const),
      ['chunks', 'ids'] as const,
      ['entries', 'hashes'] as const,
      ['', 'root'] as const,
    ),
    fc.integer({ min: -40, max: 40 }),
  )
  .map(([[outer, k], delta]) =>
    named(`${outer}.${k} length ${delta >= 0 ? '+' : ''}${delta} bytes`, (a: RawArchive) => {
      const o = getObj(a, outer);
      const bytes = o[k];
      if (!(bytes instanceof Uint8Array)) return;
      const n = Math.max(0, bytes.length + delta);
      const out = new Uint8Array(n);
      out.set(bytes.subarray(0, Math.min(n, bytes.length)));
      o[k] = out;
      return { keepStoredSizes: k === 'stored' };
    }),
  );

const HOSTILE_PATHS = [
  '',
  '.',
  '..',
  '../x',
  'a/../../x',
  '/abs',
  'C:/x',
  '\\\\srv\\x',
  'a//b',
  'a/./b',
  'a/',
  'x\0y',
  'n'.repeat(256),
  'é'.repeat(128),
  'n'.repeat(255),
  `${'d/'.repeat(2100)}f`,
  `${'d/'.repeat(30_000)}f`,
  'ü\u202egnp.exe',
  '\u0000',
  ' ',
  'a\nb',
  '\x1b]0;x\x07',
];

const pathValue: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.nat(),
    fc.oneof(
      fc.constantFrom(...HOSTILE_PATHS),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('dup', 'under1', 'under2'),
    ),
  )
  .map(([i, p]) =>
    named(`paths[${i} % n] = ${show(p)}`, (a: RawArchive) => {
      const paths = getObj(a, 'entries').paths;
      if (!Array.isArray(paths) || paths.length === 0) return;
      const j = i % paths.length;
      const other = paths[(j + 1) % paths.length] as string;
      paths[j] = p === 'dup' ? other : p === 'under1' ? `${other}/x` : p === 'under2' ? `${other}/x/y` : p;
    }),
  );

const linkValue: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.nat(),
    fc.oneof(fc.constantFrom(-1, 0, 1, 2 ** 32, 1.5, 1e9), fc.nat(20)),
    fc.constantFrom<unknown>('', 'a\0b', 'x'.repeat(5000), OUTSIDE, '../../..', 123, null, 'ok'),
    fc.constantFrom('index', 'target', 'add', 'drop'),
  )
  .map(([i, idx, target, what]) =>
    named(`links ${what} (entry ${idx}, target ${show(target)}, at ${i})`, (a: RawArchive) => {
      const links = getObj(a, 'entries').links;
      if (!Array.isArray(links)) return;
      if (what === 'add') {
        links.push([idx, target]);
        return;
      }
      if (links.length === 0) return;
      const l = links[i % links.length] as unknown[];
      if (!Array.isArray(l)) return;
      if (what === 'drop') links.splice(i % links.length, 1);
      else if (what === 'index') l[0] = idx;
      else l[1] = target;
    }),
  );

const headerValue: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.constantFrom('version', 'flags', 'cipher', 'kdf', 'ops', 'mem', 'chunkMin', 'chunkAvg', 'chunkMax'),
    fc.oneof(
      fc.constantFrom(
        0,
        1,
        2,
        3,
        8,
        64,
        65,
        1024,
        0xffff,
        64 * 1024 * 1024,
        64 * 1024 * 1024 + 1,
        4 * 1024 * 1024,
        0xffffffff,
      ),
      fc.nat(),
    ),
  )
  .map(([f, v]) =>
    named(`header ${f} = ${v}`, (a: RawArchive) => {
      const h = a.header;
      const u16 = v & 0xffff;
      const u8 = v & 0xff;
      switch (f) {
        case 'version':
          h.version = u16;
          break;
        case 'flags':
          h.flags = u16;
          break;
        case 'cipher':
          h.cipher = u8 as typeof h.cipher;
          break;
        case 'kdf':
          h.kdf = u8 as typeof h.kdf;
          break;
        case 'ops':
          h.argon2 = { ...h.argon2, opsLimit: v >>> 0 };
          break;
        case 'mem':
          h.argon2 = { ...h.argon2, memKiB: v >>> 0 };
          break;
        case 'chunkMin':
          h.chunkMin = v >>> 0;
          break;
        case 'chunkAvg':
          h.chunkAvg = v >>> 0;
          break;
        default:
          h.chunkMax = v >>> 0;
      }
    }),
  );

const plainBytes: fc.Arbitrary<Mutation> = fc
  .array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom('set', 'insert', 'delete')), { minLength: 1, maxLength: 6 })
  .map((ops) =>
    named(`msgpack bytes ${JSON.stringify(ops)}`, (a: RawArchive) => {
      const b = Array.from(a.plainOverride ?? pack(a.manifest));
      for (const [pos, byte, op] of ops) {
        const at = pos % (b.length + 1);
        if (op === 'set' && at < b.length) b[at] = byte;
        else if (op === 'insert') b.splice(at, 0, byte);
        else if (op === 'delete' && at < b.length) b.splice(at, 1);
      }
      a.plainOverride = Uint8Array.from(b);
    }),
  );

let bombs: Uint8Array[] | undefined;
/** Crafted zstd frames, made once: 1 GiB declared, 200 MB undeclared, and a 20 MB msgpack array of nils. */
function zstdBombs(): Uint8Array[] {
  bombs ??= [
    zlib.zstdCompressSync(Buffer.alloc(1024 * 1024 * 1024)),
    zlib.zstdCompressSync(Buffer.alloc(200 * 1024 * 1024), { params: { [zlib.constants.ZSTD_c_contentSizeFlag]: 0 } }),
    zlib.zstdCompressSync(
      Buffer.concat([Buffer.from([0xdd, 0x01, 0x40, 0x00, 0x00]), Buffer.alloc(20 * 1024 * 1024, 0xc0)]),
    ),
  ];
  return bombs;
}

const zstdFrame: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.constantFrom('bomb1g', 'bomb-nofcs', 'nils', 'deep', 'truncated', 'garbage', 'empty', 'two-frames', 'skippable'),
    fc.uint8Array({ maxLength: 64 }),
  )
  .map(([kind, junk]) =>
    named(`zstd ${kind} (${junk.length})`, (a: RawArchive) => {
      const plain = a.plainOverride ?? pack(a.manifest);
      const z = zlib.zstdCompressSync(plain);
      switch (kind) {
        case 'bomb1g':
          a.compressedOverride = zstdBombs()[0];
          break;
        case 'bomb-nofcs':
          a.compressedOverride = zstdBombs()[1];
          break;
        case 'nils':
          a.compressedOverride = zstdBombs()[2];
          break;
        // A map whose first value nests arrays 200,000 deep (msgpackr recurses per level).
        case 'deep':
          a.compressedOverride = zlib.zstdCompressSync(
            Buffer.concat([Buffer.from([0x81, 0xa1, 0x76]), Buffer.alloc(200_000, 0x91), Buffer.from([0x01])]),
          );
          break;
        case 'truncated':
          a.compressedOverride = z.subarray(0, Math.max(0, z.length - 1 - (junk.length % z.length)));
          break;
        case 'garbage':
          a.compressedOverride = junk;
          break;
        case 'empty':
          a.compressedOverride = new Uint8Array(0);
          break;
        case 'two-frames':
          a.compressedOverride = Buffer.concat([
            zlib.zstdCompressSync(plain.subarray(0, plain.length >> 1)),
            zlib.zstdCompressSync(plain.subarray(plain.length >> 1)),
          ]);
          break;
        default:
          a.compressedOverride = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18, junk.length, 0, 0, 0]), junk, z]);
      }
    }),
  );

const chunkBody: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), fc.uint8Array({ maxLength: 2048 }), fc.boolean())
  .map(([i, bytes, truncate]) =>
    named(`chunk ${i} body ${truncate ? 'halved' : `= bytes(${bytes.length})`}`, (a: RawArchive) => {
      if (a.chunkBodies.length === 0) return;
      const j = i % a.chunkBodies.length;
      const body = a.chunkBodies[j];
      a.chunkBodies[j] = truncate && body ? body.subarray(0, body.length >> 1) : bytes;
    }),
  );

/** One to three mutations, weighted toward the manifest's values (where the parser does the most). */
export const mutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.oneof(
    { arbitrary: columnValue, weight: 6 },
    { arbitrary: pathValue, weight: 4 },
    { arbitrary: linkValue, weight: 3 },
    { arbitrary: setField, weight: 3 },
    { arbitrary: columnLength, weight: 3 },
    { arbitrary: headerValue, weight: 3 },
    { arbitrary: plainBytes, weight: 3 },
    { arbitrary: extraField, weight: 1 },
    { arbitrary: zstdFrame, weight: 1 },
    { arbitrary: chunkBody, weight: 2 },
  ),
  { minLength: 1, maxLength: 3 },
);

// ---- trees ----

const NAMES = ['a', 'b', 'c', 'dd', 'é', 'x y', 'long'.repeat(20), 'n'.repeat(250), '日本'];
const LINK_TARGETS = ['a', 'b/c', '.', '..', '../..', '../../..', OUTSIDE, `${OUTSIDE}/f`, 'n'.repeat(250)];

const leaf = fc.oneof(
  {
    arbitrary: fc.record({
      type: fc.constant(FILE),
      data: fc.oneof(
        fc.uint8Array({ maxLength: 2500 }),
        fc.tuple(fc.nat(255), fc.nat(3000)).map(([b, n]) => new Uint8Array(n).fill(b)),
      ),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ type: fc.constant(SYMLINK), link: fc.constantFrom(...LINK_TARGETS) }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant(DIR) }), weight: 1 },
);

/** A valid tree: unique paths, parents (directories) before children, nothing below a file or symlink. */
export const trees: fc.Arbitrary<TreeEntry[]> = fc
  .uniqueArray(
    fc.tuple(
      fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }).map((p) => p.join('/')),
      leaf,
      fc.constantFrom(0o644, 0o755, 0o600, 0o400, 0o555, 0o1777),
      fc.integer({ min: -1e12, max: 4e12 }),
    ),
    { selector: (t) => t[0], maxLength: 8 },
  )
  .map((items) => {
    const out = new Map<string, TreeEntry>();
    for (const [p, l, mode, mtimeMs] of [...items].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
      const parts = p.split('/');
      let blocked = false;
      for (let k = 1; k < parts.length && !blocked; k++) {
        const anc = parts.slice(0, k).join('/');
        const have = out.get(anc);
        if (have && have.type !== DIR) blocked = true;
        else if (!have) out.set(anc, { path: anc, type: DIR, mode: 0o755, mtimeMs });
      }
      if (blocked || out.has(p)) continue;
      out.set(p, {
        path: p,
        type: l.type,
        mode: l.type === DIR ? mode | 0o700 : mode,
        mtimeMs,
        data: 'data' in l ? l.data : undefined,
        link: 'link' in l ? l.link : undefined,
      });
    }
    return [...out.values()];
  });
