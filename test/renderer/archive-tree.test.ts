import { describe, expect, it } from 'vitest';
import type { ArchiveEntryDto } from '../../src/shared/bridge.ts';
import { ArchiveTree } from '../../src/renderer/archive/archive-tree.ts';

const file = (path: string, size = 10): ArchiveEntryDto => ({ path, type: 'file', size, mode: 0o644, mtimeMs: 1 });
const dir = (path: string): ArchiveEntryDto => ({ path, type: 'dir', size: 0, mode: 0o755, mtimeMs: 2 });

describe('ArchiveTree', () => {
  const t = ArchiveTree.build([
    dir('p'),
    file('p/z.txt', 5),
    dir('p/b'),
    file('p/b/x.bin', 100),
    // Parents the archive does not list are made up.
    file('q/deep/y.txt', 7),
    dir('p/a'),
    file('top.txt', 1),
  ]);
  const paths = (rows: number[]) => rows.map((i) => t.nodes[i].path);

  it('shows folders first, then names; only expanded folders open', () => {
    expect(paths(t.visibleRows(new Set()))).toEqual(['p', 'q', 'top.txt']);
    expect(paths(t.visibleRows(new Set([t.indexOf('p')])))).toEqual(['p', 'p/a', 'p/b', 'p/z.txt', 'q', 'top.txt']);
    expect(t.nodes[t.indexOf('q/deep')]).toMatchObject({ type: 'dir', depth: 1 });
  });

  it('sums sizes and file counts into folders', () => {
    expect(t.nodes[t.indexOf('p')]).toMatchObject({ size: 105, files: 2 });
    expect(t.nodes[t.indexOf('q')]).toMatchObject({ size: 7, files: 1 });
    expect(t.nodes[t.indexOf('p/a')]).toMatchObject({ size: 0, files: 0 });
  });

  it('searches paths case-insensitively in tree order', () => {
    expect(paths(t.search('B/X'))).toEqual(['p/b/x.bin']);
    expect(paths(t.search('.TXT'))).toEqual(['p/z.txt', 'q/deep/y.txt', 'top.txt']);
    expect(t.search('  ')).toEqual([]);
  });

  it('selection: a chosen folder covers what is under it, and extracts as one path', () => {
    const sel = new Set([t.indexOf('p/b'), t.indexOf('p/b/x.bin'), t.indexOf('top.txt')]);
    expect(t.isSelected(t.indexOf('p/b/x.bin'), new Set([t.indexOf('p')]))).toBe(true);
    expect(t.isSelected(t.indexOf('q'), new Set([t.indexOf('p')]))).toBe(false);
    expect(t.selectionPaths(sel)).toEqual(['p/b', 'top.txt']);
    expect(t.selectionTotals(sel)).toEqual({ files: 2, bytes: 101 });
  });

  it('a folder listed after its children keeps its place and takes its own facts', () => {
    const u = ArchiveTree.build([file('a/b.txt'), dir('a')]);
    expect(u.size).toBe(2);
    expect(u.nodes[u.indexOf('a')]).toMatchObject({ type: 'dir', mtimeMs: 2, size: 10, files: 1 });
  });

  it('builds 100k entries and answers a window without walking them per row', () => {
    const entries: ArchiveEntryDto[] = [];
    for (let d = 0; d < 100; d++) {
      entries.push(dir(`d${d}`));
      for (let f = 0; f < 999; f++) entries.push(file(`d${d}/f${f}`));
    }
    const big = ArchiveTree.build(entries);
    expect(big.size).toBe(100_000);
    expect(big.visibleRows(new Set()).length).toBe(100);
    expect(big.visibleRows(new Set([big.indexOf('d99')])).length).toBe(100 + 999);
    // d7/f99 and d7/f990 … d7/f998
    expect(big.search('d7/f99').length).toBe(10);
  });
});
