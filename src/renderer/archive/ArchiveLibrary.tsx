/**
 * The library: every archive Warp created or opened (the engine keeps the list in WARP_HOME, so it survives
 * restarts), with size, date, encryption and the last verify. Reloaded whenever an archive job finishes.
 */
import { useEffect, useMemo, useState } from 'react';
import type { LibraryEntryDto } from '../../shared/bridge.ts';
import { bridge } from '../bridge/index.ts';
import { Badge, Card, Empty, ErrorNote } from '../components/ui.tsx';
import { formatBytes, formatDate, formatDateTime } from '../format.ts';
import { useT } from '../i18n/index.ts';
import { isArchive, useJobs } from '../store/jobs.ts';
import { baseName } from './archive-paths.ts';

/** The library, reloaded each time an archive job ends (a create adds, a verify records its outcome). */
export function useLibrary(): { entries: LibraryEntryDto[] | undefined; error: unknown; reload: () => void } {
  const jobsMap = useJobs((s) => s.jobs);
  const finished = useMemo(
    () =>
      Object.values(jobsMap)
        // Ended by the service's job.update (with its result or error): the engine's archive.done comes
        // earlier, before the service has recorded the outcome in the library.
        .filter((j) => isArchive(j) && (j.result !== undefined || j.error !== undefined || j.status === 'cancelled'))
        .map((j) => `${j.id}:${j.status}`)
        .join(','),
    [jobsMap],
  );
  const [entries, setEntries] = useState<LibraryEntryDto[]>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    bridge()
      .library.list()
      .then((l) => live && (setEntries(l), setError(undefined)))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [finished, tick]);
  return { entries, error, reload: () => setTick((t) => t + 1) };
}

export function ArchiveLibrary({
  entries,
  error,
  onOpen,
  onForget,
}: {
  entries: LibraryEntryDto[] | undefined;
  error: unknown;
  onOpen: (archive: string) => void;
  onForget: (archive: string) => void;
}) {
  const t = useT();
  return (
    <Card title={t('library.title')} testId="library">
      {error !== undefined && <ErrorNote error={error} />}
      {entries && entries.length === 0 && (
        <Empty icon="▤" title={t('library.emptyTitle')}>
          {t('library.emptyBody')}
        </Empty>
      )}
      {entries && entries.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t('library.archive')}</th>
                <th className="num">{t('library.size')}</th>
                <th className="hide-phone">{t('library.changed')}</th>
                <th>{t('library.state')}</th>
                <th>
                  <span className="visually-hidden">{t('library.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <LibraryRow key={e.archive} e={e} onOpen={onOpen} onForget={onForget} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function LibraryRow({
  e,
  onOpen,
  onForget,
}: {
  e: LibraryEntryDto;
  onOpen: (a: string) => void;
  onForget: (a: string) => void;
}) {
  const when = e.modifiedAt ?? e.usedAt;
  const t = useT();
  return (
    <tr data-testid="library-row" data-archive={e.archive}>
      <td>
        <div className="mono ellipsis" title={e.archive}>
          {baseName(e.archive)}
        </div>
        <div className="muted small">
          {t('library.summary', {
            files: t('verify.files', { count: e.files }),
            bytes: formatBytes(e.bytes),
            source: e.source === 'created' ? t('library.created') : t('library.opened'),
          })}
        </div>
      </td>
      <td className="num">{formatBytes(e.archiveBytes)}</td>
      <td className="hide-phone muted small">
        <time dateTime={when}>{formatDateTime(when)}</time>
      </td>
      <td className="library-state">
        {e.encrypted && <Badge status="idle">{t('library.encrypted')}</Badge>} <VerifiedBadge e={e} />
      </td>
      <td className="row" style={{ justifyContent: 'flex-end' }}>
        <button type="button" className="small" disabled={e.missing} onClick={() => onOpen(e.archive)}>
          {t('archive.open')}
        </button>
        <button
          type="button"
          className="small"
          onClick={() => onForget(e.archive)}
          aria-label={t('library.forgetLabel', { name: baseName(e.archive) })}
          title={t('library.forgetTitle')}
        >
          {t('library.forget')}
        </button>
      </td>
    </tr>
  );
}

function VerifiedBadge({ e }: { e: LibraryEntryDto }) {
  const t = useT();
  if (e.missing) return <Badge status="failed">{t('library.missing')}</Badge>;
  if (!e.verified) return <Badge status="idle">{t('library.notVerified')}</Badge>;
  const at = t('library.verifiedAt', { when: formatDateTime(e.verified.at) });
  return e.verified.ok ? (
    <Badge status="done">
      <span title={at}>{t('library.verifiedOn', { date: formatDate(e.verified.at) })}</span>
    </Badge>
  ) : (
    <Badge status="damaged">
      <span title={at}>
        {e.verified.damagedFiles > 0
          ? t('library.damagedFiles', { count: e.verified.damagedFiles })
          : t('library.damaged')}
      </span>
    </Badge>
  );
}
