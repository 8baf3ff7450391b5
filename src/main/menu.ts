/** Installs the application menu (menu-model.ts) and sends the page the command a menu item stands for. */
import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { IPC_COMMAND_CHANNEL } from '../shared/ipc.ts';
import type { AppCommand } from '../shared/commands.ts';
import { applicationMenu, type MenuFacts, type MenuItemModel } from './menu-model.ts';

export function installMenu(facts: MenuFacts, win: () => BrowserWindow | undefined, show: () => void): void {
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
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenu(facts).map(toElectron)));
}
