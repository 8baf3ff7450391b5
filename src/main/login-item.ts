/**
 * "Start at login" (config desktop.start_at_login) as pure decisions: what to pass to Electron's
 * app.setLoginItemSettings on macOS and Windows, and the XDG autostart entry on Linux (where Electron has no
 * login-item API). Started at login, Warp opens in the tray without its window (`--hidden`).
 * Unit-tested in test/main/login-item.test.ts; applied by index.ts.
 */

export const HIDDEN_FLAG = '--hidden';
export const AUTOSTART_FILE = 'warp.desktop';

export type LoginItemPlan =
  /** Development runs (electron . from a checkout) never register: the login item would start a bare Electron. */
  | { kind: 'skip'; reason: string }
  | { kind: 'electron'; settings: { openAtLogin: boolean; args: string[] } }
  | { kind: 'xdg-autostart'; enable: boolean; file: string; contents: string };

export function planLoginItem(o: {
  startAtLogin: boolean;
  isPackaged: boolean;
  platform: string;
  execPath: string;
  configHome: string;
  appImage?: string;
}): LoginItemPlan {
  if (!o.isPackaged) return { kind: 'skip', reason: 'not a packaged build' };
  if (o.platform === 'darwin' || o.platform === 'win32')
    return { kind: 'electron', settings: { openAtLogin: o.startAtLogin, args: [HIDDEN_FLAG] } };
  // An AppImage runs from a temporary mount: autostart must point at the .AppImage file itself ($APPIMAGE).
  const exec = o.appImage ?? o.execPath;
  return {
    kind: 'xdg-autostart',
    enable: o.startAtLogin,
    file: `${o.configHome}/autostart/${AUTOSTART_FILE}`,
    contents: autostartEntry(exec),
  };
}

/** Quotes an Exec= argument per the Desktop Entry spec (double quotes; escape " ` $ \\). */
function quoteExec(arg: string): string {
  return /^[A-Za-z0-9_./+-]+$/.test(arg) ? arg : `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(exec: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Warp',
    'Comment=Move and archive large data fast and verifiably',
    `Exec=${quoteExec(exec)} ${HIDDEN_FLAG}`,
    'X-GNOME-Autostart-enabled=true',
    'Terminal=false',
    '',
  ].join('\n');
}

/** Whether this launch came from the login item (then stay in the tray). */
export function startedHidden(argv: readonly string[], macWasOpenedAtLogin = false): boolean {
  return argv.includes(HIDDEN_FLAG) || macWasOpenedAtLogin;
}
