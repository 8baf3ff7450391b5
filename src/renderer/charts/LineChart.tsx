/**
 * A time-series line chart on canvas: several series over a sliding time window, a y axis with round ticks
 * and a legend. Used for the drift view (expected versus actual throughput) and scheduler simulations.
 */
import { cssVar, niceMax, useCanvas } from './canvas.ts';

export interface Series {
  name: string;
  color: string;
  /** [t, value] pairs with t ascending (any unit; the window is in the same unit). */
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

export interface LineChartProps {
  series: readonly Series[];
  /** Width of the visible window on the t axis; the newest point is at the right edge. */
  window?: number;
  height?: number;
  formatY?: (v: number) => string;
  /** Labels under the left and right ends of the x axis, given the visible [t0, t1]. */
  xLabels?: (t0: number, t1: number) => readonly [string, string];
  label: string;
  /** Values are bytes (or bytes/s): round the axis on binary units. */
  binary?: boolean;
}

const PAD = { l: 64, r: 10, t: 10, b: 22 };

export function LineChart({
  series,
  window: span,
  height = 200,
  formatY = String,
  xLabels,
  label,
  binary = false,
}: LineChartProps) {
  const ref = useCanvas(
    (ctx, w, h) => {
      const grid = cssVar('--grid', '#2a3140');
      const text = cssVar('--muted', '#8a94a8');
      let tMax = -Infinity;
      let tMin = Infinity;
      let vMax = 0;
      for (const s of series) {
        for (const [t, v] of s.points) {
          if (t > tMax) tMax = t;
          if (t < tMin) tMin = t;
          if (v > vMax) vMax = v;
        }
      }
      const pw = w - PAD.l - PAD.r;
      const ph = h - PAD.t - PAD.b;
      const yMax = niceMax(vMax * 1.05, binary);
      ctx.font = '11px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      ctx.lineWidth = 1;
      for (let i = 0; i <= 4; i++) {
        const y = PAD.t + ph - (i / 4) * ph;
        ctx.strokeStyle = grid;
        ctx.beginPath();
        ctx.moveTo(PAD.l, Math.round(y) + 0.5);
        ctx.lineTo(w - PAD.r, Math.round(y) + 0.5);
        ctx.stroke();
        ctx.fillStyle = text;
        ctx.textAlign = 'right';
        ctx.fillText(formatY((yMax * i) / 4), PAD.l - 6, y);
      }
      if (!Number.isFinite(tMax)) {
        ctx.textAlign = 'center';
        ctx.fillText('waiting for data…', PAD.l + pw / 2, PAD.t + ph / 2);
        return;
      }
      const t1 = tMax;
      const t0 = span !== undefined ? t1 - span : tMin;
      const dt = Math.max(1e-9, t1 - t0);
      if (xLabels) {
        const [left, right] = xLabels(t0, t1);
        ctx.fillStyle = text;
        ctx.textAlign = 'left';
        ctx.fillText(left, PAD.l, h - PAD.b / 2 + 2);
        ctx.textAlign = 'right';
        ctx.fillText(right, w - PAD.r, h - PAD.b / 2 + 2);
      }
      ctx.save();
      ctx.beginPath();
      ctx.rect(PAD.l, PAD.t, pw, ph);
      ctx.clip();
      for (const s of series) {
        ctx.strokeStyle = s.color;
        ctx.lineWidth = 2;
        ctx.setLineDash(s.dashed ? [6, 4] : []);
        ctx.beginPath();
        let started = false;
        for (const [t, v] of s.points) {
          if (t < t0 - dt * 0.05) continue;
          const x = PAD.l + ((t - t0) / dt) * pw;
          const y = PAD.t + ph - (v / yMax) * ph;
          if (!started) {
            ctx.moveTo(x, y);
            started = true;
          } else ctx.lineTo(x, y);
        }
        ctx.stroke();
      }
      ctx.restore();
      ctx.setLineDash([]);
    },
    [series, span, formatY, xLabels, binary],
  );
  return (
    <figure className="chart">
      <canvas ref={ref} style={{ height }} role="img" aria-label={label} data-testid="line-chart" />
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.name} className="legend-item">
            <i
              className={s.dashed ? 'swatch dashed' : 'swatch'}
              style={{ borderColor: s.color, background: s.dashed ? 'transparent' : s.color }}
            />
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
