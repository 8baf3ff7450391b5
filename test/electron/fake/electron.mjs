// A stand-in for the 'electron' module, so the built main process (out/main/index.js) runs under plain Node
// where no Electron binary exists (test/electron/main-process.test.ts). It records what main asks of Electron
// and, once main has registered its IPC handlers, plays a scenario against them and prints one JSON line per
// step ("FAKE {...}"), then quits the app the way Electron would (before-quit, will-quit, exit).
// Only the API surface src/main uses is here; anything else throws, so a new dependency is noticed.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const out = (step, data) => process.stdout.write(`FAKE ${JSON.stringify({ step, ...data })}\n`);

class Emitter extends EventEmitter {}

// ---- app ----
const appEvents = new Emitter();
let exiting = false;
export const app = Object.assign(appEvents, {
  isPackaged: false,
  requestSingleInstanceLock: () => true,
  commandLine: { appendSwitch: (name, value) => out('switch', { name, value }) },
  whenReady: () => Promise.resolve(),
  isReady: () => true,
  getAppPath: () => process.cwd(),
  setPath: (name, value) => out('set-path', { name, value }),
  getPath: (name) =>
    name === 'home' ? (process.env.HOME ?? '/tmp') : path.join(process.env.WARP_HOME ?? '/tmp', 'electron'),
  getPreferredSystemLanguages: () => ['en-US'],
  getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
  setLoginItemSettings: (s) => out('login-item', { settings: s }),
  quit() {
    const ev = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    appEvents.emit('before-quit', ev);
    for (const w of windows) w.emit('close', { preventDefault() {} });
    const wq = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    appEvents.emit('will-quit', wq);
    if (!wq.defaultPrevented) app.exit(0);
  },
  exit(code) {
    if (exiting) return;
    exiting = true;
    out('exit', { code });
    process.exit(code);
  },
});

// ---- windows ----
const windows = [];
class WebContents extends Emitter {
  constructor() {
    super();
    this.sent = [];
    this.openHandler = undefined;
  }
  setWindowOpenHandler(h) {
    this.openHandler = h;
  }
  send(channel, payload) {
    this.sent.push({ channel, payload });
  }
  isDestroyed() {
    return false;
  }
  isLoading() {
    return false;
  }
}
export class BrowserWindow extends Emitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.visible = false;
    windows.push(this);
    out('window', { webPreferences: options.webPreferences, width: options.width, height: options.height });
  }
  static getAllWindows() {
    return windows;
  }
  loadFile(file) {
    this.loaded = `file://${path.resolve(file)}`;
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  loadURL(url) {
    this.loaded = url;
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  isMinimized() {
    return false;
  }
  isVisible() {
    return this.visible;
  }
  isMaximized() {
    return false;
  }
  maximize() {}
  getNormalBounds() {
    return { x: this.options.x ?? 10, y: this.options.y ?? 20, width: this.options.width, height: this.options.height };
  }
  isFocused() {
    return this.visible;
  }
  restore() {}
  isDestroyed() {
    return false;
  }
  setProgressBar(value, o) {
    this.progress = { value, mode: o?.mode };
  }
}

// ---- session, shell ----
const sessionState = { headers: undefined, permission: undefined, check: undefined };
export const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived: (fn) => {
        sessionState.headers = fn;
      },
    },
    setPermissionRequestHandler: (fn) => {
      sessionState.permission = fn;
    },
    setPermissionCheckHandler: (fn) => {
      sessionState.check = fn;
    },
  },
};
export const shell = {
  openExternal: async (url) => out('open-external', { url }),
  openPath: async (p) => (out('open-path', { path: p }), ''),
};

// ---- IPC ----
const handlers = new Map();
const listeners = new Emitter();
export const ipcMain = {
  on: (channel, fn) => listeners.on(channel, fn),
  removeListener: (channel, fn) => listeners.removeListener(channel, fn),
  handle: (channel, fn) => {
    handlers.set(channel, fn);
  },
  removeHandler: (channel) => {
    handlers.delete(channel);
  },
};

// ---- power ----
let blockers = 0;
export const powerSaveBlocker = {
  start: (type) => {
    out('power-save-blocker', { type, on: true });
    return ++blockers;
  },
  stop: (id) => out('power-save-blocker', { id, on: false }),
};
const power = new Emitter();
export const powerMonitor = Object.assign(power, {
  isOnBatteryPower: () => false,
  getCurrentThermalState: () => 'nominal',
});

// ---- tray, menu, images ----
const trays = [];
export class Tray extends Emitter {
  constructor(image) {
    super();
    this.image = image;
    this.menu = undefined;
    trays.push(this);
  }
  setImage(image) {
    this.image = image;
  }
  setToolTip(t) {
    this.tooltip = t;
  }
  setContextMenu(m) {
    this.menu = m;
  }
  isDestroyed() {
    return false;
  }
  destroy() {}
}
/** The application menu's top-level labels, each time it is set (the first is the 'application-menu' step). */
const appMenus = [];
export const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu: (menu) => {
    appMenus.push(menu ? menu.template.map((m) => m.label) : null);
    if (appMenus.length === 1) out('application-menu', { labels: appMenus[0] });
  },
};
export const dialog = {
  showOpenDialog: async (...args) => {
    const o = args.length > 1 ? args[1] : args[0];
    out('open-dialog', { properties: o.properties, filters: o.filters });
    return { canceled: false, filePaths: ['/picked/by/fake'] };
  },
};
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
const notes = [];
export class Notification extends Emitter {
  constructor(o) {
    super();
    this.o = o;
  }
  static isSupported() {
    return true;
  }
  show() {
    notes.push({ title: this.o.title, body: this.o.body });
  }
}
export const nativeTheme = Object.assign(new Emitter(), {
  shouldUseDarkColors: false,
  shouldUseDarkColorsForSystemIntegratedUI: false,
});
export const nativeImage = { createFromPath: (p) => ({ path: p }) };

export const contextBridge = {
  exposeInMainWorld() {
    throw new Error('contextBridge is preload-only');
  },
};
export const ipcRenderer = new Proxy(
  {},
  {
    get() {
      throw new Error('ipcRenderer is preload-only');
    },
  },
);
export const webUtils = {
  getPathForFile() {
    throw new Error('webUtils is preload-only');
  },
};

// ---- the scenario ----
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const labels = () => trays[0]?.menu?.template.map((i) => (i.type === 'separator' ? '---' : i.label)) ?? null;

async function scenario() {
  for (let i = 0; i < 600 && handlers.size === 0; i++) await sleep(50);
  const appUrl = new URL(`file://${path.resolve(process.env.FAKE_ELECTRON_OUT, 'renderer', 'index.html')}`).href;
  const invoke = (channel, url, ...args) => handlers.get(channel)({ senderFrame: { url } }, ...args);
  out('handlers', { channels: [...handlers.keys()].sort() });
  out('info', { r: await invoke('warp:info', appUrl) });
  out('foreign-frame', { r: await invoke('warp:info', 'https://evil.example/') });
  out('bad-input', {
    r: await invoke('warp:archive.create', `${appUrl}#/archive`, { inputs: ['relative'], output: '/tmp/x.warp' }),
  });

  const win = windows[0];
  const nav = (url) => {
    let prevented = false;
    win.webContents.emit(
      'will-navigate',
      {
        preventDefault() {
          prevented = true;
        },
      },
      url,
    );
    return prevented;
  };
  out('navigation', {
    external: nav('https://example.com/'),
    file: nav('file:///etc/passwd'),
    self: nav(`${appUrl}#/sync`),
  });
  out('window-open', {
    https: win.webContents.openHandler({ url: 'https://example.com/docs' }),
    file: win.webContents.openHandler({ url: 'file:///etc/passwd' }),
  });
  const headers = await new Promise((r) => sessionState.headers({ responseHeaders: {} }, r));
  out('csp', { header: headers.responseHeaders['Content-Security-Policy'] });
  out('permission', { allowed: await new Promise((r) => sessionState.permission(win.webContents, 'media', r)) });

  // The tray renders at most once a second.
  await sleep(1300);
  out('tray', { image: trays[0]?.image?.path ?? null, labels: labels() });
  // The OS switches to a dark theme: the tray icon takes its variant for a dark panel at once.
  nativeTheme.shouldUseDarkColors = true;
  nativeTheme.emit('updated');
  out('tray-dark', { image: trays[0]?.image?.path ?? null });
  power.emit('on-battery');
  await sleep(1300);
  out('tray-on-battery', { labels: labels() });

  // Events reach the page over the one channel.
  await invoke('warp:peers.pairStart', appUrl, { timeoutSeconds: 60 });
  await sleep(200);
  out('events', {
    channels: [...new Set(win.webContents.sent.map((s) => s.channel))],
    types: [...new Set(win.webContents.sent.map((s) => s.payload.type))],
  });

  // A .warp double-clicked while Warp runs (a second instance's command line; macOS's open-file): the page is
  // told, takes both once, and a foreign frame gets nothing.
  const pings = () => win.webContents.sent.filter((s) => s.channel === 'warp:open-files.ready').length;
  appEvents.emit('second-instance', {}, ['/opt/warp', '--flag', 'in-cwd.warp', 'notes.txt'], '/home/fake');
  appEvents.emit('open-file', { preventDefault() {} }, '/Users/fake/mac.warp');
  out('open-files', {
    pings: pings(),
    foreign: await invoke('warp:open-files.take', 'https://evil.example/'),
    taken: await invoke('warp:open-files.take', appUrl),
    again: await invoke('warp:open-files.take', appUrl),
  });

  // The page says which language it shows: the menu and the tray follow, but only when the app's page says it.
  // (The tray redraws at most once a second: wait that long after each change.)
  const say = async (url, l) => {
    listeners.emit('warp:language', { senderFrame: { url } }, l);
    await sleep(1300);
  };
  await say('https://evil.example/', 'de');
  const foreign = { menu: appMenus.at(-1), tray: labels() };
  await say(`${appUrl}#/settings`, 'de');
  const own = { menu: appMenus.at(-1), tray: labels() };
  await say(appUrl, 'en');
  out('menu-language', { foreign, own, back: { menu: appMenus.at(-1), tray: labels() } });

  // A sync job added over IPC shows in the tray; the tray's "Pause sync" pauses it.
  const info = await invoke('warp:info', appUrl);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-fake-sync-'));
  out('sync-add', {
    r: await invoke('warp:sync.add', appUrl, {
      localPath: folder,
      peer: `${info.value.peerId}@127.0.0.1:9`,
      remotePath: 'docs',
    }),
    features: info.value.features,
  });
  await sleep(1300);
  out('tray-sync', { labels: labels() });
  trays[0].menu.template.find((i) => i.label === 'Pause sync').click();
  await sleep(1300);
  out('tray-sync-paused', { labels: labels(), list: await invoke('warp:sync.list', appUrl) });
  fs.rmSync(folder, { recursive: true, force: true });

  // Closing the window hides it (the app stays in the tray); "Quit" in the tray menu quits.
  let closePrevented = false;
  win.visible = true;
  win.emit('close', {
    preventDefault() {
      closePrevented = true;
    },
  });
  out('close', { prevented: closePrevented, visible: win.visible });

  // With the window hidden, a finished job becomes a desktop notification.
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-fake-src-'));
  fs.writeFileSync(path.join(src, 'a.txt'), 'hello');
  const dest = path.join(os.tmpdir(), `warp-fake-${process.pid}.warp`);
  await invoke('warp:archive.create', appUrl, { inputs: [src], output: dest });
  for (let i = 0; i < 100 && !notes.some((n) => n.title.startsWith('Done')); i++) await sleep(50);
  out('notifications', { notes });
  fs.rmSync(src, { recursive: true, force: true });
  fs.rmSync(dest, { force: true });
  const quit = trays[0].menu.template.find((i) => i.label === 'Quit Warp');
  quit.click();
}

if (process.env.FAKE_ELECTRON_SCENARIO === '1') {
  scenario().catch((e) => {
    out('scenario-error', { message: String(e?.stack ?? e) });
    process.exit(3);
  });
}
