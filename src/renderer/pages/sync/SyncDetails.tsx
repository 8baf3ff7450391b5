/**
 * One synced folder's details: the deletion-guard prompt, the conflicts resolver (this machine's version and
 * the peer's side by side, keep mine / theirs / both) and the versions browser with restore.
 */
import { useCallback, useEffect, useState } from 'react';
import type { SyncConflictDto, SyncJobDto, SyncVersionDto } from '../../../shared/bridge.ts';
import { bridge } from '../../bridge/index.ts';
import { ErrorNote } from '../../components/ui.tsx';
import { errorLine } from '../../error-words.ts';
import { formatBytes, formatDateTime } from '../../format.ts';
import { useT } from '../../i18n/index.ts';
import { useApp } from '../../store/app.ts';

export function GuardPrompt({ job, onDone }: { job: SyncJobDto; onDone: () => void }) {
  const t = useT();
  const toast = useApp((s) => s.toast);
  if (!job.guard) return null;
  const g = job.guard;
  const confirm = async () => {
    try {
      await bridge().sync.confirm(job.id);
      onDone();
    } catch (err) {
      toast('error', errorLine(err));
    }
  };
  return (
    <div
      role="alert"
      data-testid="sync-guard"
      style={{ border: '1px solid var(--warn, #c90)', borderRadius: 6, padding: 8 }}
    >
      <strong>{t('syncDetails.guardTitle')}</strong>{' '}
      {t('syncDetails.guardBody', {
        reason: g.reason,
        here: g.deleteHere,
        there: g.deleteThere,
        paths: g.paths.length ? `: ${g.paths.slice(0, 5).join(', ')}${g.deletions > 5 ? '…' : ''}` : '',
      })}{' '}
      <button type="button" className="small danger" onClick={() => void confirm()} data-testid="sync-guard-confirm">
        {t('syncDetails.guardDelete', { count: g.deletions })}
      </button>
    </div>
  );
}

function useList<T>(load: () => Promise<T[]>): { list?: T[]; error?: unknown; reload: () => void } {
  const [list, setList] = useState<T[]>();
  const [error, setError] = useState<unknown>();
  const reload = useCallback(() => {
    load().then(setList, setError);
  }, [load]);
  useEffect(reload, [reload]);
  return { list, error, reload };
}

const when = (iso: string): string => formatDateTime(iso);

export function ConflictsPanel({ job, onDone }: { job: SyncJobDto; onDone: () => void }) {
  const t = useT();
  const toast = useApp((s) => s.toast);
  const load = useCallback(() => bridge().sync.conflicts(job.id), [job.id]);
  const { list, error, reload } = useList<SyncConflictDto>(load);
  const resolve = async (c: SyncConflictDto, keep: 'mine' | 'theirs' | 'both') => {
    try {
      await bridge().sync.resolve({ id: job.id, path: c.copy, keep });
      reload();
      onDone();
    } catch (err) {
      toast('error', errorLine(err));
    }
  };
  if (error !== undefined) return <ErrorNote error={error} />;
  if (!list) return <p className="muted">{t('syncDetails.loadingConflicts')}</p>;
  if (list.length === 0) return <p className="muted">{t('syncDetails.noConflicts')}</p>;
  return (
    <table data-testid="sync-conflicts">
      <thead>
        <tr>
          <th>{t('syncDetails.file')}</th>
          <th>{t('syncDetails.mine')}</th>
          <th>{t('syncDetails.theirs')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {list.map((c) => (
          <tr key={c.copy} data-testid="sync-conflict">
            <td className="mono">{c.path}</td>
            <td className="small">
              {formatBytes(c.mine.size)} · {when(c.mine.modifiedAt)}
            </td>
            <td className="small">
              {formatBytes(c.theirs.size)} · {when(c.theirs.modifiedAt)}
            </td>
            <td>
              <div className="row" style={{ justifyContent: 'flex-end' }}>
                {(['mine', 'theirs', 'both'] as const).map((k) => (
                  <button key={k} type="button" className="small" onClick={() => void resolve(c, k)}>
                    {t(`syncDetails.keep.${k}`)}
                  </button>
                ))}
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function VersionsPanel({ job, onDone }: { job: SyncJobDto; onDone: () => void }) {
  const t = useT();
  const toast = useApp((s) => s.toast);
  const load = useCallback(() => bridge().sync.versions(job.id), [job.id]);
  const { list, error, reload } = useList<SyncVersionDto>(load);
  const restore = async (v: SyncVersionDto) => {
    try {
      const r = await bridge().sync.restore({ id: job.id, version: v.version });
      toast(
        'info',
        r.replacedKeptAs
          ? t('syncDetails.restoredKept', { path: r.path, keptAs: r.replacedKeptAs })
          : t('syncDetails.restored', { path: r.path }),
      );
      reload();
      onDone();
    } catch (err) {
      toast('error', errorLine(err));
    }
  };
  if (error !== undefined) return <ErrorNote error={error} />;
  if (!list) return <p className="muted">{t('syncDetails.loadingVersions')}</p>;
  if (list.length === 0) return <p className="muted">{t('syncDetails.noVersions')}</p>;
  return (
    <table data-testid="sync-versions">
      <thead>
        <tr>
          <th>{t('syncDetails.file')}</th>
          <th>{t('syncDetails.kept')}</th>
          <th className="num">{t('syncDetails.size')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {list.slice(0, 200).map((v) => (
          <tr key={v.version} data-testid="sync-version">
            <td className="mono">{v.path}</td>
            <td className="small">{when(v.keptAt)}</td>
            <td className="num">{formatBytes(v.size)}</td>
            <td>
              <button type="button" className="small" onClick={() => void restore(v)}>
                {t('syncDetails.restore')}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
