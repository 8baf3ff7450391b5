/** A stacked horizontal bar: each part's share of the whole (per-peer contribution, chunks per edge). */
import { formatNumber } from '../format.ts';
import { useT } from '../i18n/index.ts';

export interface Share {
  key: string;
  label: string;
  value: number;
  color: string;
}

export function ShareBar({ parts, format }: { parts: readonly Share[]; format: (v: number) => string }) {
  const t = useT();
  const total = parts.reduce((s, p) => s + p.value, 0);
  return (
    <div className="sharebar">
      <div className="sharebar-track" role="img" aria-label={t('charts.sharePerPeer')}>
        {total > 0 &&
          parts.map(
            (p) =>
              p.value > 0 && (
                <span
                  key={p.key}
                  style={{ width: `${(p.value / total) * 100}%`, background: p.color }}
                  title={`${p.label}: ${format(p.value)}`}
                />
              ),
          )}
      </div>
      <ul className="sharebar-legend">
        {parts.map((p) => (
          <li key={p.key}>
            <i className="swatch" style={{ background: p.color }} />
            {p.label} <b>{format(p.value)}</b>
            {total > 0 && <em> {formatNumber((p.value / total) * 100, 0)} %</em>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Distinct, readable colours on the dark theme, assigned by index. */
export const PALETTE = ['#5b9cff', '#3ecf8e', '#f5a524', '#c678dd', '#ff6b6b', '#2ec4d6', '#e6d56b', '#9aa5ff'];
export function colorFor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
