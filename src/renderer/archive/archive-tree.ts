/**
 * An archive's entries as a tree the Archive page can show a window of: built once from the flat list
 * (parents the archive does not list are made up as folders), then each render asks only for the rows that
 * are visible (expanded folders, in order) or that match a search. Nothing here touches the DOM, so 100k
 * entries cost one pass to build and one pass over the visible rows per change, never a node per entry.
 */
import type { ArchiveEntryDto, ArchiveEntryType } from '../../shared/bridge.ts';

export interface TreeNode {
  path: string;
  name: string;
  type: ArchiveEntryType;
  /** A file's size; a folder's: the sum of the files under it. */
  size: number;
  mtimeMs: number;
  depth: number;
  /** Index of the parent node; -1 at the top. */
  parent: number;
  children: number[];
  /** Files under a folder (itself, for a file: 1). */
  files: number;
}

export class ArchiveTree {
  readonly nodes: TreeNode[] = [];
  readonly roots: number[] = [];
  private readonly byPath = new Map<string, number>();

  static build(entries: readonly ArchiveEntryDto[]): ArchiveTree {
    const t = new ArchiveTree();
    for (const e of entries) t.add(e);
    t.sortAndSum();
    return t;
  }

  get size(): number {
    return this.nodes.length;
  }

  indexOf(path: string): number {
    return this.byPath.get(path) ?? -1;
  }

  /** The rows to show: the roots, and the children of every expanded folder, depth first. */
  visibleRows(expanded: ReadonlySet<number>): number[] {
    const out: number[] = [];
    const stack = [...this.roots].reverse();
    while (stack.length > 0) {
      const i = stack.pop()!;
      out.push(i);
      if (expanded.has(i)) {
        const c = this.nodes[i].children;
        for (let k = c.length - 1; k >= 0; k--) stack.push(c[k]);
      }
    }
    return out;
  }

  /** Entries whose path contains `query` (case-insensitive), in tree order. */
  search(query: string): number[] {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const out: number[] = [];
    for (const i of this.visibleRows(ALL)) if (this.nodes[i].path.toLowerCase().includes(q)) out.push(i);
    return out;
  }

  /** Whether a node is chosen, itself or through a chosen folder above it. */
  isSelected(i: number, selected: ReadonlySet<number>): boolean {
    for (let k = i; k >= 0; k = this.nodes[k].parent) if (selected.has(k)) return true;
    return false;
  }

  /** The paths an extract of the selection needs: each chosen node once, none under a chosen folder. */
  selectionPaths(selected: ReadonlySet<number>): string[] {
    const out: string[] = [];
    for (const i of selected) {
      const p = this.nodes[i].parent;
      if (p < 0 || !this.isSelected(p, selected)) out.push(this.nodes[i].path);
    }
    return out.sort();
  }

  /** Files and bytes the selection covers. */
  selectionTotals(selected: ReadonlySet<number>): { files: number; bytes: number } {
    let files = 0;
    let bytes = 0;
    for (const path of this.selectionPaths(selected)) {
      const n = this.nodes[this.indexOf(path)];
      files += n.files;
      bytes += n.size;
    }
    return { files, bytes };
  }

  private add(e: ArchiveEntryDto): void {
    const path = e.path.replace(/\/+$/, '');
    const known = this.byPath.get(path);
    if (known !== undefined) {
      // A folder made up for an earlier child, now listed itself: take its real facts.
      Object.assign(this.nodes[known], { type: e.type, mtimeMs: e.mtimeMs, size: e.type === 'file' ? e.size : 0 });
      return;
    }
    const cut = path.lastIndexOf('/');
    const parent = cut < 0 ? -1 : this.folder(path.slice(0, cut));
    this.push(path, e.type, e.type === 'file' ? e.size : 0, e.mtimeMs, parent);
  }

  /** The node of a folder path, made up (with its own parents) when the archive does not list it. */
  private folder(path: string): number {
    const known = this.byPath.get(path);
    if (known !== undefined) return known;
    const cut = path.lastIndexOf('/');
    const parent = cut < 0 ? -1 : this.folder(path.slice(0, cut));
    return this.push(path, 'dir', 0, 0, parent);
  }

  private push(path: string, type: ArchiveEntryType, size: number, mtimeMs: number, parent: number): number {
    const i = this.nodes.length;
    const depth = parent < 0 ? 0 : this.nodes[parent].depth + 1;
    this.nodes.push({
      path,
      name: path.slice(path.lastIndexOf('/') + 1),
      type,
      size,
      mtimeMs,
      depth,
      parent,
      children: [],
      files: 0,
    });
    this.byPath.set(path, i);
    (parent < 0 ? this.roots : this.nodes[parent].children).push(i);
    return i;
  }

  /** Folders first, then by name; folder sizes and file counts summed bottom-up (children come after parents). */
  private sortAndSum(): void {
    const byName = (a: number, b: number) => {
      const x = this.nodes[a];
      const y = this.nodes[b];
      if ((x.type === 'dir') !== (y.type === 'dir')) return x.type === 'dir' ? -1 : 1;
      return x.name < y.name ? -1 : x.name > y.name ? 1 : 0;
    };
    this.roots.sort(byName);
    for (const n of this.nodes) n.children.sort(byName);
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i];
      if (n.type === 'file') n.files = 1;
      if (n.parent >= 0) {
        this.nodes[n.parent].size += n.size;
        this.nodes[n.parent].files += n.files;
      }
    }
  }
}

/** Every node counts as expanded: visibleRows(ALL) is the whole tree in order. */
const ALL: ReadonlySet<number> = { has: () => true } as unknown as ReadonlySet<number>;
