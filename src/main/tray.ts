/**
 * The tray icon: renders tray-model.ts's view (icon, tooltip, menu) and reports clicks as TrayActions, in the
 * variant the OS panel's theme needs (tray-theme.ts; setTheme on nativeTheme's `updated`).
 * Menu rebuilds are throttled: progress events arrive many times a second, the menu needs at most ~1 Hz.
 */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import path from 'node:path';
import type { TrayAction, TrayIcon, TrayItem, TrayView } from './tray-model.ts';
import { trayIconFile, type PanelTheme } from './tray-theme.ts';

export interface TrayController {
  render(view: TrayView): void;
  /** The OS panel's theme changed: the icon is drawn again in its variant, at once. */
  setTheme(theme: PanelTheme): void;
  destroy(): void;
}

const RENDER_INTERVAL_MS = 1000;

export function createTray(
  resourcesDir: string,
  onAction: (a: TrayAction) => void,
  initialTheme: PanelTheme,
): TrayController {
  let theme = initialTheme;
  const icons = new Map<string, NativeImage>();
  const icon = (name: TrayIcon): NativeImage => {
    const file = trayIconFile(name, theme);
    let img = icons.get(file);
    if (!img) {
      // nativeImage picks <name>@2x.png next to it on high-DPI screens.
      img = nativeImage.createFromPath(path.join(resourcesDir, file));
      icons.set(file, img);
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
    setTheme(next) {
      if (next === theme || tray.isDestroyed()) return;
      theme = next;
      tray.setImage(icon(shown?.icon ?? 'idle'));
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
