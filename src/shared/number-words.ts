/**
 * Numbers and sizes written in a locale: the renderer's formatters (UI language) and the notification model
 * (the language the desktop app or web page shows) both word sizes here, so "2,50 MiB" in German is the same in
 * a job row and in the notification that says the job finished. Binary units like the CLI; no digit grouping, so
 * English reads exactly as the CLI does. Pure and browser-safe.
 */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

const numberFormats = new Map<string, Intl.NumberFormat>();

/** `n` with exactly `digits` decimals in `locale` (a BCP 47 tag such as 'en' or 'de'). */
export function formatNumberIn(locale: string, n: number, digits = 0): string {
  const key = `${locale}/${digits}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      useGrouping: false,
    });
    numberFormats.set(key, f);
  }
  return f.format(n);
}

/** A size in binary units with 2, 1 or 0 decimals by magnitude ("9,54 MiB", "123 KiB"); '—' for no size. */
export function formatBytesIn(locale: string, n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  let i = 0;
  let v = n;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatNumberIn(locale, v, i === 0 ? 0 : v < 10 ? 2 : v < 100 ? 1 : 0)} ${UNITS[i]}`;
}
