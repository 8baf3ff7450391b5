/**
 * Web mode's desktop notifications (Electron's main process shows its own): when a job finishes or fails, or a
 * peer's transfer to this machine completes, while this tab is hidden or the window is not focused. The words
 * come from the same model as the desktop app's (shared/notify-model.ts). Permission is asked for on a user
 * action (starting a transfer or an archive), never on page load.
 */
import { initialNotifyState, notificationFor, type NotifyState } from '../shared/notify-model.ts';
import type { WarpEvent } from '../shared/events.ts';
import { useLanguage } from './i18n/index.ts';

function supported(): boolean {
  return typeof Notification !== 'undefined';
}

/** Call from a click handler: browsers only show the permission prompt for a user gesture. */
export function askNotificationPermission(): void {
  if (supported() && Notification.permission === 'default')
    void Notification.requestPermission().catch(() => undefined);
}

function inBackground(): boolean {
  return document.visibilityState !== 'visible' || !document.hasFocus();
}

/** A batch handler for the event pump. */
export function createWebNotifier(): (batch: readonly WarpEvent[]) => void {
  let state: NotifyState = initialNotifyState();
  return (batch) => {
    for (const e of batch) {
      const r = notificationFor(state, e, useLanguage.getState().language);
      state = r.state;
      if (!r.note || !supported() || Notification.permission !== 'granted' || !inBackground()) continue;
      const n = new Notification(r.note.title, {
        body: r.note.body,
        tag: 'job' in e && typeof e.job === 'string' ? e.job : undefined,
      });
      n.onclick = () => {
        window.focus();
        n.close();
      };
    }
  };
}
