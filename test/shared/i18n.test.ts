import { describe, expect, it } from 'vitest';
import { CATALOGUES, LANGUAGES, pickLanguage, wordAt } from '../../src/shared/i18n/catalogue.ts';
import { en } from '../../src/shared/i18n/en.ts';

/** Every leaf of a catalogue as "dotted.key" -> words. */
function leaves(o: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

/** What a translation must keep: its {{variables}} and its <tags> (react-i18next's Trans components). */
const placeholders = (s: string) =>
  [...[...s.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => `{{${m[1]}}}`), ...[...s.matchAll(/<\/?(\w+)>/g)].map((m) => m[0])]
    .sort()
    .join(' ');

describe('catalogues', () => {
  const source = leaves(en);

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has exactly the English keys', (lang) => {
    expect([...leaves(CATALOGUES[lang]).keys()].sort()).toEqual([...source.keys()].sort());
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s keeps every interpolation variable and tag of each key', (lang) => {
    const other = leaves(CATALOGUES[lang]);
    const wrong = [...source].filter(([k, v]) => placeholders(v) !== placeholders(other.get(k) ?? ''));
    expect(wrong.map(([k]) => `${k}: ${placeholders(other.get(k) ?? '')} ≠ ${placeholders(source.get(k)!)}`)).toEqual(
      [],
    );
  });

  it('no words are empty, and no translation is left as its key', () => {
    for (const lang of LANGUAGES)
      for (const [k, v] of leaves(CATALOGUES[lang])) {
        expect(v.trim(), `${lang} ${k}`).not.toBe('');
        expect(v, `${lang} ${k}`).not.toBe(k);
      }
  });

  it('plural keys come in the CLDR categories each language needs', () => {
    for (const lang of LANGUAGES) {
      const keys = [...leaves(CATALOGUES[lang]).keys()];
      const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      const bases = new Set(keys.filter((k) => /_(one|other)$/.test(k)).map((k) => k.replace(/_\w+$/, '')));
      for (const b of bases) for (const c of needed) expect(keys, `${lang} ${b}_${c}`).toContain(`${b}_${c}`);
    }
  });

  it('the OS / browser locale picks the first language Warp speaks', () => {
    expect(pickLanguage(['de-AT', 'en-US'])).toBe('de');
    expect(pickLanguage(['fr-FR', 'de_DE'])).toBe('de');
    expect(pickLanguage(['ja-JP'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });

  it('wordAt reads a dotted key and returns the key itself when there is none', () => {
    expect(wordAt(CATALOGUES.de, 'commands.openArchive')).toBe('Archiv öffnen…');
    expect(wordAt(CATALOGUES.en, 'commands.nope')).toBe('commands.nope');
  });
});
