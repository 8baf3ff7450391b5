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
  // The element's size as the ResizeObserver last reported it: reading clientWidth after each React commit
  // forced a synchronous layout per store update (per frame during a swarm); the observer's figure costs nothing.
  const size = useRef<Size | undefined>(undefined);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const ro = new ResizeObserver(([entry]) => {
      size.current = { w: entry.contentRect.width, h: entry.contentRect.height };
      paint(canvas, size.current, drawRef.current);
    });
    ro.observe(canvas);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    // Before the observer's first report the size is unknown; its callback paints.
    if (ref.current && size.current) paint(ref.current, size.current, drawRef.current);
  }, deps);
  return ref;
}

interface Size {
  w: number;
  h: number;
}

function paint(canvas: HTMLCanvasElement, { w, h }: Size, draw: Draw): void {
  const dpr = Math.min(3, window.devicePixelRatio || 1);
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

const palette = new Map<string, string>();
let paletteTheme: string | undefined;

/**
 * Reads a CSS custom property (the palette lives in styles.css). Cached per theme (theme.ts sets
 * `data-theme` on the root): getComputedStyle after a DOM change forces a style recalculation, and the charts
 * asked for their colours on every redraw.
 */
export function cssVar(name: string, fallback: string): string {
  const theme = document.documentElement.dataset.theme ?? '';
  if (theme !== paletteTheme) {
    palette.clear();
    paletteTheme = theme;
  }
  let v = palette.get(name);
  if (v === undefined) {
    v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    palette.set(name, v);
  }
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
