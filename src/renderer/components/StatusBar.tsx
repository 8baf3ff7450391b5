/** Bottom bar: connection, host, which scheduler backend runs, active transfers and their total rate. */
import { useShallow } from 'zustand/react/shallow';
import { formatRate } from '../format.ts';
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
  const conn = connection === 'open' ? 'connected' : connection;
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span
        className={`dot ${connection === 'open' ? 'green' : connection === 'connecting' ? 'amber' : 'red'}`}
        aria-hidden
      />
      <span>
        {mode === 'desktop' ? 'Desktop' : 'Web'} · {conn}
      </span>
      {info && (
        <span className="hide-narrow">
          v{info.version} · {info.host}
        </span>
      )}
      <span className="spacer" />
      <span data-testid="active-transfers">
        {active} active{moving > 0 ? ` · ${formatRate(rate)}` : ''}
      </span>
      <span className="sched-chip" data-testid="scheduler-backend" title={scheduler.reason}>
        scheduler: {scheduler.state === 'probing' ? 'probing…' : scheduler.kind === 'webgpu' ? 'WebGPU' : 'CPU'}
      </span>
    </footer>
  );
}
