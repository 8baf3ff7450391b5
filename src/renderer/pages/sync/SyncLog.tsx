/** The Sync page's activity log: changes, pushes (one line each: what moved), conflicts, guard stops, errors. */
import { Badge, Card } from '../../components/ui.tsx';
import { formatNumber, formatTime } from '../../format.ts';
import { useT } from '../../i18n/index.ts';
import type { SyncEvent } from '../../../shared/events.ts';
import { useResources } from '../../store/resources.ts';

const KIND_STATUS: Record<string, string> = {
  'sync.error': 'failed',
  'sync.conflict': 'paused',
  'sync.guard': 'paused',
  'sync.skipped': 'paused',
  'sync.push': 'done',
};

export function SyncLog() {
  const log = useResources((s) => s.syncLog);
  const t = useT();
  return (
    <Card title={t('archive.activity')} testId="sync-log">
      {log.length === 0 ? (
        <p className="muted">{t('syncPage.logEmpty')}</p>
      ) : (
        <ul className="log">
          {[...log]
            .reverse()
            .slice(0, 100)
            .map((l, i) => (
              <li key={`${l.t}-${i}`}>
                <time>{formatTime(l.t)}</time>
                <span className="log-kind">
                  <Badge status={KIND_STATUS[l.kind] ?? 'running'}>{t(`syncLog.kind.${kindOf(l.kind)}`)}</Badge>
                </span>
                <span>{syncText(l.event, t)}</span>
              </li>
            ))}
        </ul>
      )}
    </Card>
  );
}

type T = ReturnType<typeof useT>;
type Kind = 'state' | 'change' | 'push' | 'conflict' | 'pulled' | 'skipped' | 'guard' | 'error';
const kindOf = (type: SyncEvent['type']) => type.slice(5) as Kind;

/** One log line in the UI's language; paths, peer words and engine messages are shown as they are. */
function syncText(e: SyncEvent, t: T): string {
  switch (e.type) {
    case 'sync.state': {
      const state = t(`badge.${e.state}`);
      return e.reason ? t('syncLog.stateWhy', { state, reason: e.reason }) : t('syncLog.state', { state });
    }
    case 'sync.change':
      return t('syncLog.change', {
        count: e.paths.length,
        paths: `${e.paths.slice(0, 3).join(', ')}${e.paths.length > 3 ? '…' : ''}`,
      });
    case 'sync.push':
      return t('syncLog.push', { line: e.line, seconds: formatNumber(e.elapsedSeconds, 1) });
    case 'sync.conflict':
      return t('syncLog.conflict', { path: e.path, keptAs: e.keptAs });
    case 'sync.pulled':
      return t('syncLog.pulled', { path: e.path });
    case 'sync.skipped':
      return t('syncLog.skipped', { path: e.path, reason: e.reason });
    case 'sync.guard':
      return t('syncLog.guard', { reason: e.report.reason });
    case 'sync.error':
      return t('syncLog.error', { message: e.error.message });
  }
}
