/**
 * The entries of an opened archive as a virtualised tree: only the rows in view (plus a few either side) are
 * in the DOM, each ROW_HEIGHT tall, so 100k entries scroll like 100. A search shows the matching entries as
 * a flat list of full paths. Checkboxes choose what "Extract selected" restores; a chosen folder covers
 * everything under it.
 */
import { useMemo, useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import { formatBytes } from '../format.ts';
import type { ArchiveTree, TreeNode } from './archive-tree.ts';
import { useT } from '../i18n/index.ts';

export const ROW_HEIGHT = 28;
const OVERSCAN = 8;

export interface TreeViewProps {
  tree: ArchiveTree;
  selected: ReadonlySet<number>;
  onToggleSelect: (i: number) => void;
}

export function ArchiveTreeView({ tree, selected, onToggleSelect }: TreeViewProps) {
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => firstLevelOpen(tree));
  const [query, setQuery] = useState('');
  const t = useT();
  const rows = useMemo(() => (query.trim() ? tree.search(query) : tree.visibleRows(expanded)), [tree, expanded, query]);
  const toggle = (i: number) =>
    setExpanded((s) => {
      const n = new Set(s);
      if (!n.delete(i)) n.add(i);
      return n;
    });
  return (
    <div className="stack" style={{ gap: 8 }}>
      <div className="row">
        <input
          type="search"
          placeholder={t('tree.search')}
          aria-label={t('tree.searchLabel')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="entry-search"
          style={{ flex: 1 }}
        />
        <span className="muted small" data-testid="entry-count" aria-live="polite">
          {query.trim()
            ? t('tree.matches', { matched: rows.length, count: tree.size })
            : t('tree.entries', { count: tree.size })}
        </span>
      </div>
      <VirtualRows
        count={rows.length}
        render={(k) => (
          <TreeRow
            key={rows[k]}
            tree={tree}
            i={rows[k]}
            flat={query.trim() !== ''}
            open={expanded.has(rows[k])}
            checked={tree.isSelected(rows[k], selected)}
            onToggleOpen={toggle}
            onToggleSelect={onToggleSelect}
          />
        )}
      />
    </div>
  );
}

/** A fixed-height scroller that mounts only the rows in view. */
function VirtualRows({ count, render }: { count: number; render: (k: number) => ReactElement }) {
  const t = useT();
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const viewport = box.current?.clientHeight ?? 420;
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((top + viewport) / ROW_HEIGHT) + OVERSCAN);
  const items: ReactElement[] = [];
  for (let k = first; k < last; k++) items.push(render(k));
  return (
    <div
      ref={box}
      className="tree-scroll"
      data-testid="archive-entries"
      data-rows={count}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
      tabIndex={0}
      role="region"
      aria-label={t('tree.entriesLabel')}
    >
      <div style={{ height: count * ROW_HEIGHT, position: 'relative' }} role="list">
        <div style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>{items}</div>
      </div>
    </div>
  );
}

function TreeRow(p: {
  tree: ArchiveTree;
  i: number;
  flat: boolean;
  open: boolean;
  checked: boolean;
  onToggleOpen: (i: number) => void;
  onToggleSelect: (i: number) => void;
}) {
  const n: TreeNode = p.tree.nodes[p.i];
  const t = useT();
  const isDir = n.type === 'dir';
  const onKey = (e: KeyboardEvent) => {
    if (!isDir || p.flat) return;
    if ((e.key === 'ArrowRight' && !p.open) || (e.key === 'ArrowLeft' && p.open)) {
      e.preventDefault();
      p.onToggleOpen(p.i);
    }
  };
  return (
    <div
      className="tree-row"
      role="listitem"
      style={{ height: ROW_HEIGHT, paddingLeft: p.flat ? 4 : 4 + n.depth * 16 }}
      data-path={n.path}
      onKeyDown={onKey}
    >
      <input
        type="checkbox"
        checked={p.checked}
        onChange={() => p.onToggleSelect(p.i)}
        aria-label={t('tree.select', { path: n.path })}
      />
      {isDir && !p.flat ? (
        <button
          type="button"
          className="tree-toggle"
          aria-expanded={p.open}
          aria-label={p.open ? t('tree.collapse', { path: n.path }) : t('tree.expand', { path: n.path })}
          onClick={() => p.onToggleOpen(p.i)}
        >
          {p.open ? '▾' : '▸'}
        </button>
      ) : (
        <span className="tree-toggle" aria-hidden />
      )}
      <span className="mono ellipsis tree-name" title={n.path}>
        {p.flat ? n.path : n.name}
        {isDir ? '/' : n.type === 'symlink' ? ' →' : ''}
      </span>
      <span className="muted small num hide-phone">{isDir ? t('verify.files', { count: n.files }) : ''}</span>
      <span className="num small tree-size">{n.type === 'symlink' ? '' : formatBytes(n.size)}</span>
    </div>
  );
}

/** Opens the top folders at first: an archive of one folder shows that folder's contents straight away. */
function firstLevelOpen(tree: ArchiveTree): ReadonlySet<number> {
  return new Set(tree.roots.length <= 3 ? tree.roots.filter((i) => tree.nodes[i].type === 'dir') : []);
}
