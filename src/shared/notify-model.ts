/**
 * Desktop notifications while Warp works in the background (window hidden or not focused): a job finished or
 * failed, a transfer a peer started against this machine completed, a sync job failed. Pure: an event and
 * what was already said map to at most one notification; index.ts shows it with Electron's Notification.
 * Sync errors are said once per job until that job recovers, so a retrying job does not nag.
 * The words are in the language the UI shows (the catalogues of shared/i18n).
 */
import { say, type Language } from './i18n/catalogue.ts';
import type { WarpEvent } from './events.ts';
import { jobTitleIn } from './job-title.ts';
import { formatBytesIn } from './number-words.ts';

export interface Note {
  title: string;
  body: string;
}

export interface NotifyState {
  /** Sync jobs whose current error was already notified. */
  syncErrors: ReadonlySet<string>;
}

export function initialNotifyState(): NotifyState {
  return { syncErrors: new Set() };
}

export function notificationFor(
  state: NotifyState,
  e: WarpEvent,
  language: Language = 'en',
): { state: NotifyState; note?: Note } {
  const w = (key: string, vars?: Record<string, string | number>) => say(language, `notify.${key}`, vars);
  switch (e.type) {
    case 'job.update': {
      const j = e.job;
      if (j.kind === 'peers.pair') return { state };
      if (j.status === 'done')
        return {
          state,
          note: {
            title: w('done', { title: jobTitleIn(j, language) }),
            body: j.progress
              ? w('doneBody', {
                  bytes: formatBytesIn(language, j.progress.totalBytes || j.progress.bytes),
                  count: j.progress.totalFiles || j.progress.files,
                })
              : w('finished'),
          },
        };
      if (j.status === 'failed')
        return {
          state,
          note: { title: w('failed', { title: jobTitleIn(j, language) }), body: j.error?.message ?? w('seeWindow') },
        };
      return { state };
    }
    case 'transfer.done':
      if (!e.job.startsWith('incoming:')) return { state };
      return {
        state,
        note: {
          title: w('received'),
          body: w('receivedBody', { count: e.files, bytes: formatBytesIn(language, e.bytes) }),
        },
      };
    case 'peer.paired':
      return {
        state,
        note: { title: w('paired'), body: w('pairedBody', { name: e.name ?? e.peer }) },
      };
    case 'sync.error': {
      if (state.syncErrors.has(e.id)) return { state };
      const syncErrors = new Set(state.syncErrors).add(e.id);
      return { state: { syncErrors }, note: { title: w('syncAttention'), body: e.error.message } };
    }
    case 'sync.state': {
      if (e.state === 'error' || !state.syncErrors.has(e.id)) return { state };
      const syncErrors = new Set(state.syncErrors);
      syncErrors.delete(e.id);
      return { state: { syncErrors } };
    }
    default:
      return { state };
  }
}
