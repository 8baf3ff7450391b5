/**
 * The Settings page's editor text for a config key, and the value sent back for it. The daemon checks a value as
 * if it were written in config.toml, so each type goes back in its TOML form: whole and decimal numbers as
 * numbers, booleans as booleans, lists as arrays, and sizes, durations, enums, paths and strings as the text
 * the user typed ("4MiB", "30s"). Pure: tested in Node.
 */
import type { ConfigEntryDto } from '../shared/bridge.ts';

export type ConfigEdit = { ok: true; value: unknown } | { ok: false; message: string };

/** The value as the user would type it (the daemon's own rendering when it sends one). */
export function configText(entry: Pick<ConfigEntryDto, 'value' | 'text'>): string {
  if (entry.text !== undefined) return entry.text;
  const v = entry.value;
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.join(', ');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function toConfigValue(type: string, text: string): ConfigEdit {
  const t = text.trim();
  switch (type) {
    case 'integer':
      return /^[+-]?\d+$/.test(t) ? { ok: true, value: Number(t) } : { ok: false, message: 'Enter a whole number.' };
    case 'number':
      return t !== '' && Number.isFinite(Number(t))
        ? { ok: true, value: Number(t) }
        : { ok: false, message: 'Enter a number.' };
    case 'boolean':
      return t === 'true' || t === 'false'
        ? { ok: true, value: t === 'true' }
        : { ok: false, message: 'Choose true or false.' };
    case 'list':
      return {
        ok: true,
        value: t
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      };
    case 'bytes':
    case 'duration':
    case 'enum':
      return { ok: true, value: t };
    default:
      // Strings and paths keep their spaces: " " may be meant.
      return { ok: true, value: text };
  }
}
