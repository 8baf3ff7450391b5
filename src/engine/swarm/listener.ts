/**
 * The listener's side of a swarm (plugged into TransferService as extra control requests):
 *  - `have` + chunk ids: which of them this peer holds (files under its root, or the path it is given, and
 *    chunks pre-positioned into its store); answered with a bitmap, a chunk session serving exactly those,
 *    and the peer's power state (metered, battery) as capabilities;
 *  - `find {contentId}`: the path under the root whose tree has this content id, and its manifest;
 *  - `status`: a ping that also reports the power state (the fetcher's RTT samples and liveness);
 *  - `preposition` + chunks: store predicted chunks in the chunk store, only when allowed
 *    (`warp listen --accept-preposition`), each verified by BLAKE3 first, within a byte budget.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HASH_BYTES, blake3 } from '../codec/blake3.ts';
import type { ChunkerParams } from '../codec/fastcdc.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import type { FileIndex } from '../store/file-index.ts';
import { ID_BYTES } from '../net/wire.ts';
import { resolveInRoot } from '../transfer/paths.ts';
import type { ExtraRequests } from '../transfer/service.ts';
import { buildTreeParallel, type ChunkPlace, type LocalTree } from '../transfer/tree.ts';
import { currentPower, type PowerOverrides } from './peer-power.ts';

export interface SwarmListenerOptions {
  root: string;
  chunking: ChunkerParams;
  index?: FileIndex;
  store?: ChunkStore;
  power?: PowerOverrides;
  /** Accept pre-positioned chunks into the store, up to this many bytes in total (0 = refuse). */
  acceptPrepositionBytes?: number;
  onLog?: (msg: string) => void;
}

export function swarmRequests(o: SwarmListenerOptions): Required<Omit<ExtraRequests, 'synced'>> {
  let prepositioned = 0;

  // Scanned asynchronously (both cores when one is free, yielding between batches): the synchronous scan held
  // this listener's event loop for the whole tree (Linux tree under load: tens of seconds), its QUIC connections
  // idled out (8 s) and the swarm lost every source (bench:real swarm row, 2026-12-07).
  const treeFor = (hint: string | undefined): Promise<LocalTree> => {
    let abs = o.root;
    if (hint !== undefined && hint !== '' && hint !== '/') {
      try {
        abs = resolveInRoot(o.root, hint, true);
      } catch {
        abs = o.root;
      }
    }
    return buildTreeParallel(abs, o.chunking, o.index, (p, m) => o.onLog?.(`${p}: ${m}`));
  };

  return {
    async have(f, ctx) {
      const n = f.p.length / ID_BYTES; // whole ids, at most MAX_HAVE (wire.ts)
      const tree = await treeFor(f.h.path);
      const store = o.store;
      const bitmap = new Uint8Array(Math.ceil(n / 8));
      let held = 0;
      for (let i = 0; i < n; i++) {
        const id = f.p.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
        if (tree.locate(id) || store?.has(id)) {
          bitmap[i >> 3] |= 1 << (i & 7);
          held++;
        }
      }
      const served: LocalTree = {
        manifest: tree.manifest,
        cachedFiles: tree.cachedFiles,
        locate(id): ChunkPlace | undefined {
          const hit = tree.locate(id);
          if (hit || !store?.has(id)) return hit;
          const abs = store.pathOf(id);
          let length: number;
          try {
            length = fs.statSync(abs).size;
          } catch {
            return undefined;
          }
          return { abs, offset: 0, length };
        },
      };
      const sid = crypto.randomBytes(16).toString('hex');
      ctx.chunks.register(sid, { tree: served, peer: ctx.peer, compress: ctx.compress });
      ctx.track(sid);
      o.onLog?.(`${ctx.peer} asks which of ${n} chunks are here: ${held}`);
      await ctx.ch.write(
        {
          t: 'have',
          sid,
          n,
          held,
          power: currentPower(o.power),
          preposition: (o.acceptPrepositionBytes ?? 0) - prepositioned,
        },
        bitmap,
      );
    },

    async find(f, ctx) {
      const want = f.h.contentId; // 64 lower-case hex digits (wire.ts)
      for (const rel of candidatePaths(o.root)) {
        let tree: LocalTree;
        try {
          tree = await buildTreeParallel(path.join(o.root, rel), o.chunking, o.index);
        } catch {
          continue;
        }
        if (tree.manifest.contentId().toString('hex') !== want) continue;
        await ctx.ch.write(
          { t: 'found', path: `/${rel}`, root: tree.manifest.merkleRoot.toString('hex') },
          tree.manifest.encode(),
        );
        return;
      }
      await ctx.ch.write({ t: 'found', path: null }); // not here; the stream stays open for other requests
    },

    async status(f, ctx) {
      await ctx.ch.write({ t: 'status', n: f.h.n, at: Date.now(), power: currentPower(o.power) });
    },

    async preposition(f, ctx) {
      const budget = (o.acceptPrepositionBytes ?? 0) - prepositioned;
      const lens = f.h.lens; // each longer than an id, adding up to the payload (wire.ts)
      let accepted = 0;
      let bytes = 0;
      if (o.store && budget > 0) {
        let off = 0;
        for (const len of lens) {
          const id = f.p.subarray(off, off + HASH_BYTES);
          const data = f.p.subarray(off + HASH_BYTES, off + len);
          off += len;
          if (bytes + data.length > budget) break;
          if (!blake3(data).equals(Buffer.from(id))) continue; // never store what does not hash right
          if (o.store.put(id, data)) {
            accepted++;
            bytes += data.length;
          }
        }
        prepositioned += bytes;
      }
      if (accepted > 0) o.onLog?.(`${ctx.peer} pre-positioned ${accepted} chunks (${bytes} bytes)`);
      await ctx.ch.write({ t: 'prepositioned', accepted, bytes, refused: budget <= 0 });
    },
  };
}

/** The root, its entries and their entries: where `find` looks for a tree (bounded, no deep walk). */
function candidatePaths(root: string): string[] {
  const out: string[] = [];
  const list = (rel: string): string[] => {
    try {
      return fs
        .readdirSync(path.join(root, rel), { withFileTypes: true })
        .filter((d) => d.isDirectory() || d.isFile())
        .map((d) => (rel ? `${rel}/${d.name}` : d.name))
        .sort();
    } catch {
      return [];
    }
  };
  for (const a of list('')) {
    out.push(a);
    for (const b of list(a)) out.push(b);
  }
  return out;
}
