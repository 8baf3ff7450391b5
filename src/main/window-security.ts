/**
 * The desktop window's security settings as plain data and pure decisions, so they are unit-tested without
 * Electron (test/main/window-security.test.ts); window.ts applies them. The renderer is untrusted: it runs
 * sandboxed with context isolation and no Node, reaches the engine only through the preload's typed bridge,
 * cannot navigate away from the app or open windows, and gets no browser permissions.
 */

/** The subset of Electron's WebPreferences Warp sets (same names, so window.ts passes it through). */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  /** Dropping a file on the window must reach the drop zone, not replace the app with the file. */
  navigateOnDragDrop: false;
  spellcheck: false;
  safeDialogs: true;
}

export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

/**
 * The Content-Security-Policy main adds to every response the window loads (the renderer's index.html carries
 * the same policy as a meta tag, which is what applies to file:// loads). Scripts only from the app itself;
 * inline styles are allowed because React sets style attributes; workers (the WebGPU scheduler) from the app
 * or blob:; no plugins, frames, forms or <base>. In development (electron-vite's dev server) the page also
 * needs the server's inline preamble and its websocket for hot reload.
 */
export function contentSecurityPolicy(opts: { dev?: string } = {}): string {
  const devOrigin = opts.dev ? new URL(opts.dev).origin : undefined;
  const ws = devOrigin ? devOrigin.replace(/^http/, 'ws') : undefined;
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', devOrigin ? ["'self'", "'unsafe-inline'", devOrigin] : ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', devOrigin && ws ? ["'self'", devOrigin, ws] : ["'self'"]],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/**
 * Whether the window may navigate to `target`. Only reloading the app's own page is allowed: the same
 * file:// document (any hash or query, as client-side routing uses them), or the same dev-server origin.
 */
export function isNavigationAllowed(target: string, appUrl: string): boolean {
  let t: URL;
  let a: URL;
  try {
    t = new URL(target);
    a = new URL(appUrl);
  } catch {
    return false;
  }
  if (a.protocol === 'file:')
    return t.protocol === 'file:' && decodeURIComponent(t.pathname) === decodeURIComponent(a.pathname);
  return t.origin === a.origin;
}

/**
 * What to do with window.open / target=_blank: never a new Electron window. Plain https links (docs, a peer's
 * web page) go to the system browser; everything else (file:, javascript:, custom schemes, http) is dropped.
 */
export function windowOpenDecision(url: string): 'deny' | 'open-external' {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '' ? 'open-external' : 'deny';
  } catch {
    return 'deny';
  }
}

/** Browser permissions (camera, notifications, geolocation, ...) the renderer may use: none. */
export function isPermissionAllowed(_permission: string): boolean {
  return false;
}
