/**
 * The app's commands and their shortcuts, one table for both surfaces: Electron's application menu
 * (src/main/menu-model.ts) shows `accelerator`; the web UI (src/renderer/shortcuts.ts) listens for `webKey`,
 * which differs only where browsers keep the key for themselves (Ctrl+N, Ctrl+1…9 switch windows and tabs).
 * Keys are Electron accelerator strings; `CmdOrCtrl` is ⌘ on macOS, Ctrl elsewhere. Pure data.
 */
import type { Catalogue } from './i18n/catalogue.ts';

/** A command's name: a key of the catalogue's `commands` or `pages` section ("pages.sync"). */
export type CommandLabel = `commands.${keyof Catalogue['commands']}` | `pages.${keyof Catalogue['pages']}`;
export type PageCommand =
  'page:archive' | 'page:transfers' | 'page:routing' | 'page:share' | 'page:sync' | 'page:peers' | 'page:settings';
export type AppCommand = 'open-archive' | 'new-archive' | 'cancel-job' | 'show-guide' | PageCommand;

export interface CommandSpec {
  command: AppCommand;
  /** Its name in the catalogues (src/shared/i18n): the menu and the page show it in the user's language. */
  label: CommandLabel;
  accelerator: string;
  webKey: string;
}

const page = (n: number, id: keyof Catalogue['pages']): CommandSpec => ({
  command: `page:${id}`,
  label: `pages.${id}`,
  accelerator: `CmdOrCtrl+${n}`,
  webKey: `Alt+Shift+${n}`,
});

export const COMMANDS: readonly CommandSpec[] = [
  { command: 'open-archive', label: 'commands.openArchive', accelerator: 'CmdOrCtrl+O', webKey: 'CmdOrCtrl+O' },
  { command: 'new-archive', label: 'commands.newArchive', accelerator: 'CmdOrCtrl+N', webKey: 'Alt+Shift+N' },
  { command: 'page:settings', label: 'commands.settings', accelerator: 'CmdOrCtrl+,', webKey: 'CmdOrCtrl+,' },
  page(1, 'archive'),
  page(2, 'transfers'),
  page(3, 'routing'),
  page(4, 'share'),
  page(5, 'sync'),
  page(6, 'peers'),
  { command: 'cancel-job', label: 'commands.cancelJob', accelerator: 'CmdOrCtrl+.', webKey: 'CmdOrCtrl+.' },
  // F1 is the browser's own help key: the page takes Alt+Shift+G instead.
  { command: 'show-guide', label: 'commands.showGuide', accelerator: 'F1', webKey: 'Alt+Shift+G' },
];

export function commandSpec(c: AppCommand): CommandSpec {
  return COMMANDS.find((x) => x.command === c)!;
}

export function isAppCommand(v: unknown): v is AppCommand {
  return typeof v === 'string' && COMMANDS.some((c) => c.command === v);
}

/** Whether a key event matches an accelerator ("CmdOrCtrl+Shift+N"); `mac` decides what CmdOrCtrl means. */
export function matchesKey(
  accel: string,
  e: { key: string; code?: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean },
  mac: boolean,
): boolean {
  const parts = accel.split('+');
  const key = parts.pop()!;
  const want = new Set(parts);
  const cmd = want.has('CmdOrCtrl');
  const ctrl = want.has('Ctrl') || (cmd && !mac);
  const meta = want.has('Cmd') || (cmd && mac);
  if (e.ctrlKey !== ctrl || e.metaKey !== meta || e.altKey !== want.has('Alt') || e.shiftKey !== want.has('Shift'))
    return false;
  // With Shift or Alt held, `key` is the shifted or composed character ('!' for 1, 'Ñ'…): compare the physical key.
  if (/^[0-9]$/.test(key)) return e.code === `Digit${key}` || e.key === key;
  if (/^[A-Z]$/.test(key)) return e.code === `Key${key}` || e.key.toUpperCase() === key;
  return e.key === key;
}
