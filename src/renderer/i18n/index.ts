/**
 * The renderer's translations: one i18next instance over the catalogues of src/shared/i18n (typed keys: see
 * i18next.d.ts there), the language the user chose (Settings → Language) or, by default, the first of the
 * browser's / OS's preferred languages that Warp speaks. The choice is kept in this browser profile
 * (localStorage, like the theme); the resolved language goes on <html lang>, into Intl (i18n/locale.ts) and,
 * in the desktop app, to the main process so the application menu speaks it too.
 *
 * Components call `useT()` (re-renders on a language change); plain modules (error wording, toasts) call `t`.
 */
import type { JobDto } from '../../shared/events.ts';
import { jobTitleIn } from '../../shared/job-title.ts';
import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { CATALOGUES, LANGUAGES, isLanguage, pickLanguage, type Language } from '../../shared/i18n/catalogue.ts';
import { setNumberLocale } from './locale.ts';

export type LanguageChoice = 'system' | Language;

const KEY = 'warp.language';

const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: CATALOGUES[l] }])),
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  // Synchronous: the first render (and a unit test importing a wording module) already has the words.
  initAsync: false,
  // React escapes what it renders; escaping here would show "&amp;" in a file name.
  interpolation: { escapeValue: false },
});

/** Translate outside React (stores, toasts, error wording). Inside a component use `useT()`. */
export const t = i18n.t.bind(i18n);

/** The translate function of a component: the component re-renders when the language changes. */
export function useT() {
  return useTranslation(undefined, { i18n }).t;
}

export { i18n };

/** The user's preferred languages as the browser (or Electron, from the OS) reports them. */
export function systemLanguage(): Language {
  const prefs = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  return pickLanguage(prefs.filter(Boolean));
}

function stored(): LanguageChoice {
  try {
    const v = localStorage.getItem(KEY);
    return isLanguage(v) ? v : 'system';
  } catch {
    return 'system';
  }
}

interface LanguageState {
  choice: LanguageChoice;
  language: Language;
  choose(c: LanguageChoice): void;
}

/** Called with each resolved language (the desktop bridge tells the main process). */
const listeners = new Set<(l: Language) => void>();
export function onLanguage(listener: (l: Language) => void): () => void {
  listeners.add(listener);
  listener(useLanguage.getState().language);
  return () => listeners.delete(listener);
}

export const useLanguage = create<LanguageState>((set) => ({
  choice: 'system',
  language: 'en',
  choose(choice) {
    try {
      if (choice === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      /* storage refused (private mode): the choice lasts this session */
    }
    const language = choice === 'system' ? systemLanguage() : choice;
    apply(language);
    set({ choice, language });
    for (const l of listeners) l(language);
  },
}));

function apply(language: Language): void {
  setNumberLocale(language);
  void i18n.changeLanguage(language);
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

/** Applies the kept choice before the first render and follows the system's languages while it is "system". */
export function startLanguage(): void {
  useLanguage.getState().choose(stored());
  window.addEventListener('languagechange', () => {
    const s = useLanguage.getState();
    if (s.choice === 'system') s.choose('system');
  });
}

/** A job's title in the UI's language (shared/job-title.ts: the daemon sends the catalogue key and values). */
export function useJobTitle(job: Pick<JobDto, 'title' | 'titleWords'>): string {
  return jobTitleIn(
    job,
    useLanguage((s) => s.language),
  );
}
