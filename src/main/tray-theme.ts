/**
 * Which tray icon variant the OS panel needs: the plain icons (white glyph on a coloured disc) read on a light
 * panel, the `-on-dark` ones (lighter disc, dark glyph) on a dark one. Electron's nativeTheme says which; on
 * Windows the taskbar follows the *system* theme, which can differ from the apps' theme
 * (shouldUseDarkColorsForSystemIntegratedUI), so that one decides there. tray.ts re-draws on nativeTheme's
 * `updated` event. Pure, unit-tested (test/main/tray-theme.test.ts).
 */
import type { TrayIcon } from './tray-model.ts';

export type PanelTheme = 'light' | 'dark';

export interface ThemeFacts {
  platform: NodeJS.Platform;
  /** nativeTheme.shouldUseDarkColors: the OS (or the app's themeSource) asks for dark. */
  darkColors: boolean;
  /** nativeTheme.shouldUseDarkColorsForSystemIntegratedUI (Windows: the taskbar's own setting). */
  darkSystemUi?: boolean;
}

export function panelTheme(f: ThemeFacts): PanelTheme {
  const dark = f.platform === 'win32' ? (f.darkSystemUi ?? f.darkColors) : f.darkColors;
  return dark ? 'dark' : 'light';
}

/** The icon's file under the resources folder (nativeImage finds the @2x file beside it). */
export function trayIconFile(icon: TrayIcon, theme: PanelTheme): string {
  return `tray/${icon}${theme === 'dark' ? '-on-dark' : ''}.png`;
}
