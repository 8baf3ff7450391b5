/**
 * Light, dark or the system's theme. The choice is kept in this browser profile (localStorage: the Electron
 * window's and each browser's own); "system" follows prefers-color-scheme live. The resolved theme goes on
 * <html data-theme>, which styles.css keys its colour variables on.
 */
import { create } from 'zustand';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const KEY = 'warp.theme';
const query = () => (typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: light)') : undefined);

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

export function resolveTheme(choice: ThemeChoice, systemLight: boolean): Theme {
  return choice === 'system' ? (systemLight ? 'light' : 'dark') : choice;
}

interface ThemeState {
  choice: ThemeChoice;
  theme: Theme;
  choose(c: ThemeChoice): void;
}

export const useTheme = create<ThemeState>((set) => ({
  choice: 'system',
  theme: 'dark',
  choose(choice) {
    try {
      if (choice === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      /* storage refused (private mode): the choice lasts this session */
    }
    const theme = resolveTheme(choice, query()?.matches ?? false);
    set({ choice, theme });
    apply(theme);
  },
}));

function apply(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
}

/** Applies the kept choice before the first paint and follows the system while the choice is "system". */
export function startTheme(): void {
  useTheme.getState().choose(stored());
  query()?.addEventListener('change', () => {
    const s = useTheme.getState();
    if (s.choice === 'system') s.choose('system');
  });
}
