/**
 * Installs the application menu (menu-model.ts) and sends the page the command a menu item stands for. The menu
 * speaks the OS's language until the page says which one it shows (Settings → Language), then that one; the tray
 * and the notifications follow it (`language()`, `onLanguage`). Only the app's own page may say it, like every
 * other IPC message (ipc.ts).
 */
import { app, ipcMain, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { isLanguage, pickLanguage, type Language } from '../shared/i18n/catalogue.ts';
import { IPC_COMMAND_CHANNEL, IPC_LANGUAGE_CHANNEL } from '../shared/ipc.ts';
import type { AppCommand } from '../shared/commands.ts';
import { applicationMenu, type MenuFacts, type MenuItemModel } from './menu-model.ts';
import { isNavigationAllowed } from './window-security.ts';

export function installMenu(
  facts: MenuFacts,
  win: () => BrowserWindow | undefined,
  show: () => void,
  appUrl: () => string,
  onLanguage: (l: Language) => void = () => undefined,
): { language(): Language } {
  const send = (c: AppCommand) => {
    show();
    const w = win();
    if (w && !w.isDestroyed()) w.webContents.send(IPC_COMMAND_CHANNEL, c);
  };
  const toElectron = (m: MenuItemModel): MenuItemConstructorOptions => {
    if (m.separator) return { type: 'separator' };
    return {
      ...(m.label ? { label: m.label } : {}),
      ...(m.accelerator ? { accelerator: m.accelerator } : {}),
      ...(m.role ? { role: m.role } : {}),
      ...(m.command ? { click: () => send(m.command!) } : {}),
      ...(m.submenu ? { submenu: m.submenu.map(toElectron) } : {}),
    };
  };
  const build = (f: MenuFacts) => Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenu(f).map(toElectron)));
  let language = facts.language ?? pickLanguage(app.getPreferredSystemLanguages());
  build({ ...facts, language });
  ipcMain.on(IPC_LANGUAGE_CHANNEL, (e, l: unknown) => {
    const url = e.senderFrame?.url;
    if (url === undefined || !isNavigationAllowed(url, appUrl())) return;
    if (!isLanguage(l) || l === language) return;
    language = l;
    build({ ...facts, language });
    onLanguage(language);
  });
  return { language: () => language };
}
