/**
 * Crafts hostile archives for tests: decodes an (unencrypted) archive's manifest as plain data, lets the
 * test change it (paths, types, links), and writes it back with a correct trailer, so only the change is wrong.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { pack, unpack } from 'msgpackr';
import { blake3 } from '../../src/engine/codec/blake3.ts';
import { HEADER_BYTES, TRAILER_BYTES, decodeTrailer, encodeTrailer } from '../../src/engine/archive/format.ts';

export interface RawManifest {
  entries: { paths: string[]; types: Uint8Array; links: Array<[number, string]> } & Record<string, unknown>;
  [k: string]: unknown;
}

export function rewriteManifest(file: string, mutate: (m: RawManifest) => void): void {
  const buf = fs.readFileSync(file);
  const t = decodeTrailer(buf.subarray(buf.length - TRAILER_BYTES), buf.length, file);
  const m = unpack(
    zlib.zstdDecompressSync(buf.subarray(t.manifestOffset, t.manifestOffset + t.manifestLength)),
  ) as RawManifest;
  mutate(m);
  const stored = zlib.zstdCompressSync(pack(m));
  const out = Buffer.concat([
    buf.subarray(0, t.manifestOffset),
    stored,
    encodeTrailer({ manifestOffset: t.manifestOffset, manifestLength: stored.length, manifestHash: blake3(stored) }),
  ]);
  if (t.manifestOffset < HEADER_BYTES) throw new Error('bad archive');
  fs.writeFileSync(file, out);
}
