/** Typed keys: `t('no.such.key')` and a missing interpolation value are type errors (en.ts is the source). */
import 'i18next';
import type { en } from './en.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
