/** Hash routing (#/transfers): works from file:// in Electron and from the daemon without server rewrites. */
import { useSyncExternalStore } from 'react';

export const PAGES = [
  { id: 'archive', label: 'Archive', icon: '▣' },
  { id: 'transfers', label: 'Transfers', icon: '⇅' },
  { id: 'routing', label: 'Routing', icon: '⌬' },
  { id: 'share', label: 'Share', icon: '⤴' },
  { id: 'sync', label: 'Sync', icon: '⟳' },
  { id: 'peers', label: 'Peers', icon: '◎' },
  { id: 'settings', label: 'Settings', icon: '⚙' },
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
