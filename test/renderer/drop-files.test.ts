/** A dropped folder walked through the entries API keeps its folders (empty ones too) and their times. */
import { describe, expect, it } from 'vitest';
import { walk, type Picked } from '../../src/renderer/components/drop-files.ts';

type Node = { name: string; children?: Node[]; mtime?: number; bytes?: string };

/** A FileSystemEntry tree as Chromium gives it for a drop: readEntries in batches, then an empty batch. */
function entry(n: Node): FileSystemEntry {
  if (!n.children)
    return {
      name: n.name,
      isFile: true,
      isDirectory: false,
      file: (ok: (f: File) => void) => ok(new File([n.bytes ?? ''], n.name, { lastModified: n.mtime ?? 0 })),
    } as unknown as FileSystemEntry;
  return {
    name: n.name,
    isFile: false,
    isDirectory: true,
    getMetadata: (ok: (m: { modificationTime: Date }) => void) => ok({ modificationTime: new Date(n.mtime ?? 0) }),
    createReader: () => {
      let given = false;
      return {
        readEntries: (ok: (e: FileSystemEntry[]) => void) => {
          ok(given ? [] : n.children!.map(entry));
          given = true;
        },
      };
    },
  } as unknown as FileSystemEntry;
}

describe('walk (a dropped folder)', () => {
  it('lists every folder with its time, empty ones included, and every file with its path', async () => {
    const out: Picked = { files: [], dirs: [] };
    await walk(
      entry({
        name: 'proj',
        mtime: 1000,
        children: [
          { name: 'empty', mtime: 2000, children: [] },
          { name: 'src', mtime: 3000, children: [{ name: 'a.ts', bytes: 'x', mtime: 4000 }] },
        ],
      }),
      '',
      out,
    );
    expect(out.dirs).toEqual([
      { path: 'proj', mtimeMs: 1000 },
      { path: 'proj/empty', mtimeMs: 2000 },
      { path: 'proj/src', mtimeMs: 3000 },
    ]);
    expect(out.files.map((f) => [f.path, f.file.lastModified])).toEqual([['proj/src/a.ts', 4000]]);
  });
});
