/**
 * Weekly time windows in a time zone ("weekdays 22:00-06:00 Europe/Berlin"). Uses Intl (browser-safe).
 * A window whose end is not after its start crosses midnight: it belongs to the day it starts on, so
 * "Fri 22:00-06:00" covers Friday 22:00 to Saturday 06:00.
 */
import { ErrorCodes, WarpError } from '../../core/errors.ts';

export const WINDOW_KINDS = ['preferred', 'required', 'avoid', 'off-peak'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

export interface TimeWindow {
  kind: WindowKind;
  /** 'HH:MM' local time in `timeZone`. */
  start: string;
  /** 'HH:MM'; '24:00' is allowed; end <= start means the window crosses midnight. */
  end: string;
  /** 0 = Sunday … 6 = Saturday: the days a window may start on. Absent = every day. */
  days?: readonly number[];
  /** IANA zone, e.g. 'Europe/Berlin'. Absent = UTC (deterministic everywhere). */
  timeZone?: string;
  /** Overrides the kind's default multiplier (preferred 0.8, off-peak 0.7, avoid 3). */
  multiplier?: number;
}

export interface LocalTime {
  /** 0 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minute: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch (e) {
      throw new WarpError(ErrorCodes.USAGE, `unknown time zone '${timeZone}'`, { cause: e });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local weekday and minute of `epochMs` in `timeZone` (UTC when absent). */
export function localTime(epochMs: number, timeZone?: string): LocalTime {
  if (!timeZone || timeZone === 'UTC') {
    const d = new Date(epochMs);
    return { weekday: d.getUTCDay(), minute: d.getUTCHours() * 60 + d.getUTCMinutes() };
  }
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const p of formatter(timeZone).formatToParts(epochMs)) {
    if (p.type === 'weekday') weekday = WEEKDAYS[p.value] ?? 0;
    else if (p.type === 'hour') hour = Number(p.value) % 24;
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { weekday, minute: hour * 60 + minute };
}

export function parseClock(text: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60)
    throw new WarpError(ErrorCodes.USAGE, `invalid time '${text}': use HH:MM (00:00-24:00)`);
  return minutes;
}

export function validateWindow(w: TimeWindow): void {
  if (!WINDOW_KINDS.includes(w.kind))
    throw new WarpError(ErrorCodes.USAGE, `unknown window kind '${String(w.kind)}'; use ${WINDOW_KINDS.join(', ')}`);
  parseClock(w.start);
  parseClock(w.end);
  for (const d of w.days ?? [])
    if (!Number.isInteger(d) || d < 0 || d > 6)
      throw new WarpError(ErrorCodes.USAGE, `invalid weekday ${d}: use 0 (Sunday) .. 6 (Saturday)`);
  if (w.timeZone) formatter(w.timeZone);
  if (w.multiplier !== undefined && !(w.multiplier >= 0 && Number.isFinite(w.multiplier)))
    throw new WarpError(ErrorCodes.USAGE, 'window multiplier must be a finite number >= 0');
}

/** Whether `t` (local to the window's zone) falls inside the window. */
export function inWindow(w: TimeWindow, t: LocalTime): boolean {
  const start = parseClock(w.start);
  const end = parseClock(w.end);
  const dayOk = (d: number): boolean => !w.days || w.days.length === 0 || w.days.includes(d);
  if (end > start) return dayOk(t.weekday) && t.minute >= start && t.minute < end;
  // Crosses midnight (or spans the whole day when end == start): the evening part belongs to today,
  // the morning part to the window that started yesterday.
  if (t.minute >= start) return dayOk(t.weekday);
  if (t.minute < end) return dayOk((t.weekday + 6) % 7);
  return false;
}
