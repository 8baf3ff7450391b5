/**
 * The UI's words in every language Warp speaks, one catalogue per language (en.ts is the source; every other
 * catalogue is typed against it, so a missing or extra key is a type error). Plain data, shared by the renderer
 * (through i18next, src/renderer/i18n) and the Electron main process (the application menu). Plurals follow
 * i18next's suffixes (`_one`, `_other`: the CLDR categories of both languages); `{{name}}` interpolates; tags
 * like `<code>…</code>` are react-i18next's <Trans> components. test/shared/i18n.test.ts proves every catalogue
 * has exactly en's keys and, per key, the same interpolation variables and tags.
 */
import { de } from './de.ts';
import { en } from './en.ts';

/** A catalogue's shape: en's keys, any words. */
export type Catalogue = Words<typeof en>;
type Words<T> = { [K in keyof T]: T[K] extends string ? string : Words<T[K]> };

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

export const CATALOGUES: Record<Language, Catalogue> = { en, de };

/** Each language's name in itself (an endonym is never translated: a reader finds their own language by it). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch' };

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

/** The first of the user's preferred locales ("de-AT", "en_US") that Warp speaks, by primary subtag; else English. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}

/** The words at a dotted key ("commands.openArchive") for code without i18next (the main process's menu). */
export function wordAt(catalogue: Catalogue, key: string): string {
  let v: unknown = catalogue;
  for (const part of key.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
  return typeof v === 'string' ? v : key;
}

/**
 * The words at a dotted key in one language with `{{vars}}` filled in and, when `count` is given, the plural
 * form the language's CLDR rules pick (`key_one`, `key_other`): i18next's format, for the main process and the
 * shared models (tray, notifications), which run without i18next.
 */
export function say(language: Language, key: string, vars: Readonly<Record<string, string | number>> = {}): string {
  const words = CATALOGUES[language];
  let at = key;
  if (typeof vars.count === 'number') {
    const form = `${key}_${new Intl.PluralRules(language).select(vars.count)}`;
    const other = `${key}_other`;
    at = wordAt(words, form) !== form ? form : wordAt(words, other) !== other ? other : key;
  }
  return wordAt(words, at).replace(/\{\{(\w+)\}\}/g, (m, v: string) => (v in vars ? String(vars[v]) : m));
}
