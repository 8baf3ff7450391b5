import { describe, expect, it } from 'vitest';
import {
  applyTrayEvent,
  MAX_FOLDERS_LISTED,
  initialTrayState,
  MAX_JOBS_LISTED,
  MAX_LABEL,
  trayView,
  withJobs,
  withSyncJobs,
  type TrayItem,
  type TrayState,
} from '../../src/main/tray-model.ts';
import type { JobDto, WarpEvent } from '../../src/shared/events.ts';

function job(id: string, status: JobDto['status'], title = `Job ${id}`): WarpEvent {
  return {
    type: 'job.update',
    job: {
      id,
      kind: 'transfer.send',
      status,
      title,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    },
  };
}
const fold = (events: WarpEvent[], s: TrayState = initialTrayState()) => events.reduce(applyTrayEvent, s);
const labels = (items: TrayItem[]) => items.flatMap((i) => (i.kind === 'item' ? [i.label] : ['---']));
const action = (items: TrayItem[], label: string) => items.find((i) => i.kind === 'item' && i.label === label);

describe('tray model', () => {
  it('idle: no transfers, sync without folders cannot be paused, open and quit are there', () => {
    const v = trayView(initialTrayState());
    expect(v.icon).toBe('idle');
    expect(labels(v.items)).toEqual([
      'Warp: idle',
      '---',
      'No active transfers',
      '---',
      'Sync: no folders',
      'Pause sync',
      '---',
      'Open Warp',
      'Quit Warp',
    ]);
    expect(action(v.items, 'Pause sync')).toMatchObject({ enabled: false });
    expect(action(v.items, 'Open Warp')).toMatchObject({ enabled: true, action: 'open' });
    expect(action(v.items, 'Quit Warp')).toMatchObject({ enabled: true, action: 'quit' });
    expect(v.items[0]).toMatchObject({ enabled: false });
  });

  it('lists running transfers with progress and rate, and drops them when they finish', () => {
    const s = fold([
      job('t1', 'running', 'Send photos to laptop'),
      {
        type: 'transfer.progress',
        job: 't1',
        session: 's',
        chunks: 5,
        totalChunks: 10,
        wireBytes: 0,
        bytes: 250,
        totalBytes: 1000,
        files: 1,
        totalFiles: 4,
        rate: 2_000_000,
        etaSeconds: 1,
        elapsedSeconds: 1,
      },
      job('a1', 'queued', 'Create photos.warp'),
    ]);
    const v = trayView(s);
    expect(v.icon).toBe('active');
    expect(labels(v.items)[0]).toBe('Warp: 1 active transfer');
    const row = labels(v.items).find((l) => l.startsWith('Send photos'))!;
    expect(row).toMatch(/^Send photos to laptop · 25% · 2(\.0)? MB\/s$/);
    expect(labels(v.items)).toContain('Create photos.warp · queued');
    expect(v.tooltip).toContain('Send photos to laptop');
    const after = fold([job('t1', 'done'), job('a1', 'cancelled')], s);
    expect(trayView(after).icon).toBe('idle');
    expect(labels(trayView(after).items)).toContain('No active transfers');
  });

  it('ignores progress for unknown jobs and events it does not show', () => {
    const s = initialTrayState();
    expect(
      applyTrayEvent(s, {
        type: 'archive.progress',
        job: 'x',
        op: 'create',
        bytes: 1,
        totalBytes: 2,
        files: 0,
        totalFiles: 1,
        rate: 1,
        etaSeconds: 1,
        elapsedSeconds: 0,
      }),
    ).toBe(s);
    expect(applyTrayEvent(s, { type: 'daemon.heartbeat', t: 1 })).toBe(s);
  });

  it('caps the listed jobs and says how many more there are', () => {
    const s = fold(Array.from({ length: MAX_JOBS_LISTED + 3 }, (_, i) => job(`j${i}`, 'running')));
    const l = labels(trayView(s).items);
    expect(l.filter((x) => x.startsWith('Job '))).toHaveLength(MAX_JOBS_LISTED);
    expect(l).toContain('and 3 more…');
    expect(l[0]).toBe(`Warp: ${MAX_JOBS_LISTED + 3} active transfers`);
  });

  it('sync: summary follows the most urgent state; pause and resume swap', () => {
    let s = fold([
      { type: 'sync.state', id: 'docs', state: 'idle' },
      { type: 'sync.state', id: 'pics', state: 'syncing' },
    ]);
    let v = trayView(s);
    expect(v.icon).toBe('active');
    expect(labels(v.items)).toContain('Sync: 2 folders · syncing');
    expect(action(v.items, 'Pause sync')).toMatchObject({ enabled: true, action: 'pause-sync' });
    s = { ...fold([{ type: 'sync.state', id: 'pics', state: 'idle' }], s), syncPaused: true };
    v = trayView(s);
    expect(v.icon).toBe('paused');
    expect(labels(v.items)).toContain('Sync: 2 folders · paused');
    expect(action(v.items, 'Resume sync')).toMatchObject({ enabled: true, action: 'resume-sync' });
    expect(action(v.items, 'Pause sync')).toBeUndefined();
    s = fold([{ type: 'sync.state', id: 'pics', state: 'waiting', reason: 'on battery' }], {
      ...s,
      syncPaused: false,
      onBattery: true,
    });
    v = trayView(s);
    expect(labels(v.items)).toContain('Sync: 2 folders · waiting (on battery)');
    expect(labels(v.items)[0]).toBe('Warp: idle · on battery');
  });

  it('a sync error turns the icon red and names the problem', () => {
    const s = fold([
      { type: 'sync.state', id: 'docs', state: 'syncing' },
      { type: 'sync.error', id: 'docs', error: { code: 'E_NET', message: 'peer unreachable' } },
    ]);
    const v = trayView(s);
    expect(v.icon).toBe('error');
    expect(labels(v.items)).toContain('Sync: 1 folder · error: peer unreachable');
    expect(labels(v.items)[0]).toBe('Warp: needs attention');
  });
});

describe('tray model snapshots', () => {
  const syncJob = (id: string, state: 'idle' | 'syncing' | 'paused', paused: boolean) => ({
    id,
    state,
    paused,
    localPath: `/${id}`,
    peer: 'p',
    remotePath: id,
    mode: 'two-way' as const,
    direction: 'out' as const,
    pendingChanges: 0,
    syncedFiles: 0,
    syncedBytes: 0,
  });

  it('seeds jobs from jobs.list(), leaving finished ones out', () => {
    const dto = (id: string, status: JobDto['status']): JobDto => ({
      id,
      kind: 'archive.create',
      status,
      title: id,
      createdAt: '',
      updatedAt: '',
      progress: { bytes: 50, totalBytes: 100, files: 0, totalFiles: 1, rate: 0, etaSeconds: -1, elapsedSeconds: 0 },
    });
    const s = withJobs(initialTrayState(), [dto('a', 'running'), dto('b', 'done'), dto('c', 'failed')]);
    expect([...s.jobs.keys()]).toEqual(['a']);
    expect(labels(trayView(s).items)).toContain('a · 50%');
  });

  it('each synced folder has a submenu: open folder, sync now, pause for an hour or resume; incoming ones only open', () => {
    const jobs = [
      { ...syncJob('a', 'idle', false), localPath: '/home/me/Photos', peerName: 'nas' },
      { ...syncJob('b', 'paused', true), localPath: '/home/me/Docs', mode: 'send-only' as const },
      { ...syncJob('c', 'idle', false), localPath: '/srv/in', direction: 'in' as const, peerName: 'laptop' },
    ];
    const items = trayView(withSyncJobs(initialTrayState(), jobs)).items;
    const folders = items.filter((i) => i.kind === 'item' && i.submenu);
    expect(folders.map((i) => (i.kind === 'item' ? i.label : ''))).toEqual([
      'Photos ⇄ nas · up to date',
      'Docs → p · paused',
      'in ⇄ laptop · run by the peer',
    ]);
    const sub = (n: number) => (folders[n].kind === 'item' ? folders[n].submenu! : []);
    expect(sub(0).map((i) => (i.kind === 'item' ? [i.label, i.enabled, i.action] : []))).toEqual([
      ['Open folder', true, { folder: '/home/me/Photos', id: 'a', do: 'open-folder' }],
      ['Sync now', true, { folder: '/home/me/Photos', id: 'a', do: 'sync-now' }],
      ['Pause for an hour', true, { folder: '/home/me/Photos', id: 'a', do: 'pause-hour' }],
    ]);
    expect(sub(1).map((i) => (i.kind === 'item' ? [i.label, i.enabled] : []))).toEqual([
      ['Open folder', true],
      ['Sync now', false],
      ['Resume', true],
    ]);
    expect(sub(2).map((i) => (i.kind === 'item' ? i.label : ''))).toEqual(['Open folder']);
    // An incoming folder is not this machine's to pause: "all paused" looks only at its own jobs.
    expect(withSyncJobs(initialTrayState(), [jobs[1], jobs[2]]).syncPaused).toBe(true);
    const many = Array.from({ length: MAX_FOLDERS_LISTED + 3 }, (_, i) => syncJob(`j${i}`, 'idle', false));
    expect(
      trayView(withSyncJobs(initialTrayState(), many)).items.filter((i) => i.kind === 'item' && i.submenu),
    ).toHaveLength(MAX_FOLDERS_LISTED);
  });

  it('sync is paused for the tray only when every job is paused by the user', () => {
    expect(
      withSyncJobs(initialTrayState(), [syncJob('a', 'paused', true), syncJob('b', 'idle', false)]).syncPaused,
    ).toBe(false);
    const s = withSyncJobs(initialTrayState(), [syncJob('a', 'paused', true), syncJob('b', 'paused', true)]);
    expect(s.syncPaused).toBe(true);
    expect(trayView(s).icon).toBe('paused');
    expect(withSyncJobs(initialTrayState(), []).syncPaused).toBe(false);
  });
});

describe('tray model: transfers peers start against this machine', () => {
  it('shows an incoming transfer from its start to its end, with progress', () => {
    const peer = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo';
    let s = fold([
      {
        type: 'transfer.start',
        job: 'incoming:s1',
        session: 's1',
        role: 'receive',
        peer,
        transport: 'quic',
        path: 'photos',
      },
    ]);
    s = fold(
      [
        {
          type: 'transfer.progress',
          job: 'incoming:s1',
          session: 's1',
          chunks: 1,
          totalChunks: 2,
          wireBytes: 0,
          bytes: 50,
          totalBytes: 100,
          files: 0,
          totalFiles: 1,
          rate: 0,
          etaSeconds: -1,
          elapsedSeconds: 1,
        },
      ],
      s,
    );
    expect(trayView(s).icon).toBe('active');
    expect(labels(trayView(s).items)).toContain('Receiving photos (12D3KooW…e2Xo) · 50%');
    // The same tray in German: the verb, the menu and the status line in the UI's language.
    expect(labels(trayView(s, 'de').items)).toEqual(
      expect.arrayContaining([
        'Warp: 1 aktive Übertragung',
        'Empfange photos (12D3KooW…e2Xo) · 50%',
        'Sync: keine Ordner',
        'Warp öffnen',
        'Warp beenden',
      ]),
    );
    s = fold(
      [
        {
          type: 'transfer.done',
          job: 'incoming:s1',
          session: 's1',
          files: 1,
          bytes: 100,
          wireBytes: 100,
          fetchedChunks: 2,
          localChunks: 0,
          elapsedSeconds: 1,
          merkleRoot: 'ab',
        },
      ],
      s,
    );
    expect(trayView(s).icon).toBe('idle');
  });

  it('transfers with a job are left to job.update', () => {
    const s = initialTrayState();
    expect(
      applyTrayEvent(s, {
        type: 'transfer.start',
        job: 't1',
        session: 's',
        role: 'fetch',
        peer: 'p',
        transport: 'quic',
        path: '/x',
      }),
    ).toBe(s);
  });
});

describe('tray model: notices', () => {
  it('a standing problem gets its own line under the status', () => {
    const s = { ...initialTrayState(), notice: 'noListener' };
    expect(labels(trayView(s).items).slice(0, 3)).toEqual([
      'Warp: idle',
      'Not accepting transfers from peers (listener port in use)',
      '---',
    ]);
    expect(labels(trayView(s, 'de').items).slice(0, 2)).toEqual([
      'Warp: untätig',
      'Nimmt keine Übertragungen von Peers an (Listener-Port belegt)',
    ]);
  });
});

describe('tray model: long text', () => {
  it('cuts long lines (an error can be a paragraph) and keeps them on one line', () => {
    const message = `could not reach 127.0.0.1:9\n(quic: refused; tcp: refused); ${'check that warp listen runs there '.repeat(3)}`;
    const s = fold([{ type: 'sync.error', id: 'a', error: { code: 'E_PEER_UNREACHABLE', message } }]);
    const line = labels(trayView(s).items).find((l) => l.startsWith('Sync:'))!;
    expect(line.length).toBeLessThanOrEqual(MAX_LABEL);
    expect(line).toMatch(/^Sync: 1 folder · error: could not reach 127\.0\.0\.1:9 \(quic.*…$/);
    expect(line).not.toContain('\n');
  });
});
