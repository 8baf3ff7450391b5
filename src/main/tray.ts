/**
 * The tray icon: renders tray-model.ts's view (icon, tooltip, menu) and reports clicks as TrayActions.
 * Menu rebuilds are throttled: progress events arrive many times a second, the menu needs at most ~1 Hz.
 */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import path from 'node:path';
import type { TrayAction, TrayIcon, TrayItem, TrayView } from './tray-model.ts';

export interface TrayController {
  render(view: TrayView): void;
  destroy(): void;
}

const RENDER_INTERVAL_MS = 1000;

export function createTray(resourcesDir: string, onAction: (a: TrayAction) => void): TrayController {
  const icons = new Map<TrayIcon, NativeImage>();
  const icon = (name: TrayIcon): NativeImage => {
    let img = icons.get(name);
    if (!img) {
      // nativeImage picks <name>@2x.png next to it on high-DPI screens.
      img = nativeImage.createFromPath(path.join(resourcesDir, 'tray', `${name}.png`));
      icons.set(name, img);
    }
    return img;
  };
  const tray = new Tray(icon('idle'));
  tray.on('click', () => onAction('open'));

  let shown: { icon: TrayIcon; tooltip: string; menu: string } | undefined;
  let pending: TrayView | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;

  const apply = (view: TrayView) => {
    last = Date.now();
    const menu = JSON.stringify(view.items);
    if (shown?.icon !== view.icon) tray.setImage(icon(view.icon));
    if (shown?.tooltip !== view.tooltip) tray.setToolTip(view.tooltip);
    if (shown?.menu !== menu) {
      tray.setContextMenu(Menu.buildFromTemplate(template(view.items, onAction)));
    }
    shown = { icon: view.icon, tooltip: view.tooltip, menu };
  };

  return {
    render(view) {
      pending = view;
      if (timer) return;
      const wait = Math.max(0, last + RENDER_INTERVAL_MS - Date.now());
      timer = setTimeout(() => {
        timer = undefined;
        if (pending && !tray.isDestroyed()) apply(pending);
        pending = undefined;
      }, wait);
    },
    destroy() {
      if (timer) clearTimeout(timer);
      tray.destroy();
    },
  };
}

function template(items: TrayItem[], onAction: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item) =>
    item.kind === 'separator'
      ? { type: 'separator' }
      : {
          label: item.label,
          enabled: item.enabled,
          ...(item.action ? { click: () => onAction(item.action!) } : {}),
          ...(item.submenu ? { submenu: template(item.submenu, onAction) } : {}),
        },
  );
}
