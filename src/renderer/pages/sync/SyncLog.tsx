/** The Sync page's activity log: changes, pushes (one line each: what moved), conflicts, guard stops, errors. */
import { Badge, Card } from '../../components/ui.tsx';
import { formatTime } from '../../format.ts';
import { useT } from '../../i18n/index.ts';
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
                  <Badge status={KIND_STATUS[l.kind] ?? 'running'}>{l.kind.slice(5)}</Badge>
                </span>
                <span>{l.text}</span>
              </li>
            ))}
        </ul>
      )}
    </Card>
  );
}
