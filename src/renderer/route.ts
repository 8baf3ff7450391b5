/** Hash routing (each page's name is `pages.<id>` in the catalogues) (#/transfers): works from file:// in Electron and from the daemon without server rewrites. */
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
