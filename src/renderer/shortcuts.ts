/**
 * The app's commands (src/shared/commands.ts) in the page: the desktop app's menu sends them over IPC (the
 * menu owns the keys there); in a browser the page listens for the same commands' web keys. Commands that
 * act on a page (open or new archive) wait in `useCommands` until the page, shown by then, takes them.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import { COMMANDS, matchesKey, type AppCommand } from '../shared/commands.ts';
import { bridge } from './bridge/index.ts';
import { errorLine } from './error-words.ts';
import { openGuide } from './guide/guide-store.ts';
import { t } from './i18n/index.ts';
import { archiveLink, go, linkedArchive, type PageId } from './route.ts';
import { useApp } from './store/app.ts';
import { isActive, isTransfer, useJobs } from './store/jobs.ts';

interface CommandsState {
  /** A command for the Archive page, waiting for it to take it (takeCommand); 'open-path' opens `path`. */
  pending?: 'open-archive' | 'new-archive' | 'open-path';
  path?: string;
}

export const useCommands = create<CommandsState>(() => ({}));

/** The page's side: the waiting command, once (it is cleared as it is taken). */
export function takeCommand(): Pick<CommandsState, 'pending' | 'path'> {
  const { pending, path } = useCommands.getState();
  if (pending) useCommands.setState({ pending: undefined, path: undefined });
  return { pending, path };
}

/**
 * Follows a `#/archive?path=` link: the Archive page opens that archive, and the address goes back to
 * `#/archive` (so following the same link again is a change the page hears).
 */
function followArchiveLink(): void {
  const p = linkedArchive(location.hash);
  if (!p) return;
  history.replaceState(null, '', `${location.pathname}${location.search}#/archive`);
  useCommands.setState({ pending: 'open-path', path: p });
  // replaceState fires no hashchange: the route hears of the page through one.
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function runCommand(c: AppCommand): void {
  if (c.startsWith('page:')) return go(c.slice(5) as PageId);
  if (c === 'open-archive' || c === 'new-archive') {
    go('archive');
    useCommands.setState({ pending: c });
    return;
  }
  if (c === 'show-guide') return openGuide();
  if (c === 'cancel-job') void cancelNewestJob();
}

/** Cancels the most recently started job that still runs (a transfer through its own route). */
async function cancelNewestJob(): Promise<void> {
  const toast = useApp.getState().toast;
  const running = Object.values(useJobs.getState().jobs)
    .filter(isActive)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const j = running[0];
  if (!j) return toast('info', t('shortcuts.nothingToCancel'));
  try {
    if (isTransfer(j)) await bridge().transfers.cancel(j.id);
    else await bridge().jobs.cancel(j.id);
    toast('info', t('shortcuts.cancelled', { title: j.title }));
  } catch (err) {
    toast('error', errorLine(err));
  }
}

const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** Wires the commands for the app's lifetime: menu commands in the desktop app, web keys in a browser. */
export function useAppCommands(): void {
  useArchiveLinks();
  useEffect(() => {
    const b = bridge();
    if (b.onCommand) return b.onCommand(runCommand);
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat) return;
      const hit = COMMANDS.find((c) => matchesKey(c.webKey, e, isMac()));
      if (!hit) return;
      e.preventDefault();
      runCommand(hit.command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** `#/archive?path=` links, and the desktop app's opened `.warp` files through the same link. */
function useArchiveLinks(): void {
  useEffect(() => {
    followArchiveLink();
    window.addEventListener('hashchange', followArchiveLink);
    const off = bridge().onOpenFiles?.((paths) => {
      // One archive shows at a time: the last one asked for.
      const last = paths.at(-1);
      if (last) location.hash = archiveLink(last);
    });
    return () => {
      window.removeEventListener('hashchange', followArchiveLink);
      off?.();
    };
  }, []);
}

/** A key as people read it: "Ctrl+Shift+1", "⌘O". */
export function keyLabel(accel: string): string {
  return isMac()
    ? accel.replace('CmdOrCtrl+', '⌘').replace('Alt+', '⌥').replace('Shift+', '⇧')
    : accel.replace('CmdOrCtrl', 'Ctrl');
}

/** The key of a command in this surface (desktop: the menu's; web: the page's). */
export function shortcutOf(c: AppCommand): string {
  const spec = COMMANDS.find((x) => x.command === c)!;
  return keyLabel(bridge().onCommand ? spec.accelerator : spec.webKey);
}
