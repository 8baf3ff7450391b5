/** A small filled area chart of recent values (transfer rate); newest on the right. */
import { cssVar, niceMax, useCanvas } from './canvas.ts';
import { useT } from '../i18n/index.ts';

export interface SparklineProps {
  values: readonly number[];
  /** Samples the x axis holds; fewer values are right-aligned. */
  capacity?: number;
  color?: string;
  height?: number;
  label?: string;
}

export function Sparkline({ values, capacity = 120, color, height = 36, label }: SparklineProps) {
  const t = useT();
  const ref = useCanvas(
    (ctx, w, h) => {
      const stroke = color ?? cssVar('--accent', '#5b9cff');
      const n = values.length;
      if (n < 2) return;
      let max = 0;
      for (const v of values) if (v > max) max = v;
      max = niceMax(max * 1.1);
      // Few samples (a short transfer) still span the width; a long one slides through the last `capacity`.
      const step = w / Math.max(1, Math.min(n, capacity) - 1);
      const x0 = w - (n - 1) * step;
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        const x = x0 + i * step;
        const y = h - 1 - (values[i] / max) * (h - 3);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.strokeStyle = stroke;
      ctx.lineWidth = 1.5;
      ctx.stroke();
      ctx.lineTo(x0 + (n - 1) * step, h);
      ctx.lineTo(x0, h);
      ctx.closePath();
      ctx.globalAlpha = 0.18;
      ctx.fillStyle = stroke;
      ctx.fill();
      ctx.globalAlpha = 1;
    },
    [values, capacity, color],
  );
  return (
    <canvas
      ref={ref}
      className="sparkline"
      style={{ height }}
      role="img"
      aria-label={label ?? t('charts.rateHistory')}
    />
  );
}
