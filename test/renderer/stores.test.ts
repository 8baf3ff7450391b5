/**
 * The renderer's pure parts, in Node: the event reducers behind the stores (jobs, swarm), formatting, error
 * normalisation across IPC, drop helpers, and the plan panel's simulator run on the CPU backend.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { WarpEvent } from '../../src/shared/events.ts';
import type { SwarmEdgeSnapshot } from '../../src/engine/swarm/swarm-events.ts';
import { niceMax } from '../../src/renderer/charts/canvas.ts';
import { normalizeError } from '../../src/renderer/bridge/errors.ts';
import { archiveNameFor } from '../../src/renderer/components/drop-files.ts';
import { formatBytes, formatDuration, formatRate, shortId } from '../../src/renderer/format.ts';
import { runPlan, SAMPLE_EDGES } from '../../src/renderer/sched/simulate.ts';
import { useApp } from '../../src/renderer/store/app.ts';
import { RATE_HISTORY, useJobs } from '../../src/renderer/store/jobs.ts';
import { LOG_ENTRIES, useSwarm } from '../../src/renderer/store/swarm.ts';

const progress = (bytes: number, total: number, rate = 1000) => ({
  bytes,
  totalBytes: total,
  files: 0,
  totalFiles: 2,
  rate,
  etaSeconds: 1,
  elapsedSeconds: 1,
});

function edge(i: number, extra: Partial<SwarmEdgeSnapshot> = {}): SwarmEdgeSnapshot {
  return {
    edge: i,
    peer: `12D3KooWpeer${i}xxxxxxxxxxxxxxxx`,
    address: `127.0.0.1:${4000 + i}`,
    state: 'online',
    bandwidth: 1e6 * (i + 1),
    srttMs: 5,
    rttVarMs: 1,
    health: 1,
    assigned: 0,
    inFlight: 0,
    completed: 0,
    bytes: 0,
    rate: 0,
    metered: false,
    batteryLow: false,
    eligible: true,
    cost: 1,
    ...extra,
  };
}

beforeEach(() => {
  useJobs.setState({ jobs: {}, sessions: {} });
  useSwarm.setState({ sessions: {}, selected: undefined });
});

describe('jobs store', () => {
  it('follows an archive job from start to done, keeping a bounded rate history', () => {
    const apply = (events: WarpEvent[]) => useJobs.getState().apply(events);
    apply([{ type: 'archive.start', op: 'create', archive: '/a.warp', totalBytes: 100, totalFiles: 2, job: 'j1' }]);
    const many: WarpEvent[] = [];
    for (let i = 1; i <= RATE_HISTORY + 30; i++)
      many.push({ type: 'archive.progress', op: 'create', ...progress(Math.min(100, i), 100, i), job: 'j1' });
    apply(many);
    let j = useJobs.getState().jobs.j1;
    expect(j.kind).toBe('archive.create');
    expect(j.rates).toHaveLength(RATE_HISTORY);
    expect(j.rates.at(-1)).toBe(RATE_HISTORY + 30);
    apply([{ type: 'archive.done', op: 'create', archive: '/a.warp', elapsedSeconds: 2, bytes: 100, job: 'j1' }]);
    j = useJobs.getState().jobs.j1;
    expect(j.status).toBe('done');
    expect(j.progress).toMatchObject({ bytes: 100, rate: 0 });
  });

  it('a done job shows complete progress even when its last progress trailed', () => {
    useJobs.getState().apply([
      {
        type: 'job.update',
        job: {
          id: 't1',
          kind: 'transfer.send',
          status: 'done',
          title: 'Send x',
          createdAt: 'a',
          updatedAt: 'b',
          progress: progress(66, 88),
        },
      },
    ]);
    expect(useJobs.getState().jobs.t1.progress).toMatchObject({ bytes: 88, files: 2, etaSeconds: 0 });
  });

  it('links a swarm download to its session from progress events (no transfer.start)', () => {
    useJobs.getState().apply([
      {
        type: 'transfer.progress',
        session: 's9',
        chunks: 3,
        totalChunks: 10,
        wireBytes: 5,
        ...progress(30, 100),
        job: 't2',
      },
    ]);
    expect(useJobs.getState().sessions.s9).toBe('t2');
    expect(useJobs.getState().jobs.t2.session).toBe('s9');
  });

  it('shows transfers a peer started against us as incoming, failing on error', () => {
    useJobs.getState().apply([
      {
        type: 'transfer.start',
        session: 's1',
        role: 'receive',
        peer: 'p',
        transport: 'quic',
        path: 'inbox',
        job: 'incoming:s1',
      },
      { type: 'transfer.error', session: 's1', error: { code: 'E_X', message: 'boom' }, job: 'incoming:s1' },
    ]);
    const j = useJobs.getState().jobs['incoming:s1'];
    expect(j.kind).toBe('transfer.incoming');
    expect(j.status).toBe('failed');
    expect(j.error?.message).toBe('boom');
  });
});

describe('swarm store', () => {
  it('keeps edges, drift series per edge, counters and a bounded log', () => {
    const s = 'sess';
    const events: WarpEvent[] = [
      { type: 'swarm.start', session: s, contentId: 'c', chunks: 10, bytes: 1000, edges: [edge(0), edge(1)] },
      { type: 'swarm.drift', session: s, t: 1, edge: -1, expected: 10, actual: 8, drift: 0.8, drifting: false },
      { type: 'swarm.drift', session: s, t: 2, edge: 0, expected: 5, actual: 2, drift: 0.4, drifting: true },
      { type: 'swarm.failover', session: s, t: 3, chunk: 4, fromEdge: 0, toEdge: 1, reason: 'timeout' },
      { type: 'swarm.edges', session: s, t: 4, edges: [edge(0, { completed: 3 }), edge(1, { completed: 7 })] },
    ];
    for (let i = 0; i < LOG_ENTRIES + 5; i++)
      events.push({ type: 'swarm.reopt', session: s, t: 5 + i, level: 'partial', reason: 'drift', moved: i });
    events.push({
      type: 'swarm.done',
      session: s,
      seconds: 2,
      bytes: 1000,
      perEdge: [],
      failovers: 1,
      reopts: LOG_ENTRIES + 5,
      prepositionHitRate: 0,
    });
    useSwarm.getState().apply(events);
    const st = useSwarm.getState();
    expect(st.selected).toBe(s);
    const sess = st.sessions[s];
    expect(sess.edges.map((e) => e.completed)).toEqual([3, 7]);
    expect(sess.drift[-1]).toHaveLength(1);
    expect(sess.drift[0][0]).toMatchObject({ expected: 5, actual: 2, drifting: true });
    expect(sess.failovers).toBe(1);
    expect(sess.reopts).toBe(LOG_ENTRIES + 5);
    expect(sess.log).toHaveLength(LOG_ENTRIES);
    expect(sess.log.at(-1)?.kind).toBe('done');
    expect(sess.done?.failovers).toBe(1);
  });

  it('seeds a session from swarm.status when the page opens mid-download', () => {
    useSwarm.getState().seed([
      {
        session: 'x',
        contentId: 'c',
        chunks: 5,
        bytes: 50,
        startedAt: new Date().toISOString(),
        updatedAt: '',
        done: false,
        edges: [edge(0)],
        drift: [
          { type: 'swarm.drift', session: 'x', t: 1, edge: -1, expected: 1, actual: 1, drift: 1, drifting: false },
        ],
        recent: [{ type: 'swarm.failover', session: 'x', t: 1, chunk: 1, fromEdge: 0, toEdge: 0, reason: 'r' }],
      },
    ]);
    const s = useSwarm.getState();
    expect(s.selected).toBe('x');
    expect(s.sessions.x.log[0].kind).toBe('failover');
    expect(s.sessions.x.drift[-1]).toHaveLength(1);
  });
});

describe('formatting and helpers', () => {
  it('formats sizes, rates, durations and ids', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(128 * 2 ** 20)).toBe('128 MiB');
    expect(formatRate(5 * 2 ** 20)).toBe('5.00 MiB/s');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(75)).toBe('1 min 15 s');
    // One form everywhere: the common peer-id prefix dropped, first 6 and last 4 kept.
    expect(shortId('12D3KooWabcdefghijklmnopqrstuvwxyz')).toBe('abcdef…wxyz');
    expect(shortId('short')).toBe('short');
  });

  it('rounds axis maxima to readable values, binary for bytes', () => {
    expect(niceMax(105)).toBe(120);
    expect(niceMax(0)).toBe(1);
    expect(niceMax(9.3 * 2 ** 20, true)).toBe(10 * 2 ** 20);
  });

  it('recovers error codes that crossed IPC as text', () => {
    expect(normalizeError(new Error('[E_WRONG_KEY] the password is wrong'))).toMatchObject({
      code: 'E_WRONG_KEY',
      message: 'the password is wrong',
    });
    expect(
      normalizeError(new Error("Error invoking remote method 'warp:archive.create': Error: [E_OUTPUT_EXISTS] exists")),
    ).toMatchObject({ code: 'E_OUTPUT_EXISTS', message: 'exists' });
    expect(normalizeError('plain')).toMatchObject({ code: 'INTERNAL', message: 'plain' });
  });

  it('names an archive after the dropped folder', () => {
    const f = (path: string) => ({ path, file: undefined as unknown as File });
    expect(archiveNameFor([f('photos/a.jpg'), f('photos/b/c.jpg')])).toBe('photos');
    expect(archiveNameFor([f('report.pdf')])).toBe('report');
    expect(archiveNameFor([f('a.txt'), f('b.txt')])).toBe('archive');
  });
});

describe('plan panel simulator', () => {
  it('plans on the CPU backend in a runtime without WebGPU, deterministically', async () => {
    const input = {
      edges: SAMPLE_EDGES,
      chunks: 256,
      chunkBytes: 1 << 20,
      replicas: 3,
      policy: 'balanced' as const,
      seed: 7,
    };
    const a = await runPlan(input);
    const b = await runPlan(input);
    expect(useApp.getState().scheduler).toMatchObject({ state: 'ready', kind: 'cpu' });
    expect(a.report.completed).toBe(true);
    expect(a.report.done).toBe(256);
    expect(a.report.edges.reduce((s, e) => s + e.chunks, 0)).toBe(256);
    // The fastest sample peer serves the most.
    expect(a.report.edges[0].bytes).toBe(Math.max(...a.report.edges.map((e) => e.bytes)));
    expect(b.report.edges).toEqual(a.report.edges);
    expect(b.report.completionMs).toBe(a.report.completionMs);
  });
});
