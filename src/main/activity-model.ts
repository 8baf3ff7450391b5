/**
 * What the desktop shows and holds while Warp works, from the tray's picture of the jobs (tray-model.ts):
 * the taskbar / dock progress (Windows taskbar, macOS dock, Unity launchers) and whether to keep the machine
 * from sleeping. activity.ts applies it through BrowserWindow.setProgressBar and powerSaveBlocker. Pure.
 */
import type { TrayState } from './tray-model.ts';

export interface TaskbarProgress {
  /** 0..1; -1 removes the bar (Electron's convention). */
  value: number;
  mode: 'none' | 'normal' | 'indeterminate' | 'paused';
}

/**
 * The mean progress of the running jobs (each job counts once: their sizes are not all known); paused jobs
 * show a paused bar when nothing runs; a running job without a known fraction makes the bar indeterminate.
 */
export function taskbarProgress(state: TrayState): TaskbarProgress {
  const jobs = [...state.jobs.values()];
  const running = jobs.filter((j) => j.status === 'running');
  const pick = running.length > 0 ? running : jobs.filter((j) => j.status === 'paused');
  if (pick.length === 0) return { value: -1, mode: 'none' };
  const known = pick.filter((j) => j.fraction !== undefined);
  if (running.length > 0 && known.length === 0) return { value: 2, mode: 'indeterminate' };
  const mean = known.reduce((s, j) => s + Math.min(1, Math.max(0, j.fraction!)), 0) / Math.max(1, known.length);
  return { value: Math.round(mean * 1000) / 1000, mode: running.length > 0 ? 'normal' : 'paused' };
}

/**
 * Keep the machine awake (not the screen) while data moves: a job running, or a sync copying. A paused job
 * or an idle watcher does not hold it: sleeping then loses nothing that resume cannot pick up.
 */
export function keepAwake(state: TrayState): boolean {
  if ([...state.jobs.values()].some((j) => j.status === 'running')) return true;
  return !state.syncPaused && [...state.syncs.values()].some((s) => s.state === 'syncing');
}
