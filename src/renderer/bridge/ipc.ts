/**
 * Electron transport: the preload exposes the bridge as `window.warp` (contextBridge, IPC to main). This
 * wrapper only normalises errors (IPC drops the `code` property) so pages see one error shape in both modes.
 */
import type { PickPathRequest, WarpBridge } from '../../shared/bridge.ts';
import type { AppCommand } from '../../shared/commands.ts';
import type { Language } from '../../shared/i18n/catalogue.ts';
import type { ElectronBridge } from '../../shared/ipc.ts';
import { normalizeError } from './errors.ts';

/** What the preload adds besides the contract: the real path of a dropped File (webUtils.getPathForFile). */
export interface DesktopExtras {
  pathForFile?(file: File): string;
  /** A native open dialog; undefined when the user cancels. */
  pickPath?(req: PickPathRequest): Promise<string | undefined>;
  /** Application-menu commands (desktop: the menu owns the shortcuts). */
  onCommand?(listener: (command: AppCommand) => void): () => void;
  /** Tells the main process the page's language (the application menu follows it). */
  setLanguage?(language: Language): void;
  /** `.warp` files the OS asked the desktop app to open. */
  onOpenFiles?(listener: (paths: string[]) => void): () => void;
}

declare global {
  interface Window {
    /** Set by the preload (src/preload): the contract minus web-only calls, plus pathForFile. */
    warp?: ElectronBridge;
  }
}

export function hasIpcBridge(): boolean {
  const w = typeof window !== 'undefined' ? window.warp : undefined;
  return w !== undefined && typeof w.info === 'function' && typeof w.onEvent === 'function';
}

/** Wraps every async method of the exposed object (one level of namespaces) with error normalisation. */
export function createIpcBridge(raw: ElectronBridge = window.warp!): WarpBridge & DesktopExtras {
  const wrapFn = <F extends (...args: never[]) => unknown>(fn: F, self: unknown): F =>
    (async (...args: never[]) => {
      try {
        return await fn.apply(self, args);
      } catch (err) {
        throw normalizeError(err);
      }
    }) as unknown as F;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (['onEvent', 'onCommand', 'onOpenFiles', 'pathForFile', 'pickPath', 'setLanguage'].includes(key)) continue;
    if (typeof value === 'function') out[key] = wrapFn(value as (...a: never[]) => unknown, raw);
    else if (value && typeof value === 'object') {
      const ns: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        // Desktop mode has paths: upload/downloadUrl are web-only and deliberately absent.
        if (key === 'archive' && (k === 'upload' || k === 'downloadUrl')) continue;
        ns[k] = typeof v === 'function' ? wrapFn(v as (...a: never[]) => unknown, value) : v;
      }
      out[key] = ns;
    }
  }
  out.onEvent = (l: Parameters<WarpBridge['onEvent']>[0]) => raw.onEvent(l);
  if (typeof raw.pathForFile === 'function') out.pathForFile = (f: File) => raw.pathForFile(f);
  if (typeof raw.pickPath === 'function') out.pickPath = wrapFn(raw.pickPath, raw);
  if (typeof raw.onCommand === 'function') out.onCommand = (l: (c: AppCommand) => void) => raw.onCommand(l);
  if (typeof raw.setLanguage === 'function') out.setLanguage = (l: Language) => raw.setLanguage(l);
  if (typeof raw.onOpenFiles === 'function') out.onOpenFiles = (l: (p: string[]) => void) => raw.onOpenFiles(l);
  return out as unknown as WarpBridge & DesktopExtras;
}
