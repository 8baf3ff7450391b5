/** Applies activity-model.ts: the window's taskbar progress and a power-save blocker while data moves. */
import { powerSaveBlocker, type BrowserWindow } from 'electron';
import { keepAwake, taskbarProgress, type TaskbarProgress } from './activity-model.ts';
import type { TrayState } from './tray-model.ts';

export interface ActivityController {
  render(state: TrayState): void;
  stop(): void;
}

export function createActivity(win: () => BrowserWindow | undefined): ActivityController {
  let shown: TaskbarProgress | undefined;
  let shownOn: BrowserWindow | undefined;
  let blocker: number | undefined;
  const setAwake = (on: boolean) => {
    if (on && blocker === undefined) blocker = powerSaveBlocker.start('prevent-app-suspension');
    else if (!on && blocker !== undefined) {
      powerSaveBlocker.stop(blocker);
      blocker = undefined;
    }
  };
  return {
    render(state) {
      setAwake(keepAwake(state));
      const p = taskbarProgress(state);
      const w = win();
      if (!w || w.isDestroyed()) return;
      // A new window starts without a bar: set it again there.
      if (shownOn === w && shown?.value === p.value && shown.mode === p.mode) return;
      w.setProgressBar(p.value, { mode: p.mode });
      shown = p;
      shownOn = w;
    },
    stop() {
      setAwake(false);
    },
  };
}
