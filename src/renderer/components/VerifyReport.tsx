/** What a finished verify found: a green line when the archive is intact, else the damaged files by name. */
import type { VerifyReportDto } from '../../shared/bridge.ts';
import { useT } from '../i18n/index.ts';
import type { JobView } from '../store/jobs.ts';

const SHOWN = 50;

export function VerifyReport({ job }: { job: JobView }) {
  const r = job.result as Partial<VerifyReportDto> | undefined;
  const t = useT();
  if (!r || r.ok === undefined) return null;
  if (r.ok)
    return (
      <p className="small ok-text" style={{ gridColumn: '1 / -1', margin: 0 }} data-testid="verify-ok">
        {t('verify.intact', {
          files: t('verify.files', { count: r.files ?? 0 }),
          chunks: t('verify.chunks', { count: r.chunks ?? 0 }),
        })}
      </p>
    );
  const files = r.badFiles ?? [];
  return (
    <div className="error-note" role="alert" style={{ gridColumn: '1 / -1' }} data-testid="verify-damaged">
      <b>{t('verify.damaged')}</b>{' '}
      {files.length > 0 ? t('verify.damagedFiles', { count: files.length }) : t('verify.listMismatch')}
      {r.merkleRootOk === false && ` ${t('verify.rootMismatch')}`}
      {files.length > 0 && (
        <ul className="damage-list" data-testid="damaged-files">
          {files.slice(0, SHOWN).map((f) => (
            <li key={f.path}>
              <span className="mono">{f.path}</span> <span className="muted">— {f.reason}</span>
            </li>
          ))}
          {files.length > SHOWN && <li className="muted">{t('verify.more', { count: files.length - SHOWN })}</li>}
        </ul>
      )}
    </div>
  );
}
