/**
 * Hash routing (#/transfers; each page's name is `pages.<id>` in the catalogues): works from file:// in Electron
 * and from the daemon without server rewrites. `#/archive?path=<archive>` is a link that opens an archive (a
 * bookmark, another tool, the desktop app's double-clicked .warp files all go through it: shortcuts.ts).
 */
import { useSyncExternalStore } from 'react';

export const PAGES = [
  { id: 'archive', icon: '▣' },
  { id: 'transfers', icon: '⇅' },
  { id: 'routing', icon: '⌬' },
  { id: 'share', icon: '⤴' },
  { id: 'sync', icon: '⟳' },
  { id: 'peers', icon: '◎' },
  { id: 'settings', icon: '⚙' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

function current(): PageId {
  const id = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return PAGES.find((p) => p.id === id)?.id ?? 'archive';
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): PageId {
  return useSyncExternalStore(subscribe, current);
}

export function go(page: PageId): void {
  location.hash = `#/${page}`;
}

/** The link that opens an archive (a path on the daemon's or the app's machine) in the Archive page. */
export function archiveLink(archivePath: string): string {
  return `#/archive?path=${encodeURIComponent(archivePath)}`;
}

/** The archive a `#/archive?path=` link names, or undefined for any other hash. */
export function linkedArchive(hash: string): string | undefined {
  const m = /^#\/?archive\?(.*)$/.exec(hash);
  if (!m) return undefined;
  const p = new URLSearchParams(m[1]).get('path');
  return p?.trim() ? p : undefined;
}
