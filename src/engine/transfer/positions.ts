/**
 * Where each chunk of a manifest goes on the receiving side: for chunk c, the (file slot, offset) pairs
 * posFile/posOffset[posStart[c] .. posStart[c + 1]), grouped by chunk with a counting sort, so one fetched
 * chunk is written to every place that uses it. `pending[slot]` counts a file's chunks still to write.
 * One chunk's positions are in (slot, offset) order (filled file by file, in file order): assemble-planned.ts
 * binary-searches them.
 */
import type { Manifest } from '../model/manifest.ts';

export interface ChunkPositions {
  posStart: Uint32Array;
  posFile: Uint32Array;
  posOffset: Float64Array;
  posDone: Uint8Array;
  pending: Int32Array;
}

/** `fileEntries[slot]` is the manifest entry of file slot `slot`. */
export function chunkPositions(m: Manifest, fileEntries: readonly number[]): ChunkPositions {
  const nChunks = m.chunkCount;
  const posStart = new Uint32Array(nChunks + 1);
  for (const ei of fileEntries) for (const c of m.refsOf(ei)) posStart[c + 1]++;
  for (let c = 0; c < nChunks; c++) posStart[c + 1] += posStart[c];
  const totalRefs = posStart[nChunks];
  const posFile = new Uint32Array(totalRefs);
  const posOffset = new Float64Array(totalRefs);
  const posDone = new Uint8Array(totalRefs);
  const fill = posStart.slice(0, nChunks);
  const pending = new Int32Array(fileEntries.length);
  fileEntries.forEach((ei, slot) => {
    let off = 0;
    for (const c of m.refsOf(ei)) {
      const p = fill[c]++;
      posFile[p] = slot;
      posOffset[p] = off;
      off += m.chunkRawSize(c);
      pending[slot]++;
    }
  });
  return { posStart, posFile, posOffset, posDone, pending };
}

/**
 * The first position of chunk c that belongs to file `slot` or a later one (a lower bound on the slot in c's
 * positions, which are in (slot, offset) order): a chunk repeated 100k times (zeros) costs 17 steps, not 100k.
 */
export function firstPositionOfSlot(pos: ChunkPositions, c: number, slot: number): number {
  let lo = pos.posStart[c];
  let hi = pos.posStart[c + 1];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pos.posFile[mid] < slot) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The position of chunk c in file `slot` at `off`, or -1 (binary search, as above). */
export function positionOf(pos: ChunkPositions, c: number, slot: number, off: number): number {
  let lo = pos.posStart[c];
  let hi = pos.posStart[c + 1] - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const f = pos.posFile[mid];
    const o = pos.posOffset[mid];
    if (f === slot && o === off) return mid;
    if (f < slot || (f === slot && o < off)) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
