import { describe, expect, it } from 'vitest';
import { initialNotifyState, notificationFor, type NotifyState } from '../../src/shared/notify-model.ts';
import type { JobDto, WarpEvent } from '../../src/shared/events.ts';

const job = (status: JobDto['status'], extra: Partial<JobDto> = {}): WarpEvent => ({
  type: 'job.update',
  job: {
    id: 'j',
    kind: 'transfer.send',
    status,
    title: 'Send photos to laptop',
    createdAt: '',
    updatedAt: '',
    ...extra,
  },
});

function run(events: WarpEvent[]): (string | undefined)[] {
  let s: NotifyState = initialNotifyState();
  return events.map((e) => {
    const r = notificationFor(s, e);
    s = r.state;
    return r.note?.title;
  });
}

describe('background notifications', () => {
  it('says when a job finishes or fails, not while it runs', () => {
    expect(run([job('queued'), job('running'), job('done')])).toEqual([
      undefined,
      undefined,
      'Done: Send photos to laptop',
    ]);
    const failed = notificationFor(
      initialNotifyState(),
      job('failed', { error: { code: 'E_PEER_UNREACHABLE', message: 'could not reach laptop' } }),
    );
    expect(failed.note).toEqual({ title: 'Failed: Send photos to laptop', body: 'could not reach laptop' });
    expect(notificationFor(initialNotifyState(), job('cancelled')).note).toBeUndefined();
  });

  it('summarises what a finished job moved', () => {
    const n = notificationFor(
      initialNotifyState(),
      job('done', {
        progress: {
          bytes: 2_000_000,
          totalBytes: 2_000_000,
          files: 3,
          totalFiles: 3,
          rate: 0,
          etaSeconds: 0,
          elapsedSeconds: 1,
        },
      }),
    ).note!;
    expect(n.body).toBe('1.91 MiB in 3 files');
  });

  it('tells about transfers peers start against this machine only when they complete', () => {
    const done: WarpEvent = {
      type: 'transfer.done',
      job: 'incoming:s',
      session: 's',
      files: 2,
      bytes: 1000,
      wireBytes: 1000,
      fetchedChunks: 1,
      localChunks: 0,
      elapsedSeconds: 1,
      merkleRoot: '',
    };
    expect(run([done])).toEqual(['Received from a peer']);
    expect(run([{ ...done, job: 'j1' }])).toEqual([undefined]);
  });

  it('a failing sync job is reported once until it recovers', () => {
    const err: WarpEvent = {
      type: 'sync.error',
      id: 'docs',
      error: { code: 'E_PEER_UNREACHABLE', message: 'peer offline' },
    };
    expect(run([err, err, { type: 'sync.state', id: 'docs', state: 'error' }, err])).toEqual([
      'Sync needs attention',
      undefined,
      undefined,
      undefined,
    ]);
    expect(run([err, { type: 'sync.state', id: 'docs', state: 'idle' }, err])).toEqual([
      'Sync needs attention',
      undefined,
      'Sync needs attention',
    ]);
  });

  it('pairing jobs are not announced twice (peer.paired says it)', () => {
    expect(
      run([job('done', { kind: 'peers.pair' }), { type: 'peer.paired', peer: '12D3KooWabc', name: 'laptop' }]),
    ).toEqual([undefined, 'Peer paired']);
  });

  it('speaks the language the UI shows: German words, plural forms, the same facts', () => {
    const done = job('done', {
      progress: { bytes: 5, totalBytes: 2048, files: 1, totalFiles: 1, rate: 0, etaSeconds: -1, elapsedSeconds: 1 },
    });
    expect(notificationFor(initialNotifyState(), done, 'de').note).toEqual({
      title: 'Fertig: Send photos to laptop',
      body: '2,00 KiB in 1 Datei', // the decimal comma, as the job rows write it
    });
    expect(notificationFor(initialNotifyState(), done).note?.body).toBe('2.00 KiB in 1 file');
    const received: WarpEvent = { type: 'transfer.done', job: 'incoming:s', files: 3, bytes: 10 } as WarpEvent;
    expect(notificationFor(initialNotifyState(), received, 'de').note).toEqual({
      title: 'Von einem Peer empfangen',
      body: '3 Dateien, 10 B',
    });
    const paired: WarpEvent = { type: 'peer.paired', peer: '12D3KooWabc', name: 'laptop' };
    expect(notificationFor(initialNotifyState(), paired, 'de').note?.body).toBe(
      'laptop kann jetzt an diesen Rechner senden und von ihm abrufen.',
    );
  });
});
