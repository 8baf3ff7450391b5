/**
 * Turning what a user wrote (a TOML value, or text from the environment or a flag) into a key's typed value,
 * describing what a key accepts, and printing a value back in the form a user would write it.
 */
import path from 'node:path';
import type { KeySpec } from './spec.ts';
import { formatByteSize, formatDuration, parseDuration, tryParseByteSize } from './units.ts';

export type Coerced = { ok: true; value: unknown } | { ok: false };

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  false: false,
  yes: true,
  no: false,
  on: true,
  off: false,
  '1': true,
  '0': false,
};

/**
 * `raw` is a TOML value (number, string, boolean, array) or, when `fromText`, a string from the environment or a
 * flag. `baseDir` resolves relative paths (the config file's folder, or the working directory).
 */
export function coerce(spec: KeySpec, raw: unknown, fromText: boolean, baseDir: string): Coerced {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const bad: Coerced = { ok: false };
  switch (spec.type) {
    case 'string': {
      if (typeof raw !== 'string') return bad;
      return spec.rule?.check(raw) ? bad : { ok: true, value: raw };
    }
    case 'path':
      if (typeof raw !== 'string') return bad;
      return { ok: true, value: raw === '' ? '' : path.resolve(baseDir, raw) };
    case 'integer':
    case 'number': {
      let n: number | undefined;
      if (typeof raw === 'number') n = raw;
      else if (fromText && text !== undefined && /^[+-]?(\d+(\.\d+)?|\.\d+)(e[+-]?\d+)?$/i.test(text)) n = Number(text);
      if (n === undefined || !Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) return bad;
      return inRange(n, spec.min, spec.max);
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const b = fromText && text !== undefined ? BOOLEAN_WORDS[text.toLowerCase()] : undefined;
      return b === undefined ? bad : { ok: true, value: b };
    }
    case 'bytes': {
      const n = typeof raw === 'number' ? raw : text !== undefined ? tryParseByteSize(text) : undefined;
      if (n === undefined || !Number.isInteger(n)) return bad;
      return inRange(n, spec.min, spec.max);
    }
    case 'enum': {
      // Case-insensitive so WARP_LOG_LEVEL=DEBUG works; the canonical spelling is stored.
      const hit = text === undefined ? undefined : spec.values.find((v) => v.toLowerCase() === text.toLowerCase());
      return hit === undefined ? bad : { ok: true, value: hit };
    }
    case 'duration': {
      const ms = text === undefined ? undefined : parseDuration(text);
      return ms === undefined ? bad : inRange(ms, spec.min, spec.max);
    }
    case 'list': {
      if (Array.isArray(raw)) return raw.every((x) => typeof x === 'string') ? { ok: true, value: [...raw] } : bad;
      if (fromText && typeof raw === 'string')
        return {
          ok: true,
          value: raw
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
        };
      return bad;
    }
  }
}

function inRange(n: number, min: number, max: number): Coerced {
  return n >= min && n <= max ? { ok: true, value: n } : { ok: false };
}

/** What a key accepts, for error messages, docs and `config init` comments. */
export function describeAllowed(spec: KeySpec): string {
  switch (spec.type) {
    case 'string':
      return spec.rule?.allowed ?? 'any text';
    case 'path':
      return 'a file path, or "" for none';
    case 'integer':
      return `an integer from ${spec.min} to ${spec.max}`;
    case 'number':
      return `a number from ${spec.min} to ${spec.max}`;
    case 'boolean':
      return 'true or false';
    case 'bytes':
      return `a byte size from ${formatByteSize(spec.min)} to ${formatByteSize(spec.max)}, such as 512KiB, 4MiB or 25MB`;
    case 'enum':
      return `one of ${spec.values.join(', ')}`;
    case 'duration':
      return `a duration from ${formatDuration(spec.min)} to ${formatDuration(spec.max)}, such as 250ms, 30s or 1m30s`;
    case 'list':
      return 'a list of strings (comma-separated in the environment)';
  }
}

/** A value as a user would write it (`1MiB`, `30s`, `a, b`). */
export function formatValue(spec: KeySpec, value: unknown): string {
  switch (spec.type) {
    case 'bytes':
      return formatByteSize(value as number);
    case 'duration':
      return formatDuration(value as number);
    case 'list':
      return (value as readonly string[]).join(', ');
    default:
      return String(value);
  }
}

/** A value as a TOML literal, for `warp config init`. */
export function tomlLiteral(spec: KeySpec, value: unknown): string {
  switch (spec.type) {
    case 'integer':
    case 'number':
    case 'boolean':
      return String(value);
    case 'list':
      return `[${(value as readonly string[]).map((s) => JSON.stringify(s)).join(', ')}]`;
    default:
      return JSON.stringify(formatValue(spec, value));
  }
}

/** What a user gave, quoted and shortened, for error messages. */
export function showGiven(raw: unknown): string {
  let s: string;
  try {
    s = typeof raw === 'string' ? JSON.stringify(raw) : (JSON.stringify(raw) ?? String(raw));
  } catch {
    s = String(raw);
  }
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}
