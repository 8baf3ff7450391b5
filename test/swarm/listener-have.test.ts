/**
 * A swarm listener answers `have` (which of these chunks are here) from a scan of its tree. The scan must not
 * hold the listener's event loop: a synchronous scan of a large tree starved its QUIC connections past their
 * idle timeout, and the fetcher lost every source at once.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HASH_BYTES } from '../../src/engine/codec/blake3.ts';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import { swarmRequests } from '../../src/engine/swarm/index.ts';
import type { ExtraRequestContext } from '../../src/engine/transfer/service.ts';
import { buildTree } from '../../src/engine/transfer/tree.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

describe('swarm listener: have', () => {
  it('scans without blocking the event loop and marks exactly the chunks of its tree', async () => {
    const root = tmpDir();
    const spec: Record<string, Buffer> = {};
    for (let i = 0; i < 300; i++) spec[`t/d${i % 7}/f${i}.bin`] = crypto.randomBytes(2000 + i * 37);
    writeTree(root, spec);
    const chunking = paramsForAverage(16 * 1024);
    const mine = buildTree(path.join(root, 't'), chunking).manifest;
    // Every chunk of the tree, then as many ids nobody holds.
    const ids = Buffer.alloc(mine.chunkCount * 2 * HASH_BYTES);
    for (let c = 0; c < mine.chunkCount; c++) ids.set(mine.chunkId(c), c * HASH_BYTES);
    crypto.randomFillSync(ids, mine.chunkCount * HASH_BYTES);

    let loopRan = false;
    let loopRanBeforeAnswer: boolean | undefined;
    const writes: Array<{ h: Record<string, unknown>; p?: Uint8Array }> = [];
    const ctx = {
      peer: 'test-peer',
      compress: false,
      chunks: { register: () => {} },
      track: () => {},
      ch: {
        write: async (h: Record<string, unknown>, p?: Uint8Array) => {
          writes.push({ h, p });
        },
      },
    } as unknown as ExtraRequestContext;
    const handlers = swarmRequests({
      root,
      chunking,
      onLog: (m) => {
        if (m.includes('asks which')) loopRanBeforeAnswer = loopRan;
      },
    });
    setImmediate(() => (loopRan = true));
    await handlers.have({ h: { t: 'have', path: '/t' }, p: ids } as never, ctx);

    expect(loopRanBeforeAnswer).toBe(true);
    expect(writes).toHaveLength(1);
    expect(writes[0].h).toMatchObject({ t: 'have', n: mine.chunkCount * 2, held: mine.chunkCount });
    const bitmap = writes[0].p!;
    for (let i = 0; i < mine.chunkCount * 2; i++)
      expect(Boolean(bitmap[i >> 3] & (1 << (i & 7))), `id ${i}`).toBe(i < mine.chunkCount);
  });
});
