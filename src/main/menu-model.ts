/**
 * The application menu as data: File (open and new archive, settings, close, quit), Edit (the text-editing
 * roles, without which copy and paste do nothing in a field), Go (the pages), Transfer (cancel), View
 * (zoom and full screen; reload and developer tools only in a development build), Help (the first-run guide)
 * and, on macOS, the app and Window menus. Commands and shortcuts come from src/shared/commands.ts; menu.ts turns this into Electron's
 * Menu and sends a chosen command to the page. Pure, unit-tested.
 */
import { commandSpec, type AppCommand } from '../shared/commands.ts';

export type MenuRole =
  | 'about'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'selectAll'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'reload'
  | 'toggleDevTools'
  | 'minimize'
  | 'zoom'
  | 'front';

export interface MenuItemModel {
  label?: string;
  accelerator?: string;
  command?: AppCommand;
  role?: MenuRole;
  separator?: true;
  submenu?: MenuItemModel[];
}

export interface MenuFacts {
  platform: NodeJS.Platform;
  /** A development build (not packaged): reload and developer tools are offered. */
  dev: boolean;
}

const cmd = (c: AppCommand, label?: string): MenuItemModel => {
  const s = commandSpec(c);
  return { label: label ?? s.label, accelerator: s.accelerator, command: c };
};
const sep: MenuItemModel = { separator: true };

export function applicationMenu(f: MenuFacts): MenuItemModel[] {
  const mac = f.platform === 'darwin';
  const app: MenuItemModel = {
    label: 'Warp',
    submenu: [
      { role: 'about' },
      sep,
      cmd('page:settings', 'Settings…'),
      sep,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      sep,
      { role: 'quit' },
    ],
  };
  const file: MenuItemModel = {
    label: 'File',
    submenu: [
      cmd('open-archive'),
      cmd('new-archive'),
      ...(mac ? [] : [sep, cmd('page:settings')]),
      sep,
      { role: 'close', label: 'Close Window' },
      ...(mac ? [] : [{ role: 'quit' as const, label: 'Quit Warp' }]),
    ],
  };
  const edit: MenuItemModel = {
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      sep,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const go: MenuItemModel = {
    label: 'Go',
    submenu: [
      cmd('page:archive'),
      cmd('page:transfers'),
      cmd('page:routing'),
      cmd('page:share'),
      cmd('page:sync'),
      cmd('page:peers'),
    ],
  };
  const transfer: MenuItemModel = { label: 'Transfer', submenu: [cmd('cancel-job')] };
  const view: MenuItemModel = {
    label: 'View',
    submenu: [
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
      ...(f.dev ? [sep, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
    ],
  };
  const win: MenuItemModel = {
    label: 'Window',
    submenu: [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }],
  };
  const help: MenuItemModel = { label: 'Help', submenu: [cmd('show-guide')] };
  return [...(mac ? [app] : []), file, edit, go, transfer, view, ...(mac ? [win] : []), help];
}
