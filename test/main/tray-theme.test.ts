import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { panelTheme, trayIconFile } from '../../src/main/tray-theme.ts';
import type { TrayIcon } from '../../src/main/tray-model.ts';

const ICONS: TrayIcon[] = ['idle', 'active', 'paused', 'error'];

describe('tray icon theme', () => {
  it('follows the OS theme; on Windows the taskbar follows the system theme, not the apps one', () => {
    expect(panelTheme({ platform: 'linux', darkColors: true })).toBe('dark');
    expect(panelTheme({ platform: 'darwin', darkColors: false, darkSystemUi: true })).toBe('light');
    expect(panelTheme({ platform: 'win32', darkColors: false, darkSystemUi: true })).toBe('dark');
    expect(panelTheme({ platform: 'win32', darkColors: true, darkSystemUi: false })).toBe('light');
    expect(panelTheme({ platform: 'win32', darkColors: true })).toBe('dark');
  });

  it('every state has a light and a dark variant, each with its @2x file, and they differ', () => {
    const root = path.resolve(import.meta.dirname, '../../resources');
    for (const icon of ICONS) {
      const light = trayIconFile(icon, 'light');
      const dark = trayIconFile(icon, 'dark');
      expect(light).not.toBe(dark);
      for (const f of [light, dark, light.replace('.png', '@2x.png'), dark.replace('.png', '@2x.png')])
        expect(fs.existsSync(path.join(root, f)), f).toBe(true);
      expect(fs.readFileSync(path.join(root, light)).equals(fs.readFileSync(path.join(root, dark)))).toBe(false);
    }
  });
});
