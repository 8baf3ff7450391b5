/**
 * Desktop notifications while Warp works in the background (window hidden or not focused): a job finished or
 * failed, a transfer a peer started against this machine completed, a sync job failed. Pure: an event and
 * what was already said map to at most one notification; index.ts shows it with Electron's Notification.
 * Sync errors are said once per job until that job recovers, so a retrying job does not nag.
 * Unit-tested in test/main/notify-model.test.ts.
 */
import { formatBytes } from '../engine/core/bytes.ts';
import type { WarpEvent } from './events.ts';

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

export function notificationFor(state: NotifyState, e: WarpEvent): { state: NotifyState; note?: Note } {
  switch (e.type) {
    case 'job.update': {
      const j = e.job;
      if (j.kind === 'peers.pair') return { state };
      if (j.status === 'done')
        return {
          state,
          note: {
            title: `Done: ${j.title}`,
            body: j.progress
              ? `${formatBytes(j.progress.totalBytes || j.progress.bytes)} in ${j.progress.totalFiles || j.progress.files} files`
              : 'Finished.',
          },
        };
      if (j.status === 'failed')
        return {
          state,
          note: { title: `Failed: ${j.title}`, body: j.error?.message ?? 'See the Warp window for details.' },
        };
      return { state };
    }
    case 'transfer.done':
      if (!e.job.startsWith('incoming:')) return { state };
      return { state, note: { title: 'Received from a peer', body: `${e.files} files, ${formatBytes(e.bytes)}` } };
    case 'peer.paired':
      return {
        state,
        note: { title: 'Peer paired', body: `${e.name ?? e.peer} can now send to and fetch from this machine.` },
      };
    case 'sync.error': {
      if (state.syncErrors.has(e.id)) return { state };
      const syncErrors = new Set(state.syncErrors).add(e.id);
      return { state: { syncErrors }, note: { title: 'Sync needs attention', body: e.error.message } };
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
