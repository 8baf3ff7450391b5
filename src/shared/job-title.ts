/**
 * A job's title, defined once: the catalogue's words (src/shared/i18n) in English for the CLI, the API and logs,
 * and the key with its values so the renderer, the tray and notifications say it in the user's language.
 */
import type { JobDto, JobTitleWords } from './events.ts';
import { say, type Language } from './i18n/catalogue.ts';

export function jobTitle(
  key: JobTitleWords['key'],
  vars: JobTitleWords['vars'] = {},
): Pick<JobDto, 'title' | 'titleWords'> {
  return { title: say('en', `jobTitle.${key}`, vars), titleWords: { key, vars } };
}

/** The job's title in `language` (an older daemon's job without words keeps its English title). */
export function jobTitleIn(job: Pick<JobDto, 'title' | 'titleWords'>, language: Language): string {
  return job.titleWords ? say(language, `jobTitle.${job.titleWords.key}`, job.titleWords.vars) : job.title;
}
