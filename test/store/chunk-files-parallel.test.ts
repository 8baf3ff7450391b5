import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import { scanWorkerUse } from '../../src/engine/store/chunk-files-parallel.ts';
import { FileIndex } from '../../src/engine/store/file-index.ts';
import { buildTree, buildTreeParallel, type LocalTree } from '../../src/engine/transfer/tree.ts';
import { tmpDir } from '../helpers/tmp.ts';

const params = paramsForAverage(16 * 1024);

/** Small and multi-chunk files, duplicates, empty files, a symlink, nested folders. */
function makeTree(): string {
  const root = tmpDir('warp-scan2-');
  const dup = crypto.randomBytes(40_000);
  for (let i = 0; i < 300; i++) {
    const f = path.join(root, `d${i % 7}`, `e${i % 3}`, `f${i}.bin`);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    const n = i % 50 === 0 ? 300_000 + i : i % 11 === 0 ? 0 : 100 + ((i * 7919) % 30_000);
    fs.writeFileSync(f, i % 13 === 0 ? dup : crypto.randomBytes(n));
  }
  fs.symlinkSync('d0/e0/f0.bin', path.join(root, 'link'));
  return root;
}

/** The tree as bytes plus every chunk read back through `locate` (the server's view). */
function served(t: LocalTree): { manifest: string; chunks: string[] } {
  const m = t.manifest;
  const chunks: string[] = [];
  for (let c = 0; c < m.chunkCount; c++) {
    const p = t.locate(m.chunkId(c))!;
    const fd = fs.openSync(p.abs, 'r');
    const b = Buffer.alloc(p.length);
    fs.readSync(fd, b, 0, p.length, p.offset);
    fs.closeSync(fd);
    chunks.push(crypto.createHash('sha256').update(b).digest('hex'));
  }
  return { manifest: Buffer.from(m.encode()).toString('hex'), chunks };
}

describe('the scan on both cores', () => {
  it('builds the same tree, byte for byte, as the one-thread scan: worker only, shared, and with the index', async () => {
    const root = makeTree();
    const want = served(buildTree(root, params));
    const before = scanWorkerUse.files;
    const small = { minBytes: 0, minFiles: 0, batchFiles: 7, batchBytes: 64 * 1024, anyLoad: true };
    const workerOnly = await buildTreeParallel(root, params, undefined, undefined, undefined, {
      ...small,
      workerOnly: true,
    });
    expect(scanWorkerUse.files - before).toBeGreaterThan(250);
    expect(served(workerOnly)).toEqual(want);
    expect(served(await buildTreeParallel(root, params, undefined, undefined, undefined, small))).toEqual(want);
    // With a file index: the first build records every file (the worker's too), the second reads none.
    const index = new FileIndex(tmpDir('warp-scan2-idx-'));
    const first = await buildTreeParallel(root, params, index, undefined, undefined, small);
    expect(served(first)).toEqual(want);
    const again = await buildTreeParallel(root, params, index, undefined, undefined, small);
    expect(again.cachedFiles).toBe(300);
    expect(served(again)).toEqual(want);
  });

  it('a scan yields to the event loop between slices, the first (reading) and a re-scan (index look-ups) alike', async () => {
    const root = tmpDir('warp-scan2-slices-');
    for (let i = 0; i < 1300; i++) {
      const f = path.join(root, `d${i % 5}`, `f${i}.txt`);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, `file ${i}\n`.repeat(1 + (i % 9)));
    }
    const index = new FileIndex(tmpDir('warp-scan2-slices-idx-'));
    const want = served(buildTree(root, params));
    for (const pass of ['first', 'again']) {
      let loopRan = false;
      setImmediate(() => (loopRan = true));
      // Settled before a macrotask could run means the whole scan held the event loop.
      const tree = await buildTreeParallel(root, params, index).then((t) => ({ t, loopRan }));
      expect(tree.loopRan, pass).toBe(true);
      expect(served(tree.t)).toEqual(want);
      if (pass === 'again') expect(tree.t.cachedFiles).toBe(1300);
    }
  });
});
