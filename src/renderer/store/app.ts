/** App-wide state: transport, connection, host info, which scheduler backend runs, and toasts. */
import { create } from 'zustand';
import type { InfoDto } from '../../shared/bridge.ts';
import type { ConnectionState } from '../bridge/http.ts';
import type { BridgeMode } from '../bridge/index.ts';

export interface SchedulerStatus {
  state: 'probing' | 'ready' | 'failed';
  kind?: 'cpu' | 'webgpu';
  label?: string;
  reason?: string;
  adapter?: string;
  /** An adapter exists (perhaps a software one the auto rule passes over). */
  webgpuAvailable?: boolean;
}

export interface Toast {
  id: number;
  kind: 'info' | 'error' | 'success';
  text: string;
}

interface AppState {
  mode: BridgeMode;
  connection: ConnectionState;
  /** When the connection to the daemon was lost (ms), while it stays lost; undefined while connected or never was. */
  lostSince?: number;
  info?: InfoDto;
  infoError?: string;
  scheduler: SchedulerStatus;
  toasts: Toast[];
  setMode(m: BridgeMode): void;
  setConnection(c: ConnectionState): void;
  setInfo(i: InfoDto | undefined, error?: string): void;
  setScheduler(s: SchedulerStatus): void;
  toast(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
}

let toastId = 0;

export const useApp = create<AppState>((set, get) => ({
  mode: 'web',
  connection: 'connecting',
  scheduler: { state: 'probing' },
  toasts: [],
  setMode: (mode) => set({ mode }),
  setConnection: (connection) =>
    set((s) => ({
      connection,
      // Lost = was connected and now is not (a login prompt is not a lost connection: the login gate shows).
      lostSince:
        connection === 'open' || connection === 'unauthorized'
          ? undefined
          : (s.lostSince ?? (s.connection === 'open' ? Date.now() : undefined)),
    })),
  setInfo: (info, infoError) => set({ info, infoError }),
  setScheduler: (scheduler) => set({ scheduler }),
  toast(kind, text) {
    const id = ++toastId;
    set({ toasts: [...get().toasts.slice(-3), { id, kind, text }] });
    setTimeout(() => get().dismiss(id), kind === 'error' ? 8000 : 4000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));
