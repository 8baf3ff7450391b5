/** Log levels, most severe first. The list is the config schema's, so `log.level` and the logger cannot drift. */
import { CONFIG_SCHEMA, type WarpConfig } from '../config/schema.ts';

export type LogLevel = WarpConfig['log']['level'];

export const LOG_LEVELS: readonly LogLevel[] = CONFIG_SCHEMA.log.keys.level.values;

const RANK = Object.fromEntries(LOG_LEVELS.map((l, i) => [l, i])) as Record<LogLevel, number>;

/** 0 = error … 4 = trace; a record is written when its rank is at most the logger's. A lookup, as it runs per call. */
export function levelRank(level: LogLevel): number {
  return RANK[level];
}

/** The more verbose of two levels (used by -v, which may raise but never lower the configured level). */
export function moreVerbose(a: LogLevel, b: LogLevel): LogLevel {
  return levelRank(a) >= levelRank(b) ? a : b;
}
