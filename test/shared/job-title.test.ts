import { describe, expect, it } from 'vitest';
import { jobTitle, jobTitleIn } from '../../src/shared/job-title.ts';
import { notificationFor } from '../../src/shared/notify-model.ts';

describe('job titles', () => {
  it('are English for the CLI and the API, and carry their words for each UI language', () => {
    const t = jobTitle('swarm', { name: '/data', count: 3 });
    expect(t.title).toBe('Swarm fetch /data from 3 peers');
    expect(jobTitleIn(t, 'de')).toBe('/data von 3 Geräten holen (Schwarm)');
    expect(jobTitleIn(jobTitle('swarm', { name: '/data', count: 1 }), 'en')).toBe('Swarm fetch /data from 1 peer');
    expect(jobTitleIn(jobTitle('verify', { name: 'a.warp' }), 'de')).toBe('a.warp prüfen');
  });

  it('an older job without words keeps its title', () => {
    expect(jobTitleIn({ title: 'Create x.warp' }, 'de')).toBe('Create x.warp');
  });

  it('a finished job is notified under its title in the chosen language', () => {
    const job = {
      id: 'j',
      kind: 'archive.create' as const,
      status: 'done' as const,
      ...jobTitle('create', { name: 'fotos.warp' }),
      createdAt: '',
      updatedAt: '',
    };
    const { note } = notificationFor({} as never, { type: 'job.update', job }, 'de');
    expect(note?.title).toContain('fotos.warp erstellen');
  });
});
