/**
 * Schedule windows of sync jobs. Evaluation reuses the scheduler's weekly time windows (sched/constraints):
 * a job may push inside any of its windows ("required" windows in the scheduler's terms); no windows = any
 * time. Users type windows as `[days] HH:MM-HH:MM [zone]`, e.g. `22:00-06:00`, `mon-fri 09:00-17:30`,
 * `sat,sun 00:00-24:00 Europe/Berlin`.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { validateWindow, inWindow, localTime, type TimeWindow } from '../sched/constraints/time-windows.ts';
import type { SyncWindow } from './sync-types.ts';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const asTimeWindow = (w: SyncWindow): TimeWindow => ({
  kind: 'required',
  start: w.start,
  end: w.end,
  days: w.days,
  timeZone: w.timeZone,
});

export function validateSchedule(windows: readonly SyncWindow[]): void {
  for (const w of windows) validateWindow(asTimeWindow(w));
}

/** Whether a job with these windows may push at `epochMs`. */
export function insideSchedule(windows: readonly SyncWindow[], epochMs: number): boolean {
  if (windows.length === 0) return true;
  return windows.some((w) => inWindow(asTimeWindow(w), localTime(epochMs, w.timeZone)));
}

function parseDays(text: string): number[] {
  const out = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const range = part.split('-');
    const idx = range.map((d) => DAY_NAMES.indexOf(d.slice(0, 3)));
    if (idx.some((i) => i < 0) || range.length > 2 || range.some((d) => d.length < 3)) {
      throw new WarpError(ErrorCodes.USAGE, `invalid days '${text}': use names like mon, tue-fri or sat,sun`);
    }
    if (idx.length === 1) out.add(idx[0]);
    else
      for (let d = idx[0]; ; d = (d + 1) % 7) {
        out.add(d);
        if (d === idx[1]) break;
      }
  }
  return [...out].sort((a, b) => a - b);
}

/** Parses `[days] HH:MM-HH:MM [zone]`. */
export function parseWindow(text: string): SyncWindow {
  const parts = text.trim().split(/\s+/);
  const clock = parts.findIndex((p) => /^\d{1,2}:\d{2}-\d{1,2}:\d{2}$/.test(p));
  if (clock < 0 || clock > 1 || parts.length > clock + 2) {
    throw new WarpError(
      ErrorCodes.USAGE,
      `invalid schedule window '${text}': use [days] HH:MM-HH:MM [time zone], e.g. 'mon-fri 22:00-06:00 Europe/Berlin'`,
    );
  }
  const [start, end] = parts[clock].split('-');
  const w: SyncWindow = { start, end };
  if (clock === 1) w.days = parseDays(parts[0]);
  if (parts.length === clock + 2) w.timeZone = parts[clock + 1];
  validateSchedule([w]);
  return w;
}

/** The text form of a window (for `warp sync list`). */
export function formatWindow(w: SyncWindow): string {
  const days = w.days && w.days.length > 0 ? `${w.days.map((d) => DAY_NAMES[d]).join(',')} ` : '';
  return `${days}${w.start}-${w.end}${w.timeZone ? ` ${w.timeZone}` : ''}`;
}
