/**
 * The one check of a chunk reply, shared by every puller (the plain lanes in pull-lanes.ts, the swarm's executor):
 * the source has the chunk, its size is the manifest's, it decodes, and its BLAKE3 is the id asked for.
 */
import { blake3 } from '../codec/blake3.ts';
import { decompressChunk } from '../codec/compress.ts';
import type { ChunkReply } from './source.ts';

/** `wireBytes`: what the reply's payload took on the wire (compressed), for the transfer's counters. */
export type ReplyVerdict =
  { ok: true; data: Uint8Array; wireBytes: number } | { ok: false; reason: string; missing: boolean };

/** `missing`: the source said it does not have the chunk (rather than sending wrong bytes). */
export function checkChunkReply(reply: ChunkReply, id: Uint8Array, rawSize: number): ReplyVerdict {
  if (!reply.ok) return { ok: false, reason: `the source does not have it (${reply.code})`, missing: true };
  if (reply.rawSize !== rawSize)
    return { ok: false, reason: `wrong size ${reply.rawSize}, expected ${rawSize}`, missing: false };
  let data: Uint8Array;
  try {
    data = decompressChunk(reply.codec, reply.data, reply.rawSize);
  } catch (e) {
    return { ok: false, reason: (e as Error).message, missing: false };
  }
  if (!blake3(data).equals(Buffer.from(id.buffer, id.byteOffset, id.byteLength)))
    return { ok: false, reason: 'BLAKE3 mismatch', missing: false };
  return { ok: true, data, wireBytes: reply.data.length };
}
