/**
 * The application menu as data: File (open and new archive, settings, close, quit), Edit (the text-editing
 * roles, without which copy and paste do nothing in a field), Go (the pages), Transfer (cancel), View
 * (zoom and full screen; reload and developer tools only in a development build), Help (the first-run guide)
 * and, on macOS, the app and Window menus. Commands and shortcuts come from src/shared/commands.ts; menu.ts turns this into Electron's
 * Menu and sends a chosen command to the page. Pure, unit-tested.
 */
import { commandSpec, type AppCommand } from '../shared/commands.ts';
import { CATALOGUES, wordAt, type Catalogue, type Language } from '../shared/i18n/catalogue.ts';

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
  /** The language of the labels (the page's choice, else the OS's); English when absent. */
  language?: Language;
}

const sep: MenuItemModel = { separator: true };

export function applicationMenu(f: MenuFacts): MenuItemModel[] {
  const mac = f.platform === 'darwin';
  const words = CATALOGUES[f.language ?? 'en'];
  const w: Catalogue['menu'] = words.menu;
  const cmd = (c: AppCommand, label?: string): MenuItemModel => {
    const s = commandSpec(c);
    return { label: label ?? wordAt(words, s.label), accelerator: s.accelerator, command: c };
  };
  // Roles get our words too: Electron's own role labels are English on Linux and Windows.
  const role = (r: MenuRole & keyof Catalogue['menu'], label?: string): MenuItemModel => ({
    role: r,
    label: label ?? w[r],
  });
  const app: MenuItemModel = {
    label: 'Warp',
    submenu: [
      role('about'),
      sep,
      cmd('page:settings', words.commands.settingsEllipsis),
      sep,
      role('hide'),
      role('hideOthers'),
      role('unhide'),
      sep,
      role('quit'),
    ],
  };
  const file: MenuItemModel = {
    label: w.file,
    submenu: [
      cmd('open-archive'),
      cmd('new-archive'),
      ...(mac ? [] : [sep, cmd('page:settings')]),
      sep,
      role('close'),
      ...(mac ? [] : [role('quit')]),
    ],
  };
  const edit: MenuItemModel = {
    label: w.edit,
    submenu: [role('undo'), role('redo'), sep, role('cut'), role('copy'), role('paste'), role('selectAll')],
  };
  const go: MenuItemModel = {
    label: w.go,
    submenu: [
      cmd('page:archive'),
      cmd('page:transfers'),
      cmd('page:routing'),
      cmd('page:share'),
      cmd('page:sync'),
      cmd('page:peers'),
    ],
  };
  const transfer: MenuItemModel = { label: w.transfer, submenu: [cmd('cancel-job')] };
  const view: MenuItemModel = {
    label: w.view,
    submenu: [
      role('resetZoom'),
      role('zoomIn'),
      role('zoomOut'),
      sep,
      role('togglefullscreen'),
      ...(f.dev ? [sep, role('reload'), role('toggleDevTools')] : []),
    ],
  };
  const win: MenuItemModel = {
    label: w.window,
    submenu: [role('minimize'), role('zoom'), sep, role('front')],
  };
  const help: MenuItemModel = { label: w.help, submenu: [cmd('show-guide')] };
  return [...(mac ? [app] : []), file, edit, go, transfer, view, ...(mac ? [win] : []), help];
}
