/**
 * The receiver alone (receive.ts with part-files.ts, puller.ts, chunk-reply.ts), fed by an in-memory chunk source:
 * no network, but the real file system and the real manifest of a real local tree. The source answers batched
 * requests in order and can be told to corrupt or withhold chunks, so what is fetched again can be counted.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blake3 } from '../../src/engine/codec/blake3.ts';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import { Codec } from '../../src/engine/codec/compress.ts';
import { checkChunkReply } from '../../src/engine/transfer/chunk-reply.ts';
import { receiveTree } from '../../src/engine/transfer/receive.ts';
import type { ChunkLane, ChunkReply, ChunkSource } from '../../src/engine/transfer/source.ts';
import { buildTree, type LocalTree } from '../../src/engine/transfer/tree.ts';
import { listFiles, readTree, tmpDir, writeTree } from '../helpers/tmp.ts';

const PARAMS = paramsForAverage(16 * 1024);
const hex = (id: Uint8Array): string => Buffer.from(id).toString('hex');

/** Serves a LocalTree's chunks from memory; `corrupt`/`withhold`: ids answered wrongly the first N times. */
class MemorySource implements ChunkSource {
  readonly name: string;
  readonly lanes = 2;
  readonly asked = new Map<string, number>();
  readonly batches: number[] = [];
  private readonly tree: LocalTree;
  private readonly corrupt: Map<string, number>;
  private readonly withhold: Set<string>;

  constructor(name: string, tree: LocalTree, o: { corrupt?: Map<string, number>; withhold?: Set<string> } = {}) {
    this.name = name;
    this.tree = tree;
    this.corrupt = o.corrupt ?? new Map();
    this.withhold = o.withhold ?? new Set();
  }

  private answer(id: Uint8Array): ChunkReply {
    const k = hex(id);
    this.asked.set(k, (this.asked.get(k) ?? 0) + 1);
    const place = this.tree.locate(id);
    if (!place || this.withhold.has(k)) return { ok: false, code: 'E_CHUNK_UNAVAILABLE' };
    const fd = fs.openSync(place.abs, 'r');
    const data = Buffer.alloc(place.length);
    fs.readSync(fd, data, 0, place.length, place.offset);
    fs.closeSync(fd);
    const bad = this.corrupt.get(k) ?? 0;
    if (bad > 0) {
      this.corrupt.set(k, bad - 1);
      data[data.length >> 1] ^= 0x5a;
    }
    return { ok: true, codec: Codec.RAW, rawSize: data.length, data };
  }

  openLane(): Promise<ChunkLane> {
    const queue: ChunkReply[] = [];
    return Promise.resolve({
      request: (ids: Uint8Array[]) => {
        this.batches.push(ids.length);
        for (const id of ids) queue.push(this.answer(id));
        return Promise.resolve();
      },
      next: () => Promise.resolve(queue.shift()!),
      close: () => Promise.resolve(),
    });
  }
}

/** A one-chunk file (written whole) and a multi-chunk one (written at offsets), dated 1969. */
const OLD_FILES = ['small/d2/f2.txt', 'big/b.bin'];

function fixture(): { src: string; dst: string; tree: LocalTree } {
  const dir = tmpDir();
  const src = path.join(dir, 'data');
  const spec: Record<string, Buffer | string> = {};
  // Many one-chunk files (written whole in the pool) and a few multi-chunk ones (written at offsets), a duplicate.
  for (let i = 0; i < 300; i++) spec[`small/d${i % 7}/f${i}.txt`] = crypto.randomBytes(100 + ((i * 37) % 3000));
  spec['big/a.bin'] = crypto.randomBytes(400_000);
  spec['big/b.bin'] = crypto.randomBytes(250_000);
  spec['dup/a-copy.bin'] = Buffer.alloc(0);
  spec['empty.txt'] = '';
  writeTree(src, spec);
  fs.copyFileSync(path.join(src, 'big/a.bin'), path.join(src, 'dup/a-copy.bin'));
  fs.chmodSync(path.join(src, 'small/d0/f0.txt'), 0o640);
  fs.utimesSync(path.join(src, 'small/d1/f1.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  // Before 1970: Node's utimes reads a negative number of seconds as "now" (core/file-time.ts).
  for (const rel of OLD_FILES)
    fs.utimesSync(path.join(src, rel), new Date(-86_400_000 * 200), new Date(-86_400_000 * 200));
  return { src, dst: path.join(dir, 'dst'), tree: buildTree(src, PARAMS) };
}

function expectSameTree(src: string, dst: string): void {
  expect(readTree(path.join(dst, 'data'))).toEqual(readTree(src));
  expect(listFiles(dst).filter((f) => f.includes('.warp-part-'))).toEqual([]);
}

describe('receiver with an in-memory chunk source', () => {
  it('builds the tree byte for byte, with modes and mtimes, each chunk asked for once, in batches', async () => {
    const { src, dst, tree } = fixture();
    const mem = new MemorySource('mem', tree);
    const r = await receiveTree({ manifest: tree.manifest, sources: [mem], target: dst, sid: 'aa11bb22' });
    expectSameTree(src, dst);
    for (const rel of ['small/d1/f1.txt', ...OLD_FILES]) {
      expect(fs.statSync(path.join(dst, 'data', rel)).mtimeMs, rel).toBe(fs.statSync(path.join(src, rel)).mtimeMs);
    }
    expect(r.fetchedChunks).toBe(tree.manifest.chunkCount);
    expect([...mem.asked.values()].every((n) => n === 1)).toBe(true);
    expect(Math.max(...mem.batches)).toBeGreaterThan(1); // one request names many chunks
  });

  it('a batch with one bad chunk among good ones: only that chunk is fetched again', async () => {
    const { src, dst, tree } = fixture();
    const m = tree.manifest;
    const bad = hex(m.chunkId(Math.floor(m.chunkCount / 2)));
    const mem = new MemorySource('mem', tree, { corrupt: new Map([[bad, 1]]) });
    const rejected: string[] = [];
    const r = await receiveTree({
      manifest: m,
      sources: [mem],
      target: dst,
      sid: 'aa11bb23',
      onEvent: (e) => {
        if (e.type === 'transfer.chunk-rejected') rejected.push(`${e.chunk}:${e.reason}`);
      },
    });
    expectSameTree(src, dst);
    expect(r.rejectedChunks).toBe(1);
    expect(rejected).toEqual([`${Math.floor(m.chunkCount / 2)}:BLAKE3 mismatch`]);
    expect(mem.asked.get(bad)).toBe(2);
    for (const [k, n] of mem.asked) if (k !== bad) expect(n, k).toBe(1);
  });

  it('a chunk one source lacks comes from the other; one corrupt on every try stops with E_CHUNK_CORRUPT and no file under a final name', async () => {
    const { src, dst, tree } = fixture();
    const m = tree.manifest;
    const lacking = hex(m.chunkId(0));
    const a = new MemorySource('a', tree, { withhold: new Set([lacking]) });
    const b = new MemorySource('b', tree);
    await receiveTree({ manifest: m, sources: [a, b], target: dst, sid: 'aa11bb24' });
    expectSameTree(src, dst);

    const dst2 = `${dst}-2`;
    const always = new MemorySource('c', tree, { corrupt: new Map([[hex(m.chunkId(1)), 99]]) });
    await expect(
      receiveTree({ manifest: m, sources: [always], target: dst2, sid: 'aa11bb25', maxAttempts: 3 }),
    ).rejects.toMatchObject({ code: 'E_CHUNK_CORRUPT' });
    expect(always.asked.get(hex(m.chunkId(1)))).toBe(3);
    // The file that chunk belongs to is not under its final name.
    const holder = [...Array(m.entryCount).keys()].find((j) => Array.from(m.refsOf(j)).includes(1))!;
    expect(fs.existsSync(path.join(dst2, ...m.entry(holder).path.split('/')))).toBe(false);
  });

  it('a rerun after a failed run completes from the part files and fetches only what is missing', async () => {
    const { src, dst, tree } = fixture();
    const m = tree.manifest;
    const big = [...Array(m.chunkCount).keys()].filter((c) => m.chunkRawSize(c) > 8000).at(-1)!;
    const first = new MemorySource('a', tree, { corrupt: new Map([[hex(m.chunkId(big)), 99]]) });
    await expect(
      receiveTree({ manifest: m, sources: [first], target: dst, sid: 'aa11bb26', maxAttempts: 2 }),
    ).rejects.toBeTruthy();
    const second = new MemorySource('b', tree);
    const r = await receiveTree({ manifest: m, sources: [second], target: dst, sid: 'aa11bb26' });
    expectSameTree(src, dst);
    expect(r.fetchedChunks).toBeLessThan(m.chunkCount);
    expect(second.asked.has(hex(m.chunkId(big)))).toBe(true);
  });
});

describe('checkChunkReply', () => {
  const data = crypto.randomBytes(1000);
  const other = new Uint8Array(crypto.randomBytes(32));
  it('accepts the right bytes and names what is wrong otherwise', () => {
    const good = new Uint8Array(blake3(data));
    expect(checkChunkReply({ ok: true, codec: Codec.RAW, rawSize: 1000, data }, good, 1000)).toMatchObject({
      ok: true,
    });
    expect(checkChunkReply({ ok: true, codec: Codec.RAW, rawSize: 999, data }, good, 1000)).toMatchObject({
      ok: false,
      missing: false,
      reason: 'wrong size 999, expected 1000',
    });
    expect(checkChunkReply({ ok: true, codec: Codec.RAW, rawSize: 1000, data }, other, 1000)).toMatchObject({
      ok: false,
      reason: 'BLAKE3 mismatch',
    });
    expect(checkChunkReply({ ok: true, codec: Codec.ZSTD, rawSize: 1000, data }, good, 1000)).toMatchObject({
      ok: false,
      missing: false,
    });
    expect(checkChunkReply({ ok: false, code: 'E_CHUNK_UNAVAILABLE' }, good, 1000)).toMatchObject({
      ok: false,
      missing: true,
    });
  });
});
