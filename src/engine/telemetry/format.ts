/**
 * One log record → one line. Text is for people (`2026-11-24T01:02:03.456Z WARN archive: message key=value`),
 * JSON lines are for machines. Neither may throw: a field that cannot be rendered is rendered as a placeholder.
 */
import { isWarpError } from '../core/errors.ts';
import { escapeControl, escapeTerminal } from '../core/safe-text.ts';
import type { LogLevel } from './levels.ts';

export type LogFields = Readonly<Record<string, unknown>>;

export interface LogRecord {
  readonly time: Date;
  readonly level: LogLevel;
  readonly message: string;
  /** Bound fields (component first, if any) then the call's own fields. */
  readonly fields: LogFields;
}

export type LogFormat = 'text' | 'json';

export function formatRecord(record: LogRecord, format: LogFormat): string {
  return format === 'json' ? formatJson(record) : formatText(record);
}

export function formatText({ time, level, message, fields }: LogRecord): string {
  const { component, ...rest } = fields;
  let line = `${time.toISOString()} ${level.toUpperCase()} `;
  if (component !== undefined) line += `${String(component)}: `;
  line += oneLine(message);
  for (const [k, v] of Object.entries(rest)) {
    if (v !== undefined) line += ` ${k}=${textValue(v)}`;
  }
  return line + '\n';
}

const RESERVED = new Set(['time', 'level', 'msg']);

export function formatJson({ time, level, message, fields }: LogRecord): string {
  const out: Record<string, unknown> = { time: time.toISOString(), level, msg: message };
  // A field named like a core key is kept under `field_<name>` rather than silently replacing it.
  for (const [k, v] of Object.entries(fields)) out[RESERVED.has(k) ? `field_${k}` : k] = jsonValue(v);
  try {
    // escapeTerminal only turns C1 and bidi characters into \u escapes: the parsed record is unchanged.
    return escapeTerminal(JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) + '\n';
  } catch {
    // Circular structures or throwing toJSON: keep the record, drop the fields.
    return (
      JSON.stringify({ time: out.time, level, msg: message, fields_error: 'fields could not be serialised' }) + '\n'
    );
  }
}

/** A text log line is one record: newlines, CR and terminal escapes in a message become visible escapes. */
function oneLine(s: string): string {
  return escapeControl(s);
}

function textValue(v: unknown): string {
  if (v instanceof Error) return escapeTerminal(JSON.stringify(errorText(v)));
  if (typeof v === 'string') return escapeTerminal(/^[^\s"=\\]+$/.test(v) ? v : JSON.stringify(v));
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === null) return String(v);
  try {
    return escapeControl(JSON.stringify(v) ?? String(v));
  } catch {
    return '"[unserialisable]"';
  }
}

function errorText(e: Error): string {
  return isWarpError(e) ? `[${e.code}] ${e.message}` : e.message;
}

function jsonValue(v: unknown): unknown {
  if (!(v instanceof Error)) return v;
  if (isWarpError(v)) return { name: v.name, code: v.code, message: v.message, details: v.details };
  return { name: v.name, message: v.message, stack: v.stack };
}
