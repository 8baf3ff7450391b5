/** One long operation with its progress, rate, ETA and a cancel button. */
import type { ReactNode } from 'react';
import { bridge } from '../bridge/index.ts';
import { errorLine } from '../error-words.ts';
import { formatBytes, formatDuration, formatRate } from '../format.ts';
import { useJobTitle, useT } from '../i18n/index.ts';
import { useApp } from '../store/app.ts';
import { displayStatus, isActive, isMoving, type JobView } from '../store/jobs.ts';
import { Badge, ProgressBar } from './ui.tsx';
import { VerifyReport } from './VerifyReport.tsx';

export function JobRow({ job, extra }: { job: JobView; extra?: ReactNode }) {
  const p = job.progress;
  const active = isActive(job);
  const moving = isMoving(job);
  const shown = displayStatus(job);
  const t = useT();
  const title = useJobTitle(job);
  const cancel = () =>
    bridge()
      .jobs.cancel(job.id)
      .catch((err) => useApp.getState().toast('error', errorLine(err)));
  return (
    <div
      className="job"
      data-testid="job"
      data-job={job.id}
      data-kind={job.kind}
      data-status={job.status}
      data-outcome={shown}
    >
      <div className="job-title ellipsis">
        <Badge status={shown} />
        <span className="ellipsis" title={title}>
          {title}
        </span>
      </div>
      <div className="job-side">
        {extra}
        {active && (
          <button type="button" className="small danger" onClick={cancel}>
            {t('job.cancel')}
          </button>
        )}
      </div>
      <ProgressBar
        value={p?.bytes ?? 0}
        total={p?.totalBytes ?? 0}
        status={shown === 'damaged' ? 'failed' : job.status}
        label={t('job.progress', { title })}
      />
      <div className="job-meta">
        {p && (
          <span data-testid="job-bytes">
            {formatBytes(p.bytes)} / {formatBytes(p.totalBytes)}
          </span>
        )}
        {p && p.totalFiles > 0 && <span>{t('job.files', { files: p.files, count: p.totalFiles })}</span>}
        {moving && p && <span data-testid="job-rate">{formatRate(p.rate)}</span>}
        {moving && p && p.etaSeconds >= 0 && <span>{t('job.eta', { duration: formatDuration(p.etaSeconds) })}</span>}
        {!active && p && p.elapsedSeconds > 0 && (
          <span>{t('job.took', { duration: formatDuration(p.elapsedSeconds) })}</span>
        )}
        {active && job.lastFile && <span className="ellipsis mono">{job.lastFile}</span>}
        {job.error && (
          <span className="error-text" style={{ color: 'var(--red)' }}>
            {job.error.message}
          </span>
        )}
      </div>
      {job.kind === 'archive.verify' && job.status === 'done' && <VerifyReport job={job} />}
    </div>
  );
}
