import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blake3 } from '../../src/engine/codec/blake3.ts';
import { FastCdc } from '../../src/engine/codec/fastcdc.ts';
import { ChunkStore, FileIndex, chunkFile } from '../../src/engine/store/index.ts';
import { tmpDir } from '../helpers/tmp.ts';

const P = { minSize: 4096, avgSize: 16384, maxSize: 65536 };

/** Reference: chunk a buffer in one go with the archive's chunker. */
function refChunks(data: Buffer): Buffer[] {
  const cdc = new FastCdc(P);
  const st = cdc.newState();
  const out: Buffer[] = [];
  let start = 0;
  for (;;) {
    const c = cdc.findCut(st, data, start, data.length);
    if (c < 0) break;
    out.push(data.subarray(start, c));
    start = c;
  }
  if (start < data.length) out.push(data.subarray(start));
  return out;
}

describe('chunk store', () => {
  it('stores by content, verifies on read, drops a damaged copy', () => {
    const s = new ChunkStore(tmpDir());
    const data = crypto.randomBytes(5000);
    const id = blake3(data);
    expect(s.has(id)).toBe(false);
    expect(s.put(id, data)).toBe(true);
    expect(s.put(id, data)).toBe(false);
    expect(s.get(id)!.equals(data)).toBe(true);
    expect(() => s.put(blake3(Buffer.from('x')), data)).toThrow(/do not match/);
    const f = s.pathOf(id);
    const bad = Buffer.from(data);
    bad[10] ^= 1;
    fs.writeFileSync(f, bad);
    expect(s.get(id)).toBeUndefined();
    expect(fs.existsSync(f)).toBe(false);
    expect(s.stats()).toEqual({ chunks: 0, bytes: 0 });
  });
});

describe('chunk store cap', () => {
  it('evicts the least recently used chunks past its cap, in this process and the next', () => {
    const dir = tmpDir();
    const s = new ChunkStore(dir, { maxBytes: 10_000 });
    const chunks = Array.from({ length: 4 }, () => crypto.randomBytes(3000));
    const ids = chunks.map((c) => blake3(c));
    // Apart in time, so the mtimes that carry the order to the next process differ.
    const pause = (): void => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 15);
    };
    s.put(ids[0], chunks[0]);
    pause();
    s.put(ids[1], chunks[1]);
    pause();
    s.put(ids[2], chunks[2]);
    pause();
    expect(s.get(ids[0])!.equals(chunks[0])).toBe(true); // 0 is now the most recently used
    pause();
    s.put(ids[3], chunks[3]); // 12,000 bytes > 10,000: the least recently used (1) goes
    expect(s.has(ids[1])).toBe(false);
    expect([0, 2, 3].every((i) => s.has(ids[i]))).toBe(true);
    expect(s.stats()).toEqual({ chunks: 3, bytes: 9000 });
    // A new process sees the same chunks, in the same order (mtimes).
    const again = new ChunkStore(dir, { maxBytes: 6_000 });
    expect(again.bytes).toBe(9000);
    again.put(ids[1], chunks[1]); // 12,000 > 6,000: 2 (oldest), then 0 (read before 3 was stored) go
    expect(again.stats()).toEqual({ chunks: 2, bytes: 6000 });
    expect([ids[3], ids[1]].map((id) => again.get(id)?.length)).toEqual([3000, 3000]);
    expect(again.has(ids[0]) || again.has(ids[2])).toBe(false);
    // A store with a zero cap keeps nothing.
    const none = new ChunkStore(tmpDir(), { maxBytes: 0 });
    expect(none.put(ids[0], chunks[0])).toBe(false);
    expect(none.has(ids[0])).toBe(false);
  });
});

describe('file index and chunkFile', () => {
  it('chunks like the archive chunker, hashes the whole file, and caches unchanged files across restarts', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'f.bin');
    const data = crypto.randomBytes(40 * 1024 * 1024 + 123); // larger than the read buffer
    fs.writeFileSync(file, data);
    const idx = new FileIndex(path.join(dir, 'idx'));
    const a = chunkFile(file, P, idx);
    expect(a.cached).toBe(false);
    expect(Buffer.from(a.hash).equals(blake3(data))).toBe(true);
    const ref = refChunks(data);
    expect(a.lens.length).toBe(ref.length);
    ref.forEach((c, i) => expect(Buffer.from(a.ids.subarray(i * 32, i * 32 + 32)).equals(blake3(c))).toBe(true));
    idx.close();

    const idx2 = new FileIndex(path.join(dir, 'idx'));
    expect(idx2.size).toBe(1);
    const b = chunkFile(file, P, idx2);
    expect(b.cached).toBe(true);
    // locate: where chunk 3 lies
    const loc = idx2.locate(ref[3] ? blake3(ref[3]) : blake3(ref[0]));
    expect(loc[0].path).toBe(file);
    expect(data.subarray(loc[0].offset, loc[0].offset + loc[0].length).equals(ref[3])).toBe(true);
    // A change of mtime means a re-read.
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(chunkFile(file, P, idx2).cached).toBe(false);
    idx2.forget(file);
    idx2.close();
    expect(new FileIndex(path.join(dir, 'idx')).size).toBe(0);
  });

  it('locate stays current across put, replace and forget once its chunk map is built', () => {
    const dir = tmpDir();
    const idx = new FileIndex(path.join(dir, 'idx'));
    const rec = (p: string, ids: Buffer[]) => ({
      path: p,
      size: ids.length * 10,
      mtimeMs: 1,
      ino: 1,
      params: 'x',
      hash: new Uint8Array(32),
      ids: Buffer.concat(ids),
      lens: Uint32Array.from(ids.map(() => 10)),
    });
    const [a, b, c] = ['a', 'b', 'c'].map((x) => blake3(Buffer.from(x)));
    idx.put(rec('/f1', [a, b]));
    expect(idx.locate(b)).toEqual([{ path: '/f1', offset: 10, length: 10 }]); // builds the map
    idx.put(rec('/f2', [c, a])); // added to the built map
    expect(idx.locate(c)).toEqual([{ path: '/f2', offset: 0, length: 10 }]);
    expect(
      idx
        .locate(a)
        .map((l) => `${l.path}@${l.offset}`)
        .sort(),
    ).toEqual(['/f1@0', '/f2@10']);
    idx.put(rec('/f1', [c])); // replaced: its old chunks are gone from it
    expect(idx.locate(b)).toEqual([]);
    expect(
      idx
        .locate(c)
        .map((l) => l.path)
        .sort(),
    ).toEqual(['/f1', '/f2']);
    idx.forget('/f2');
    expect(idx.locate(a)).toEqual([]);
    expect(idx.locate(c)).toEqual([{ path: '/f1', offset: 0, length: 10 }]);
    // Many replacements of one file keep finding its latest chunks (stale slots give way).
    for (let i = 0; i < 3000; i++) idx.put(rec('/f3', [blake3(Buffer.from(`v${i}`)), a]));
    expect(idx.locate(a)).toEqual([{ path: '/f3', offset: 10, length: 10 }]);
    expect(idx.locate(blake3(Buffer.from('v2999')))[0].path).toBe('/f3');
    idx.close();
  });

  it('ignores a torn tail (SIGKILL mid-append) and keeps the records before it', () => {
    const dir = tmpDir();
    const idxDir = path.join(dir, 'idx');
    const idx = new FileIndex(idxDir);
    for (const n of ['a', 'b']) {
      fs.writeFileSync(path.join(dir, n), crypto.randomBytes(20000));
      chunkFile(path.join(dir, n), P, idx);
    }
    idx.close();
    fs.appendFileSync(path.join(idxDir, 'files.idx'), Buffer.from([0, 0, 1, 0, 0x93, 1]));
    expect(new FileIndex(idxDir).size).toBe(2);
  });

  it('small and empty files hash like one-shot BLAKE3', () => {
    const dir = tmpDir();
    for (const n of [0, 1, 4095, 30000, 70000]) {
      const f = path.join(dir, `s${n}`);
      const d = crypto.randomBytes(n);
      fs.writeFileSync(f, d);
      const r = chunkFile(f, P);
      expect(Buffer.from(r.hash).equals(blake3(d))).toBe(true);
      expect(r.lens.reduce((s, x) => s + x, 0)).toBe(n);
    }
  });

  it('hashes the whole file right on this thread too: one chunk, many chunks, and past a buffer refill', () => {
    const dir = tmpDir();
    const was = process.env.WARP_HASH_THREAD;
    process.env.WARP_HASH_THREAD = '0'; // the deferred whole-file hash (a one-chunk file's hash is its chunk id)
    try {
      for (const n of [5000, 65536, 3 * 1024 * 1024, 20 * 1024 * 1024 + 17]) {
        const f = path.join(dir, `t${n}`);
        const d = crypto.randomBytes(n);
        fs.writeFileSync(f, d);
        const r = chunkFile(f, P);
        expect(Buffer.from(r.hash).equals(blake3(d)), `${n} bytes`).toBe(true);
        expect(r.lens.reduce((s, x) => s + x, 0)).toBe(n);
      }
    } finally {
      if (was === undefined) delete process.env.WARP_HASH_THREAD;
      else process.env.WARP_HASH_THREAD = was;
    }
  });

  it('re-chunks a changed file from its old boundaries exactly like a fresh chunking (edits, insertions, truncation, growth)', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'f.bin');
    const idx = new FileIndex(path.join(dir, 'idx'));
    let data: Buffer = crypto.randomBytes(20 * 1024 * 1024 + 777); // more than one read buffer
    const edits: Array<(d: Buffer) => Buffer> = [
      (d) => {
        const e = Buffer.from(d);
        crypto.randomBytes(5000).copy(e, 3_000_000);
        crypto.randomBytes(64).copy(e, 18_000_000);
        return e;
      },
      (d) => Buffer.concat([d.subarray(0, 1_000_000), crypto.randomBytes(333), d.subarray(1_000_000)]), // insertion: boundaries shift
      (d) => d.subarray(0, d.length - 40_000), // truncated: the old last chunk is gone
      (d) => Buffer.concat([d, crypto.randomBytes(123_456)]), // grown: the old last chunk is not a cut any more
      (d) => d.subarray(0, 10_000), // shrunk to less than one old chunk run
      (d) => Buffer.concat([d, d]),
    ];
    fs.writeFileSync(file, data);
    chunkFile(file, P, idx);
    let t = Date.now();
    for (const edit of edits) {
      data = edit(data);
      fs.writeFileSync(file, data);
      t += 5000;
      fs.utimesSync(file, new Date(t), new Date(t));
      expect(idx.previous(file, P)).toBeDefined();
      const r = chunkFile(file, P, idx);
      expect(r.cached).toBe(false);
      expect(Buffer.from(r.hash).equals(blake3(data))).toBe(true);
      const ref = refChunks(data);
      expect(Array.from(r.lens)).toEqual(ref.map((c) => c.length));
      ref.forEach((c, i) => expect(Buffer.from(r.ids.subarray(i * 32, i * 32 + 32)).equals(blake3(c))).toBe(true));
    }
    idx.close();
  });
});
