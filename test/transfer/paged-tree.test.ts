/**
 * scanTreePaged (transfer/tree.ts) against buildTree: the pages hold the same files, in the same order, with the
 * same chunk lists and hashes; the last part the same directories and symlinks; every chunk is located while the
 * pages go out; pages grow from `firstFiles` to `maxFiles`.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import { EntryType, type Manifest } from '../../src/engine/model/manifest.ts';
import { PagesRoot } from '../../src/engine/transfer/paged-push.ts';
import { buildTree, scanTreePaged } from '../../src/engine/transfer/tree.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

/** A file entry's path, size, hash and chunk ids. */
function files(m: Manifest): string[] {
  const out: string[] = [];
  for (const e of m.entries()) {
    if (e.type !== EntryType.FILE) continue;
    const ids = Array.from(m.refsOf(e.index), (c) => Buffer.from(m.chunkId(c)).toString('hex').slice(0, 12));
    out.push(`${e.path} ${e.size} ${Buffer.from(e.hash!).toString('hex')} ${ids.join(',')}`);
  }
  return out;
}

const others = (m: Manifest): string[] =>
  [...m.entries()].filter((e) => e.type !== EntryType.FILE).map((e) => `${e.path} ${e.type} ${e.linkTarget ?? ''}`);

describe('a tree scanned in pages', () => {
  it('holds what the whole manifest holds, files in pages and the rest last', async () => {
    const root = path.join(tmpDir('warp-paged-tree-'), 'data');
    const same = crypto.randomBytes(40_000);
    writeTree(root, {
      'a/one.bin': crypto.randomBytes(300_000),
      'a/dup1.bin': same,
      'b/c/dup2.bin': same,
      'b/c/empty': '',
      'b/link': { link: '../a/one.bin' },
      e: null,
      ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`m/f${i}.txt`, `small ${i}\n`.repeat(i + 1)])),
    });
    const params = paramsForAverage(16 * 1024);
    const whole = buildTree(root, params).manifest;
    const pages: Manifest[] = [];
    const scan = scanTreePaged(root, params, { onPage: (m) => pages.push(m), firstFiles: 2, maxFiles: 8 });
    const rest = await scan.done;
    expect(pages.map((p) => p.entryCount)).toEqual([2, 4, 8, 8, 8, 4]);
    expect(pages.flatMap(files)).toEqual(files(whole));
    expect(pages.every((p) => others(p).length === 0)).toBe(true);
    expect(others(rest)).toEqual(others(whole));
    expect(rest.chunkCount).toBe(0);
    for (let c = 0; c < whole.chunkCount; c++) {
      const place = scan.tree.locate(whole.chunkId(c));
      expect(place?.length).toBe(whole.chunkRawSize(c));
    }
    // The root both sides compute: over each part in order.
    const a = new PagesRoot();
    const b = new PagesRoot();
    for (const m of [...pages, rest]) a.add(m.merkleRoot);
    for (const m of [...pages.slice().reverse(), rest]) b.add(m.merkleRoot);
    expect(a.hex()).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hex()).not.toBe(b.hex());
  });
});
