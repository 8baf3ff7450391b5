/**
 * A streaming zip writer for the share page's "save all" where the browser has no File System Access API: entries
 * are stored (the share's bytes arrive already decompressed and are mostly media), each followed by a data
 * descriptor, so a part is handed on as soon as it is verified and nothing of a file is held back. The central
 * directory comes at the end. Zip64 records are written where a size or an offset reaches 4 GiB (or always, for
 * tests, with `zip64: true`), so shares past 4 GiB open in every unzip. CRC-32 is computed on the way.
 *
 * Pure: no DOM, no Node (the tests run it in Node, the page in the browser).
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  // Slicing-by-8 tables: eight bytes per step, several times faster than one table in V8.
  for (let n = 0; n < 256; n++)
    for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
  return t;
})();

/** CRC-32 (IEEE) of `data`, continuing from `crc` (0 to start). */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  let i = 0;
  const n8 = data.length & ~7;
  const t = CRC_TABLE;
  for (; i < n8; i += 8) {
    const a = (c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
    c =
      t[7 * 256 + (a & 0xff)] ^
      t[6 * 256 + ((a >>> 8) & 0xff)] ^
      t[5 * 256 + ((a >>> 16) & 0xff)] ^
      t[4 * 256 + (a >>> 24)] ^
      t[3 * 256 + data[i + 4]] ^
      t[2 * 256 + data[i + 5]] ^
      t[256 + data[i + 6]] ^
      t[data[i + 7]];
  }
  for (; i < data.length; i++) c = t[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

interface Written {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
  dosTime: number;
  dosDate: number;
  zip64: boolean;
}

function dos(ms: number): { dosTime: number; dosDate: number } {
  const d = new Date(Number.isFinite(ms) ? ms : Date.now());
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    dosTime: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    dosDate: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

class Bytes {
  readonly buf: Uint8Array;
  private readonly v: DataView;
  private o = 0;
  constructor(n: number) {
    this.buf = new Uint8Array(n);
    this.v = new DataView(this.buf.buffer);
  }
  u16(x: number): this {
    this.v.setUint16(this.o, x, true);
    this.o += 2;
    return this;
  }
  u32(x: number): this {
    this.v.setUint32(this.o, x >>> 0, true);
    this.o += 4;
    return this;
  }
  u64(x: number): this {
    this.v.setBigUint64(this.o, BigInt(x), true);
    this.o += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.buf.set(b, this.o);
    this.o += b.length;
    return this;
  }
}

/** Bit 3: sizes and CRC follow the data; bit 11: names are UTF-8. */
const FLAGS = (1 << 3) | (1 << 11);

export class ZipWriter {
  private offset = 0;
  private readonly entries: Written[] = [];
  private readonly forceZip64: boolean;

  constructor(o: { zip64?: boolean } = {}) {
    this.forceZip64 = o.zip64 ?? false;
  }

  /**
   * One stored file: yields its local header, its bytes as they come, then its data descriptor. `size` is the
   * size the manifest promises (it decides zip64 up front); a different count is an error.
   */
  async *file(
    path: string,
    size: number,
    mtimeMs: number,
    data: AsyncIterable<Uint8Array>,
  ): AsyncGenerator<Uint8Array> {
    const name = new TextEncoder().encode(path);
    const zip64 = this.forceZip64 || size >= MAX32 || this.offset >= MAX32;
    const { dosTime, dosDate } = dos(mtimeMs);
    const offset = this.offset;
    const head = new Bytes(30 + name.length + (zip64 ? 20 : 0))
      .u32(0x04034b50)
      .u16(zip64 ? 45 : 20)
      .u16(FLAGS)
      .u16(0)
      .u16(dosTime)
      .u16(dosDate)
      .u32(0)
      .u32(zip64 ? MAX32 : 0)
      .u32(zip64 ? MAX32 : 0)
      .u16(name.length)
      .u16(zip64 ? 20 : 0)
      .bytes(name);
    if (zip64) head.u16(1).u16(16).u64(0).u64(0);
    yield this.count(head.buf);
    let crc = 0;
    let n = 0;
    for await (const part of data) {
      crc = crc32(part, crc);
      n += part.length;
      yield this.count(part);
    }
    if (n !== size) throw new Error(`${path}: ${n} bytes where ${size} were announced`);
    const desc = zip64
      ? new Bytes(24).u32(0x08074b50).u32(crc).u64(n).u64(n)
      : new Bytes(16).u32(0x08074b50).u32(crc).u32(n).u32(n);
    yield this.count(desc.buf);
    this.entries.push({ name, crc, size: n, offset, dosTime, dosDate, zip64 });
  }

  /** A folder entry (so empty folders survive). */
  *dir(path: string, mtimeMs: number): Generator<Uint8Array> {
    const name = new TextEncoder().encode(path.endsWith('/') ? path : `${path}/`);
    const { dosTime, dosDate } = dos(mtimeMs);
    const offset = this.offset;
    const zip64 = this.forceZip64 || offset >= MAX32;
    yield this.count(
      new Bytes(30 + name.length)
        .u32(0x04034b50)
        .u16(20)
        .u16(1 << 11)
        .u16(0)
        .u16(dosTime)
        .u16(dosDate)
        .u32(0)
        .u32(0)
        .u32(0)
        .u16(name.length)
        .u16(0)
        .bytes(name).buf,
    );
    this.entries.push({ name, crc: 0, size: 0, offset, dosTime, dosDate, zip64 });
  }

  /** The central directory and the end records (zip64 ones where anything needs them). */
  *finish(): Generator<Uint8Array> {
    const cdStart = this.offset;
    for (const e of this.entries) yield this.count(this.central(e));
    const cdSize = this.offset - cdStart;
    const count = this.entries.length;
    const zip64 = this.forceZip64 || cdStart >= MAX32 || count >= MAX16 || this.entries.some((e) => e.zip64);
    if (zip64) {
      const eocd64At = this.offset;
      yield this.count(
        new Bytes(56)
          .u32(0x06064b50)
          .u64(44)
          .u16(45)
          .u16(45)
          .u32(0)
          .u32(0)
          .u64(count)
          .u64(count)
          .u64(cdSize)
          .u64(cdStart).buf,
      );
      yield this.count(new Bytes(20).u32(0x07064b50).u32(0).u64(eocd64At).u32(1).buf);
    }
    yield this.count(
      new Bytes(22)
        .u32(0x06054b50)
        .u16(0)
        .u16(0)
        .u16(Math.min(count, MAX16))
        .u16(Math.min(count, MAX16))
        .u32(zip64 ? MAX32 : cdSize)
        .u32(zip64 ? MAX32 : cdStart)
        .u16(0).buf,
    );
  }

  private central(e: Written): Uint8Array {
    const extra = e.zip64 ? 28 : 0;
    const isDir = e.name[e.name.length - 1] === 0x2f;
    const b = new Bytes(46 + e.name.length + extra)
      .u32(0x02014b50)
      .u16((3 << 8) | 45) // made by Unix, spec 4.5
      .u16(e.zip64 ? 45 : 20)
      .u16(isDir ? 1 << 11 : FLAGS)
      .u16(0)
      .u16(e.dosTime)
      .u16(e.dosDate)
      .u32(e.crc)
      .u32(e.zip64 ? MAX32 : e.size)
      .u32(e.zip64 ? MAX32 : e.size)
      .u16(e.name.length)
      .u16(extra)
      .u16(0)
      .u16(0)
      .u16(0)
      // Unix mode in the high half: directories 0755, files 0644.
      .u32(((isDir ? 0o40755 : 0o100644) << 16) >>> 0)
      .u32(e.zip64 ? MAX32 : e.offset)
      .bytes(e.name);
    if (e.zip64) b.u16(1).u16(24).u64(e.size).u64(e.size).u64(e.offset);
    return b.buf;
  }

  private count(b: Uint8Array): Uint8Array {
    this.offset += b.length;
    return b;
  }
}
