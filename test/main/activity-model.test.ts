import { describe, expect, it } from 'vitest';
import { keepAwake, taskbarProgress } from '../../src/main/activity-model.ts';
import { initialTrayState, type TrayJob, type TrayState } from '../../src/main/tray-model.ts';

const state = (jobs: Array<Partial<TrayJob>>, extra: Partial<TrayState> = {}): TrayState => ({
  ...initialTrayState(),
  jobs: new Map(jobs.map((j, i) => [`j${i}`, { id: `j${i}`, title: 't', status: 'running', ...j } as TrayJob])),
  ...extra,
});

describe('taskbar progress', () => {
  it('no bar when nothing runs; the mean of the running jobs; indeterminate when none knows its fraction', () => {
    expect(taskbarProgress(state([]))).toEqual({ value: -1, mode: 'none' });
    expect(taskbarProgress(state([{ fraction: 0.2 }, { fraction: 0.6 }]))).toEqual({ value: 0.4, mode: 'normal' });
    expect(taskbarProgress(state([{}]))).toEqual({ value: 2, mode: 'indeterminate' });
    // A paused job does not pull a running one's bar down; alone, it shows a paused bar.
    expect(taskbarProgress(state([{ fraction: 0.5 }, { fraction: 0.1, status: 'paused' }]))).toEqual({
      value: 0.5,
      mode: 'normal',
    });
    expect(taskbarProgress(state([{ fraction: 0.1, status: 'paused' }]))).toEqual({ value: 0.1, mode: 'paused' });
    expect(taskbarProgress(state([{ fraction: 1.7 }]))).toEqual({ value: 1, mode: 'normal' });
  });
});

describe('keep awake', () => {
  it('while a job runs or a sync copies; not for paused jobs, idle watchers or paused syncing', () => {
    expect(keepAwake(state([]))).toBe(false);
    expect(keepAwake(state([{ status: 'running' }]))).toBe(true);
    expect(keepAwake(state([{ status: 'paused' }]))).toBe(false);
    const syncing = new Map([['s', { state: 'syncing' as const }]]);
    expect(keepAwake(state([], { syncs: syncing }))).toBe(true);
    expect(keepAwake(state([], { syncs: syncing, syncPaused: true }))).toBe(false);
    expect(keepAwake(state([], { syncs: new Map([['s', { state: 'idle' as const }]]) }))).toBe(false);
  });
});
