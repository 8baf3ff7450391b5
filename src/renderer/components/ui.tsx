/** Small building blocks every page uses, so the pages look alike. */
import type { KeyboardEvent, ReactNode } from 'react';
import type { JobStatus } from '../../shared/events.ts';
import { explainError, type ErrorAction } from '../error-words.ts';
import { i18n, useT } from '../i18n/index.ts';
import { go } from '../route.ts';

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1 tabIndex={-1}>{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Card({
  title,
  actions,
  children,
  className,
  testId,
  data,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
  data?: Record<string, string | number>;
}) {
  // `data` becomes data-* attributes: tests read live counts without scraping canvas pixels.
  const attrs = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, String(v)]));
  return (
    <section className={`card ${className ?? ''}`} data-testid={testId} {...attrs}>
      {(title || actions) && (
        <div className="card-head">
          {title && <h2>{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

export function ProgressBar({
  value,
  total,
  status,
  label,
}: {
  value: number;
  total: number;
  status?: JobStatus;
  label?: string;
}) {
  const pct = total > 0 ? Math.min(100, (value / total) * 100) : status === 'done' ? 100 : 0;
  const t = useT();
  return (
    <div
      className={`progress ${status ?? ''}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
      aria-label={label ?? t('ui.progress')}
    >
      <span style={{ width: `${pct}%` }} />
    </div>
  );
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}

const STATUS_CLASS: Record<string, string> = {
  running: 'blue',
  queued: 'grey',
  paused: 'amber',
  done: 'green',
  failed: 'red',
  damaged: 'red',
  cancelled: 'grey',
  online: 'green',
  degraded: 'amber',
  offline: 'red',
  idle: 'grey',
  scanning: 'blue',
  syncing: 'blue',
  waiting: 'amber',
  error: 'red',
};

/** A status pill: its words are `badge.<status>` in the catalogue (an unknown status shows as it is). */
export function Badge({ status, children }: { status: string; children?: ReactNode }) {
  const t = useT();
  const key = `badge.${status}`;
  return (
    <span className={`badge ${STATUS_CLASS[status] ?? 'grey'}`} data-status={status}>
      {children ?? (i18n.exists(key) ? t(key as 'badge.done') : status)}
    </span>
  );
}

export function Empty({ icon, title, children }: { icon?: string; title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      {icon && (
        <div className="empty-icon" aria-hidden>
          {icon}
        </div>
      )}
      <div className="empty-title">{title}</div>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

/**
 * A problem shown in place. Given an `error` (anything a bridge call threw), it says what happened and what to
 * do in plain words (error-words.ts), offers the matching action when the page passes one (pairing and settings
 * work anywhere), and keeps the raw code and message under "Details". Given text, it shows the text.
 */
export function ErrorNote({
  children,
  error,
  actions,
}: {
  children?: ReactNode;
  error?: unknown;
  actions?: Partial<Record<ErrorAction, () => void>>;
}) {
  if (error === undefined || error === null || typeof error === 'string')
    return (
      <div className="error-note" role="alert">
        {children ?? (error as string | undefined)}
      </div>
    );
  return (
    <ExplainedNote error={error} actions={actions}>
      {children}
    </ExplainedNote>
  );
}

function ExplainedNote({
  children,
  error,
  actions,
}: {
  children?: ReactNode;
  error: unknown;
  actions?: Partial<Record<ErrorAction, () => void>>;
}) {
  const t = useT();
  const x = explainError(error);
  const run = x.action ? (actions?.[x.action] ?? DEFAULT_ACTIONS[x.action]) : undefined;
  return (
    <div className="error-note" role="alert" data-code={x.code}>
      <b>{x.title}.</b> {x.hint}
      {run && x.action && (
        <>
          {' '}
          <button type="button" className="small" onClick={run}>
            {t(`ui.action.${x.action}`)}
          </button>
        </>
      )}
      {children}
      <details className="error-details">
        <summary>{t('ui.details')}</summary>
        <code>{x.code}</code> {x.message}
      </details>
    </div>
  );
}

const DEFAULT_ACTIONS: Partial<Record<ErrorAction, () => void>> = {
  pair: () => go('peers'),
  settings: () => go('settings'),
};

export function Field({ label, hint, children }: { label: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {children}
      {hint && <span className="field-hint">{hint}</span>}
    </label>
  );
}

/**
 * Tabs with the keyboard behaviour of the WAI-ARIA tabs pattern: one tab stop (the selected tab), Left/Right
 * (and Home/End) move and select, the panel is labelled by its tab.
 */
export function Tabs({
  tabs,
  selected,
  onSelect,
  label,
  idPrefix,
  children,
}: {
  tabs: readonly string[];
  selected: string;
  onSelect: (t: string) => void;
  label: string;
  idPrefix: string;
  children: ReactNode;
}) {
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.indexOf(selected);
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % tabs.length
        : e.key === 'ArrowLeft'
          ? (i - 1 + tabs.length) % tabs.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? tabs.length - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    onSelect(tabs[next]);
    document.getElementById(`${idPrefix}-tab-${tabs[next]}`)?.focus();
  };
  return (
    <>
      <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKey}>
        {tabs.map((t) => (
          <button
            key={t}
            id={`${idPrefix}-tab-${t}`}
            type="button"
            role="tab"
            aria-selected={t === selected}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={t === selected ? 0 : -1}
            className={t === selected ? 'active' : ''}
            onClick={() => onSelect(t)}
          >
            {t}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${selected}`}>
        {children}
      </div>
    </>
  );
}

export function HealthMeter({ value }: { value: number }) {
  const pct = Math.max(0, Math.min(1, value)) * 100;
  const cls = value >= 0.8 ? 'green' : value >= 0.5 ? 'amber' : 'red';
  return (
    <span className={`meter ${cls}`} title={`${pct.toFixed(0)} %`}>
      <span style={{ width: `${pct}%` }} />
    </span>
  );
}
