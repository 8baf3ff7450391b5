/**
 * Picks the transport: Electron's preload exposes `window.warp` (IPC); anywhere else the page was served by
 * `warp daemon` and talks to it over HTTP + SSE.
 */
import type { WarpBridge } from '../../shared/bridge.ts';
import { createHttpBridge, type HttpBridge } from './http.ts';
import { createIpcBridge, hasIpcBridge, type DesktopExtras } from './ipc.ts';

export type BridgeMode = 'desktop' | 'web';

export interface ChosenBridge {
  mode: BridgeMode;
  bridge: WarpBridge & DesktopExtras;
  /** Present in web mode: token handling and connection state. */
  http?: HttpBridge;
}

export function chooseBridge(): ChosenBridge {
  if (hasIpcBridge()) return { mode: 'desktop', bridge: createIpcBridge() };
  const http = createHttpBridge();
  return { mode: 'web', bridge: http, http };
}

let chosen: ChosenBridge | undefined;

/** The process-wide bridge (created on first use). */
export function getBridge(): ChosenBridge {
  chosen ??= chooseBridge();
  return chosen;
}

export function bridge(): WarpBridge & DesktopExtras {
  return getBridge().bridge;
}
