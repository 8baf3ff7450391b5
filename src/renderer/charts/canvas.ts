/**
 * Canvas plumbing shared by the charts: size the backing store to the element × devicePixelRatio (sharp lines),
 * and redraw when the element is resized. Charts draw straight to canvas (no DOM per point), so redrawing at
 * the store's rAF cadence stays cheap.
 */
import { useEffect, useRef, type RefObject } from 'react';

export type Draw = (ctx: CanvasRenderingContext2D, width: number, height: number) => void;

export function useCanvas(draw: Draw, deps: readonly unknown[]): RefObject<HTMLCanvasElement | null> {
  const ref = useRef<HTMLCanvasElement | null>(null);
  const drawRef = useRef(draw);
  drawRef.current = draw;

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const ro = new ResizeObserver(() => paint(canvas, drawRef.current));
    ro.observe(canvas);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    if (ref.current) paint(ref.current, drawRef.current);
  }, deps);
  return ref;
}

function paint(canvas: HTMLCanvasElement, draw: Draw): void {
  const dpr = Math.min(3, window.devicePixelRatio || 1);
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (w === 0 || h === 0) return;
  const bw = Math.round(w * dpr);
  const bh = Math.round(h * dpr);
  if (canvas.width !== bw || canvas.height !== bh) {
    canvas.width = bw;
    canvas.height = bh;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  draw(ctx, w, h);
}

/** Reads a CSS custom property (the palette lives in styles.css). */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** A round axis maximum ≥ max (1, 1.2, 1.5, 2, 2.5, … × 10^n), so four gridlines land on readable values. */
export function niceMax(max: number, binary = false): number {
  if (!(max > 0)) return 1;
  // Byte quantities read better on binary steps: 7.5 MiB, not 7.86 MB shown as MiB.
  if (binary && max >= 1024) {
    const unit = max >= 2 ** 30 ? 2 ** 30 : max >= 2 ** 20 ? 2 ** 20 : 2 ** 10;
    return niceMax(max / unit) * unit;
  }
  const p = Math.pow(10, Math.floor(Math.log10(max)));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= max * 0.999) return m * p;
  return 10 * p;
}
