/**
 * Sync: folders kept in step with a folder on a paired peer, both ways or one way. The form (sync/SyncAdd),
 * the folder rows with both machines named, the last sync's line, Sync now, conflicts, versions and the
 * deletion-guard prompt (sync/SyncJobRow, sync/SyncDetails), and the live activity (sync/SyncLog). Folders
 * another machine syncs with this one are listed too, run by that machine.
 */
import { useEffect } from 'react';
import { Card, Empty, ErrorNote, PageHeader } from '../components/ui.tsx';
import { useT } from '../i18n/index.ts';
import { useResources } from '../store/resources.ts';
import { AddSync } from './sync/SyncAdd.tsx';
import { SyncJobRow, peerLabelOf } from './sync/SyncJobRow.tsx';
import { SyncLog } from './sync/SyncLog.tsx';

export function SyncPage() {
  const jobs = useResources((s) => s.syncJobs);
  const error = useResources((s) => s.errors.sync);
  const load = useResources((s) => s.loadSync);
  const peers = useResources((s) => s.peers);
  const t = useT();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <>
      <PageHeader title={t('pages.sync')} subtitle={t('syncPage.subtitle')} />
      <div className="stack">
        <AddSync onAdded={() => void load()} />
        <Card title={t('syncPage.folders')} testId="sync-jobs">
          {error !== undefined && <ErrorNote error={error} />}
          {error ? null : !jobs?.length ? (
            <Empty icon="⟳" title={t('syncPage.emptyTitle')}>
              {t('syncPage.emptyBody')}
            </Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t('syncPage.folder')}</th>
                    <th>{t('syncPage.between')}</th>
                    <th>{t('syncPage.state')}</th>
                    <th className="hide-phone">{t('syncPage.lastSync')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {jobs.map((j) => (
                    <SyncJobRow key={j.id} job={j} peerLabel={peerLabelOf(j, peers)} onChange={() => void load()} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <SyncLog />
      </div>
    </>
  );
}
