/** FolderWatcher on the real file system: one watch per directory, new ones followed, ignored ones never entered. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderWatcher } from '../../src/engine/sync/folder-watch.ts';
import { tmpDir } from '../helpers/tmp.ts';

const watchers: FolderWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.close();
});

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('FolderWatcher', () => {
  it('reports changes at any depth, follows new folders, never enters ignored ones, and ends on close', async () => {
    const root = tmpDir('warp-fwatch-');
    fs.mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    fs.mkdirSync(path.join(root, 'node_modules', 'x'), { recursive: true });
    const seen: string[] = [];
    const w = new FolderWatcher(root, {
      ignored: (abs) => path.basename(abs) === 'node_modules',
      onChange: (abs) => seen.push(path.relative(root, abs)),
      onError: (e) => {
        throw e;
      },
    });
    watchers.push(w);
    w.start();
    expect(w.size).toBe(3); // root, a, a/b: node_modules and below are not watched
    fs.writeFileSync(path.join(root, 'a', 'b', 'f.txt'), 'x');
    await until('a change two levels down', () => seen.includes(path.join('a', 'b', 'f.txt')));
    fs.mkdirSync(path.join(root, 'new'));
    await until('the new folder', () => seen.includes('new') && w.size === 4);
    fs.writeFileSync(path.join(root, 'new', 'g.txt'), 'y');
    await until('a change in the new folder', () => seen.includes(path.join('new', 'g.txt')));
    fs.writeFileSync(path.join(root, 'node_modules', 'x', 'h.txt'), 'z');
    fs.rmSync(path.join(root, 'a'), { recursive: true });
    await until('the removal', () => seen.includes('a') && w.size === 2);
    expect(seen.some((s) => s.startsWith('node_modules'))).toBe(false);
    w.close();
    const n = seen.length;
    fs.writeFileSync(path.join(root, 'late.txt'), 'late');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.length).toBe(n);
  });
});
