/**
 * Storage units (format version 2, docs/FORMAT.md): a run of consecutive chunks of the chunk table stored
 * as one piece (one zstd frame, one AEAD seal), so zstd sees across small files the way tar + zstd does.
 * The manifest's chunk columns say where units begin: a unit's first chunk carries the unit's stored size
 * and codec; the chunks that continue it carry stored size 0 and codec IN_UNIT. A version-1 archive is the
 * case of one chunk per unit, so readers work on units only.
 *
 * The table is compact (a few typed arrays over the chunk count, nothing per file) and validated here: an
 * untrusted archive cannot make a reader decode more than UNIT_MAX_RAW bytes for one unit.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { Manifest } from '../model/manifest.ts';
import { IN_UNIT } from '../model/unit-codes.ts';
/**
 * A unit is closed once it holds this many raw bytes. On the Linux tree at zstd 3: 4 MiB units 200.2 MB of
 * data, 8 MiB 198.8 MB (tar + zstd -3: 204.2 MB in all); a chunk of 1 MiB or more alone instead cost ~1.3 MB.
 */
export const UNIT_TARGET = 8 * 1024 * 1024;
/** Chunks at least this large are stored alone (only with a large --chunk-avg): a unit stays under 16 MiB. */
export const SOLO_CHUNK = 8 * 1024 * 1024;

export class UnitTable {
  readonly count: number;
  /** First chunk of unit u; first[count] = chunk count. */
  private readonly first: Uint32Array;
  /** Offset of unit u in the data section; offsets[count] = the section's size. */
  private readonly offsets: Float64Array;
  private readonly raw: Float64Array;
  private readonly codecs: Uint8Array;
  /** Per chunk: its unit, and where its bytes start in the unit's raw bytes. */
  private readonly unitOfChunk: Uint32Array;
  private readonly rawAt: Uint32Array;

  private constructor(
    first: Uint32Array,
    offsets: Float64Array,
    raw: Float64Array,
    codecs: Uint8Array,
    unitOfChunk: Uint32Array,
    rawAt: Uint32Array,
  ) {
    this.count = codecs.length;
    this.first = first;
    this.offsets = offsets;
    this.raw = raw;
    this.codecs = codecs;
    this.unitOfChunk = unitOfChunk;
    this.rawAt = rawAt;
  }

  /**
   * The units of a manifest validated by model/validate-manifest.ts (unit shape, stored bounds, UNIT_MAX_RAW) read
   * from an archive of format `version`: version 1 has one chunk per unit and no IN_UNIT.
   */
  static of(m: Manifest, version: number, what: string): UnitTable {
    const n = m.chunkCount;
    let count = 0;
    for (let c = 0; c < n; c++) {
      const codec = m.chunkCodec(c);
      if (codec !== IN_UNIT) count++;
      else if (version < 2)
        throw new WarpError(
          ErrorCodes.MANIFEST_CORRUPT,
          `${what}: the manifest is damaged (chunk ${c} has unknown codec ${codec} for format version ${version})`,
        );
    }
    const first = new Uint32Array(count + 1);
    const offsets = new Float64Array(count + 1);
    const raw = new Float64Array(count);
    const codecs = new Uint8Array(count);
    const unitOfChunk = new Uint32Array(n);
    const rawAt = new Uint32Array(n);
    let u = -1;
    for (let c = 0; c < n; c++) {
      const codec = m.chunkCodec(c);
      if (codec !== IN_UNIT) {
        u++;
        first[u] = c;
        codecs[u] = codec;
        offsets[u + 1] = offsets[u] + m.chunkStoredSize(c);
      }
      unitOfChunk[c] = u;
      rawAt[c] = raw[u];
      raw[u] += m.chunkRawSize(c);
    }
    first[count] = n;
    return new UnitTable(first, offsets, raw, codecs, unitOfChunk, rawAt);
  }

  firstChunk(u: number): number {
    return this.first[u];
  }
  /** One past the unit's last chunk. */
  endChunk(u: number): number {
    return this.first[u + 1];
  }
  offset(u: number): number {
    return this.offsets[u];
  }
  storedSize(u: number): number {
    return this.offsets[u + 1] - this.offsets[u];
  }
  rawSize(u: number): number {
    return this.raw[u];
  }
  codec(u: number): number {
    return this.codecs[u];
  }
  unitOf(chunk: number): number {
    return this.unitOfChunk[chunk];
  }
  /** Where chunk's bytes start inside its unit's raw bytes. */
  rawOffset(chunk: number): number {
    return this.rawAt[chunk];
  }
  get storedBytes(): number {
    return this.offsets[this.count];
  }
  /** A chunk's share of its unit's stored bytes (by raw size): what `archive list` shows per file. */
  storedShare(chunk: number, rawSize: number): number {
    const u = this.unitOfChunk[chunk];
    return this.raw[u] > 0 ? (this.storedSize(u) * rawSize) / this.raw[u] : 0;
  }
}
