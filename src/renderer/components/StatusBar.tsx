/** Bottom bar: connection, host, which scheduler backend runs, active transfers and their total rate. */
import { useShallow } from 'zustand/react/shallow';
import { formatRate } from '../format.ts';
import { useT } from '../i18n/index.ts';
import { useApp } from '../store/app.ts';
import { isActive, isMoving, isTransfer, useJobs } from '../store/jobs.ts';

export function StatusBar() {
  const { mode, connection, info, scheduler } = useApp(
    useShallow((s) => ({ mode: s.mode, connection: s.connection, info: s.info, scheduler: s.scheduler })),
  );
  const { active, moving, rate } = useJobs(
    useShallow((s) => {
      let active = 0;
      let moving = 0;
      let rate = 0;
      for (const j of Object.values(s.jobs)) {
        if (!isActive(j) || !isTransfer(j)) continue;
        active++;
        if (isMoving(j)) {
          moving++;
          rate += j.progress?.rate ?? 0;
        }
      }
      return { active, moving, rate };
    }),
  );
  const t = useT();
  const conn = t(connection === 'open' ? 'status.connected' : `status.${connection}`);
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span
        className={`dot ${connection === 'open' ? 'green' : connection === 'connecting' ? 'amber' : 'red'}`}
        aria-hidden
      />
      <span>
        {mode === 'desktop' ? t('status.desktop') : t('status.web')} · {conn}
      </span>
      {info && (
        <span className="hide-narrow">
          {t('status.version', { version: info.version })} · {info.host}
        </span>
      )}
      <span className="spacer" />
      <span data-testid="active-transfers">
        {t('status.active', { count: active })}
        {moving > 0 ? ` · ${formatRate(rate)}` : ''}
      </span>
      <span className="sched-chip" data-testid="scheduler-backend" title={scheduler.reason}>
        {t('status.scheduler', {
          backend: scheduler.state === 'probing' ? t('status.probing') : scheduler.kind === 'webgpu' ? 'WebGPU' : 'CPU',
        })}
      </span>
    </footer>
  );
}
