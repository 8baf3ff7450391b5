/**
 * The window comes back where the user left it: bounds are saved as JSON and restored only when they still
 * fit a connected display (a monitor unplugged since must not leave the window off-screen). Pure apart from the
 * two small file helpers; test/main/window-bounds.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface SavedBounds extends Rect {
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 760, height: 520 } as const;
/** How much of the title bar must lie on a display for the saved position to be used. */
const MIN_VISIBLE = 80;

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Reads saved bounds from untrusted JSON text (a hand-edited or truncated file): undefined when unusable. */
export function parseBounds(text: string): SavedBounds | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (!finite(o.x) || !finite(o.y) || !finite(o.width) || !finite(o.height)) return undefined;
  return {
    x: Math.round(o.x),
    y: Math.round(o.y),
    width: Math.round(o.width),
    height: Math.round(o.height),
    maximized: o.maximized === true,
  };
}

/**
 * The bounds to open with: the saved ones, clamped to the minimum size and to the largest display, when their
 * title bar is visible on some display's work area; otherwise only the saved size (the OS places the window).
 */
export function restoreBounds(
  saved: SavedBounds | undefined,
  workAreas: readonly Rect[],
): { bounds: Partial<Rect> & { width: number; height: number }; maximized: boolean } {
  if (!saved) return { bounds: { ...DEFAULT_SIZE }, maximized: false };
  const maxW = Math.max(MIN_SIZE.width, ...workAreas.map((a) => a.width));
  const maxH = Math.max(MIN_SIZE.height, ...workAreas.map((a) => a.height));
  const width = Math.min(Math.max(saved.width, MIN_SIZE.width), maxW);
  const height = Math.min(Math.max(saved.height, MIN_SIZE.height), maxH);
  const titleVisible = workAreas.some((a) => {
    const overlapX = Math.min(saved.x + width, a.x + a.width) - Math.max(saved.x, a.x);
    return overlapX >= MIN_VISIBLE && saved.y >= a.y && saved.y < a.y + a.height - MIN_VISIBLE / 2;
  });
  return {
    bounds: titleVisible ? { x: saved.x, y: saved.y, width, height } : { width, height },
    maximized: saved.maximized,
  };
}

export function boundsFile(userData: string): string {
  return path.join(userData, 'window-bounds.json');
}

export function readBounds(file: string): SavedBounds | undefined {
  try {
    return parseBounds(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

export function writeBounds(file: string, b: SavedBounds): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(b));
  } catch {
    // Losing the window position is not worth an error.
  }
}
