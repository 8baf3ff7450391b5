import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  isNavigationAllowed,
  isPermissionAllowed,
  secureWebPreferences,
  windowOpenDecision,
} from '../../src/main/window-security.ts';

describe('window security', () => {
  it('isolates the renderer: sandbox, context isolation, no Node anywhere, no webview', () => {
    const p = secureWebPreferences('/app/out/preload/index.mjs');
    expect(p).toMatchObject({
      preload: '/app/out/preload/index.mjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      navigateOnDragDrop: false,
      allowRunningInsecureContent: false,
    });
  });

  it('CSP allows only the app itself to run scripts, and forbids plugins, frames and <base>', () => {
    const csp = contentSecurityPolicy();
    const d = Object.fromEntries(
      csp.split('; ').map((x) => {
        const [k, ...v] = x.split(' ');
        return [k, v];
      }),
    );
    expect(d['default-src']).toEqual(["'self'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(d['frame-ancestors']).toEqual(["'none'"]);
    expect(d['base-uri']).toEqual(["'none'"]);
    expect(d['connect-src']).toEqual(["'self'"]);
    expect(csp).not.toMatch(/unsafe-eval/);
  });

  it('CSP in development admits only the dev server origin and its websocket', () => {
    const csp = contentSecurityPolicy({ dev: 'http://localhost:5173/' });
    expect(csp).toMatch(/script-src 'self' 'unsafe-inline' http:\/\/localhost:5173;/);
    expect(csp).toMatch(/connect-src 'self' http:\/\/localhost:5173 ws:\/\/localhost:5173;/);
    expect(csp).not.toMatch(/\*/);
  });

  it('navigation: only the app page itself (any hash or query), never elsewhere', () => {
    const app = 'file:///opt/Warp/resources/app.asar/out/renderer/index.html';
    expect(isNavigationAllowed(`${app}#/transfers`, app)).toBe(true);
    expect(isNavigationAllowed(`${app}?tab=sync`, app)).toBe(true);
    expect(isNavigationAllowed('file:///etc/passwd', app)).toBe(false);
    expect(isNavigationAllowed('file:///home/me/Downloads/photo.jpg', app)).toBe(false);
    expect(isNavigationAllowed('https://example.com/', app)).toBe(false);
    expect(isNavigationAllowed('javascript:alert(1)', app)).toBe(false);
    expect(isNavigationAllowed('not a url', app)).toBe(false);
    const dev = 'http://localhost:5173/';
    expect(isNavigationAllowed('http://localhost:5173/#/archive', dev)).toBe(true);
    expect(isNavigationAllowed('http://localhost:5174/', dev)).toBe(false);
    expect(isNavigationAllowed('http://localhost.evil.com:5173/', dev)).toBe(false);
  });

  it('window.open: never a new window; https goes to the system browser, everything else is dropped', () => {
    expect(windowOpenDecision('https://github.com/warp')).toBe('open-external');
    expect(windowOpenDecision('http://example.com')).toBe('deny');
    expect(windowOpenDecision('file:///etc/passwd')).toBe('deny');
    expect(windowOpenDecision('javascript:alert(1)')).toBe('deny');
    expect(windowOpenDecision('smb://host/share')).toBe('deny');
    expect(windowOpenDecision('https://user:pw@example.com')).toBe('deny');
    expect(windowOpenDecision('::')).toBe('deny');
  });

  it('grants no browser permissions', () => {
    for (const p of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal'])
      expect(isPermissionAllowed(p)).toBe(false);
  });
});
