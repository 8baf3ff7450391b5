/**
 * The locale numbers and times are written in (Intl), set by i18n/index.ts when the language changes. Apart
 * from i18next so that format.ts stays a plain module: the formatters read it, they do not subscribe to it.
 */
let current = 'en';

export function numberLocale(): string {
  return current;
}

export function setNumberLocale(tag: string): void {
  current = tag;
}
