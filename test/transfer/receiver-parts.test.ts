/**
 * The receiver's pieces alone: the chunk-placement table (placement.ts), the local-chunks planner
 * (local-chunks.ts) over a real destination, and receiveTree driven by a `ChunkPuller` that serves chunks from a
 * Map (a real implementation of the puller contract in puller.ts, judged by the shared checkChunkReply).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import { Codec } from '../../src/engine/codec/compress.ts';
import type { Manifest } from '../../src/engine/model/manifest.ts';
import { checkChunkReply } from '../../src/engine/transfer/chunk-reply.ts';
import { LocalChunks } from '../../src/engine/transfer/local-chunks.ts';
import { ChunkPlacement } from '../../src/engine/transfer/placement.ts';
import { prepareTree } from '../../src/engine/transfer/prepare-tree.ts';
import type { ChunkPuller, PullContext } from '../../src/engine/transfer/puller.ts';
import { receiveTree } from '../../src/engine/transfer/receive.ts';
import { ReceivedFiles } from '../../src/engine/transfer/received-files.ts';
import type { ChunkReply } from '../../src/engine/transfer/source.ts';
import { buildTree, type LocalTree } from '../../src/engine/transfer/tree.ts';
import { listFiles, readTree, tmpDir, writeTree } from '../helpers/tmp.ts';

const PARAMS = paramsForAverage(16 * 1024);
const hex = (id: Uint8Array): string => Buffer.from(id).toString('hex');

/** Every chunk of a tree, read into memory, by hex id. */
function chunkMap(tree: LocalTree): Map<string, Buffer> {
  const m = tree.manifest;
  const out = new Map<string, Buffer>();
  for (let c = 0; c < m.chunkCount; c++) {
    const place = tree.locate(m.chunkId(c))!;
    const data = Buffer.alloc(place.length);
    const fd = fs.openSync(place.abs, 'r');
    fs.readSync(fd, data, 0, place.length, place.offset);
    fs.closeSync(fd);
    out.set(hex(m.chunkId(c)), data);
  }
  return out;
}

/**
 * A ChunkPuller over a Map: each round asks for every chunk still missing in one request, judges each reply with
 * checkChunkReply and asks again for the rejected ones. `corruptOnce`: ids answered with a flipped byte once.
 */
class MapPuller implements ChunkPuller {
  readonly requests: number[] = [];
  readonly asked = new Map<string, number>();
  private readonly chunks: Map<string, Buffer>;
  private readonly corruptOnce: Set<string>;

  constructor(chunks: Map<string, Buffer>, corruptOnce: Iterable<string> = []) {
    this.chunks = chunks;
    this.corruptOnce = new Set(corruptOnce);
  }

  private answer(id: Uint8Array): ChunkReply {
    const k = hex(id);
    this.asked.set(k, (this.asked.get(k) ?? 0) + 1);
    let data = this.chunks.get(k);
    if (!data) return { ok: false, code: 'E_CHUNK_UNAVAILABLE' };
    if (this.corruptOnce.delete(k)) {
      data = Buffer.from(data);
      data[0] ^= 1;
    }
    return { ok: true, codec: Codec.RAW, rawSize: data.length, data };
  }

  async pull(ctx: PullContext): Promise<void> {
    let todo = ctx.need.filter((c) => !ctx.isDone(c));
    for (let round = 0; todo.length > 0 && round < 4; round++) {
      this.requests.push(todo.length);
      const again: number[] = [];
      for (const c of todo) {
        const id = ctx.manifest.chunkId(c);
        const reply = this.answer(id);
        const v = checkChunkReply(reply, id, ctx.manifest.chunkRawSize(c));
        if (!v.ok) {
          ctx.reject(c, 'map', v.reason);
          again.push(c);
        } else await ctx.write(c, v.data, reply.ok ? reply.data.length : 0, 'map');
      }
      todo = again;
    }
  }
}

function fixture(): { dir: string; src: string; tree: LocalTree } {
  const dir = tmpDir('warp-rparts-');
  const src = path.join(dir, 'src');
  const spec: Record<string, Buffer> = {};
  for (let i = 0; i < 40; i++) spec[`s/f${i}.txt`] = crypto.randomBytes(200 + i * 50);
  spec['big.bin'] = crypto.randomBytes(600_000);
  spec['copy.bin'] = Buffer.alloc(0);
  writeTree(src, spec);
  fs.copyFileSync(path.join(src, 'big.bin'), path.join(src, 'copy.bin'));
  return { dir, src, tree: buildTree(src, PARAMS) };
}

/** The manifest's file entries in slot order, as the receiver numbers them. */
async function slotsOf(m: Manifest, target: string) {
  fs.mkdirSync(target, { recursive: true });
  const dest = (p: string): string => path.join(target, ...p.split('/'));
  return { dest, ...(await prepareTree(m, dest)) };
}

describe('ChunkPlacement (which chunk goes to which file offsets)', () => {
  it('lists every place of a shared chunk, completes a file on its last position, skips complete files', async () => {
    const { dir, tree } = fixture();
    const m = tree.manifest;
    const { fileEntries } = await slotsOf(m, path.join(dir, 'dst'));
    const t = new ChunkPlacement(m, fileEntries);
    const big = fileEntries.findIndex((e) => m.entry(e).path.endsWith('/big.bin'));
    const copy = fileEntries.findIndex((e) => m.entry(e).path.endsWith('/copy.bin'));
    const refs = m.refsOf(fileEntries[big]);
    expect(refs.length).toBeGreaterThan(3);
    expect(t.size).toBe(fileEntries.reduce((n, e) => n + m.refsOf(e).length, 0));
    // Each of big.bin's chunks also goes to copy.bin, at the same offset.
    let off = 0;
    for (const c of refs) {
      expect(t.end(c) - t.start(c)).toBe(2);
      expect(t.positionOf(c, big, off)).toBeGreaterThanOrEqual(0);
      expect(t.offsetOf(t.positionOf(c, copy, off))).toBe(off);
      expect(t.positionOf(c, big, off + 1)).toBe(-1);
      off += m.chunkRawSize(c);
    }
    // Filling big.bin's positions: only the last completes it, and a chunk is done once copy.bin has it too.
    const done: number[] = [];
    for (const [k, c] of Array.from(refs).entries()) {
      done.push(
        t.fill(
          t.positionOf(
            c,
            big,
            refs.slice(0, k).reduce((n, r) => n + m.chunkRawSize(r), 0),
          ),
        ),
      );
      expect(t.isDone(c)).toBe(false);
    }
    expect(done.slice(0, -1).every((s) => s === -1)).toBe(true);
    expect(done.at(-1)).toBe(big);
    expect(t.pending(big)).toBe(0);
    expect(t.pending(copy)).toBe(refs.length);
    expect(t.fillFile(copy, m.refsOf(fileEntries[copy]), (c) => m.chunkRawSize(c))).toBe(600_000);
    expect(t.pending(copy)).toBe(0);
    for (const c of refs) expect(t.isDone(c)).toBe(true);
  });
});

describe('LocalChunks (what the receiver can take from its own disk)', () => {
  it('skips complete files, plans copies from a changed one, resumes a part file, and leaves only the rest to pull', async () => {
    const { dir, src, tree } = fixture();
    const m = tree.manifest;
    const target = path.join(dir, 'dst');
    // The destination holds an old tree: s/ unchanged, big.bin with 20 bytes changed in its middle.
    fs.cpSync(src, path.join(target, 'src'), { recursive: true });
    fs.rmSync(path.join(target, 'src', 'copy.bin'));
    const fd = fs.openSync(path.join(target, 'src', 'big.bin'), 'r+');
    fs.writeSync(fd, crypto.randomBytes(20), 0, 20, 300_000);
    fs.closeSync(fd);
    const { dest, fileEntries, fileStats } = await slotsOf(m, target);
    const files = new ReceivedFiles({ manifest: m, fileEntries, sid: 'cc11dd22', dest, emit: () => {} });
    // An interrupted run left copy.bin's part file with its first chunk right and garbage after it.
    const copy = fileEntries.findIndex((e) => m.entry(e).path === 'src/copy.bin');
    const first = m.refsOf(fileEntries[copy])[0];
    const firstBytes = fs.readFileSync(path.join(src, 'copy.bin')).subarray(0, m.chunkRawSize(first));
    fs.writeFileSync(files.parts.partOf(copy), Buffer.concat([firstBytes, crypto.randomBytes(5000)]));

    const local = new LocalChunks(files, {});
    await local.examineDestination(fileStats);
    expect(files.tally.unchangedFiles).toBe(40);
    local.resumeParts();
    expect(files.tally.resumedBytes).toBe(m.chunkRawSize(first));
    const need = await local.planMissing();
    // Only the chunks the edit touched are missing (one or two of big.bin's); the rest is planned from big.bin.
    expect(need.length).toBeGreaterThanOrEqual(1);
    expect(need.length).toBeLessThanOrEqual(2);
    expect(local.plan.count).toBeGreaterThan(0);
    for (const c of need) expect(Array.from(m.refsOf(fileEntries[copy]))).toContain(c);
    files.planned(true);
    await files.abandon();
  });
});

describe('receiveTree over a ChunkPuller backed by a Map', () => {
  it('builds the tree; one corrupt reply among many is the only chunk asked for again', async () => {
    const { dir, src, tree } = fixture();
    const m = tree.manifest;
    const bad = hex(m.chunkId(3));
    const puller = new MapPuller(chunkMap(tree), [bad]);
    const rejected: number[] = [];
    const r = await receiveTree({
      manifest: m,
      sources: [],
      puller,
      target: path.join(dir, 'dst'),
      sid: 'cc11dd23',
      onEvent: (e) => {
        if (e.type === 'transfer.chunk-rejected') rejected.push(e.chunk);
      },
    });
    expect(readTree(path.join(dir, 'dst', 'src'))).toEqual(readTree(src));
    expect(listFiles(path.join(dir, 'dst')).filter((f) => f.includes('.warp-part-'))).toEqual([]);
    expect(rejected).toEqual([3]);
    expect(r.rejectedChunks).toBe(1);
    // Two requests: all of them, then the one that failed its check.
    expect(puller.requests).toEqual([m.chunkCount, 1]);
    expect(puller.asked.get(bad)).toBe(2);
    for (const [k, n] of puller.asked) if (k !== bad) expect(n, k).toBe(1);
  });

  it('a chunk the puller never delivers: E_CHUNK_UNAVAILABLE and nothing partial under a final name', async () => {
    const { dir, tree } = fixture();
    const m = tree.manifest;
    const chunks = chunkMap(tree);
    const big = tree.manifest.refsOf([...Array(m.entryCount).keys()].find((e) => m.entry(e).path === 'src/big.bin')!);
    chunks.delete(hex(m.chunkId(big[1])));
    const target = path.join(dir, 'dst');
    await expect(
      receiveTree({ manifest: m, sources: [], puller: new MapPuller(chunks), target, sid: 'cc11dd24' }),
    ).rejects.toMatchObject({ code: 'E_CHUNK_UNAVAILABLE' });
    expect(fs.existsSync(path.join(target, 'src', 'big.bin'))).toBe(false);
    expect(fs.existsSync(path.join(target, 'src', 'copy.bin'))).toBe(false);
    // A rerun with every chunk completes from what the first run wrote.
    const again = await receiveTree({
      manifest: m,
      sources: [],
      puller: new MapPuller(chunkMap(tree)),
      target,
      sid: 'cc11dd24',
    });
    expect(again.resumedBytes).toBeGreaterThan(0);
    expect(listFiles(target).filter((f) => f.includes('.warp-part-'))).toEqual([]);
  });
});

describe('prepareTree (directories before any file)', () => {
  it('creates every missing level; a symlink where a directory goes is refused and nothing is made through it', async () => {
    const dir = tmpDir('warp-prep-');
    const src = path.join(dir, 'src');
    writeTree(src, { 'a/b/c/d/f.txt': 'f', 'a/b/g.txt': 'g', 'a/x/y/z.txt': 'z', 'e/h.txt': 'h', 'top.txt': 't' });
    const m = buildTree(src, PARAMS).manifest;
    const target = path.join(dir, 'dst');
    const { fileEntries, fileStats } = await slotsOf(m, target);
    for (const d of ['a/b/c/d', 'a/x/y', 'e'])
      expect(fs.statSync(path.join(target, 'src', d)).isDirectory(), d).toBe(true);
    expect(fileEntries.length).toBe(5);
    expect(fileStats.every((s) => s === undefined)).toBe(true);

    const t2 = path.join(dir, 'dst2');
    const outside = path.join(dir, 'outside');
    fs.mkdirSync(path.join(t2, 'src', 'a'), { recursive: true });
    fs.mkdirSync(outside);
    fs.symlinkSync(outside, path.join(t2, 'src', 'a', 'x'));
    await expect(prepareTree(m, (p) => path.join(t2, ...p.split('/')))).rejects.toMatchObject({
      code: 'E_UNSAFE_PATH',
    });
    expect(fs.readdirSync(outside)).toEqual([]);
  });
});
