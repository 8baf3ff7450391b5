/**
 * Plan / simulate: feeds the live swarm's estimates (or sample peers) into the engine's scheduler simulator,
 * run on this renderer's backend (WebGPU on a real adapter, CPU otherwise), and shows the predicted completion
 * time, each peer's share and the progress curve.
 */
import { Trans } from 'react-i18next';
import { useState } from 'react';
import { POLICY_NAMES, type BackendPreference } from '../../engine/sched/index.ts';
import { LineChart } from '../charts/LineChart.tsx';
import { colorFor, ShareBar } from '../charts/ShareBar.tsx';
import { formatBytes, formatDuration, formatMs } from '../format.ts';
import { planFromSnapshot, runPlan, SAMPLE_EDGES, type PlanInput, type PlanResult } from '../sched/simulate.ts';
import { useApp } from '../store/app.ts';
import type { SwarmSession } from '../store/swarm.ts';
import { Card, ErrorNote, Field, Stat } from './ui.tsx';
import { peerName } from '../peer-names.ts';
import { i18n, useT } from '../i18n/index.ts';

type Policy = PlanInput['policy'];
const planLabels = (t0: number, t1: number) =>
  [formatDuration(t0) === '<1 s' ? '0 s' : formatDuration(t0), formatDuration(t1)] as const;
const POLICIES = POLICY_NAMES.filter((p): p is Policy => p !== 'custom');

export function PlanPanel({ session }: { session?: SwarmSession }) {
  const scheduler = useApp((s) => s.scheduler);
  const [policy, setPolicy] = useState<Policy>('balanced');
  const [pref, setPref] = useState<BackendPreference>('auto');
  const [result, setResult] = useState<PlanResult & { peers: string[]; run: number }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const live = session && session.edges.length > 0;
  const t = useT();

  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const base = live
        ? planFromSnapshot(session.edges, session.chunks, session.bytes)
        : { edges: SAMPLE_EDGES, chunks: 2048, chunkBytes: 1 << 20, replicas: 3 };
      const r = await runPlan({ ...base, policy, seed: 7, backend: pref });
      setResult((prev) => ({ ...r, peers: base.edges.map((e) => e.peer), run: (prev?.run ?? 0) + 1 }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const r = result?.report;
  return (
    <Card
      title={t('plan.title')}
      testId="plan"
      actions={
        <>
          <Field label={t('plan.policy')}>
            <select value={policy} onChange={(e) => setPolicy(e.target.value as Policy)} data-testid="plan-policy">
              {POLICIES.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </Field>
          <Field label={t('plan.backend')}>
            <select
              value={pref}
              onChange={(e) => setPref(e.target.value as BackendPreference)}
              data-testid="plan-backend-select"
            >
              <option value="auto">
                {t('plan.auto', { backend: scheduler.kind === 'webgpu' ? 'WebGPU' : 'CPU' })}
              </option>
              <option value="cpu">CPU</option>
              <option value="webgpu" disabled={!scheduler.webgpuAvailable}>
                {scheduler.webgpuAvailable ? 'WebGPU' : t('plan.noAdapter')}
              </option>
            </select>
          </Field>
          <button
            type="button"
            className="primary"
            disabled={busy || scheduler.state === 'probing'}
            onClick={() => void run()}
            data-testid="plan-run"
            style={{ alignSelf: 'flex-end' }}
          >
            {busy ? t('plan.simulating') : t('plan.simulate')}
          </button>
        </>
      }
    >
      <p className="muted small" style={{ marginTop: 0 }}>
        <Trans
          i18n={i18n}
          i18nKey={live ? 'plan.explainLive' : 'plan.explainSample'}
          values={{ backend: scheduler.kind === 'webgpu' ? 'WebGPU' : 'CPU' }}
          components={{ b: <b data-testid="plan-backend" /> }}
        />
        {scheduler.reason ? ` (${scheduler.reason})` : ''}
      </p>
      {error !== undefined && <ErrorNote error={error} />}
      {result && r && <PlanResultView result={result} />}
    </Card>
  );
}

/** What one simulation predicted: time, data, failovers, who serves what, and the progress curve. */
function PlanResultView({ result }: { result: PlanResult & { peers: string[]; run: number } }) {
  const t = useT();
  const r = result.report;
  return (
    <div
      className="stack"
      data-testid="plan-result"
      data-run={result.run}
      data-backend={result.backend}
      data-summary={JSON.stringify({
        completionMs: r.completionMs,
        ticks: r.ticks,
        done: r.done,
        failovers: r.failovers,
        edges: r.edges.map((e) => [e.chunks, e.bytes]),
      })}
    >
      <div className="grid stats">
        <Stat
          label={t('plan.predicted')}
          value={formatDuration(r.completionMs / 1000)}
          hint={r.completed ? t('plan.allDone') : t('plan.someDone', { done: r.done, chunks: r.chunks })}
        />
        <Stat label={t('plan.data')} value={formatBytes(r.bytes)} hint={t('plan.chunks', { count: r.chunks })} />
        <Stat label={t('plan.failovers')} value={r.failovers} hint={t('plan.reoptMoves', { count: r.reoptMoves })} />
        <Stat label={t('plan.ticks')} value={r.ticks} hint={t('plan.mean', { ms: formatMs(r.meanTickMs) })} />
        <Stat label={t('plan.simulatedIn')} value={formatMs(result.wallMs)} hint={result.backend} />
      </div>
      <ShareBar
        parts={r.edges.map((e, i) => ({
          key: String(e.edge),
          label: result.peers[i] ? peerName(result.peers[i]) : t('plan.peerN', { n: i + 1 }),
          value: e.bytes,
          color: colorFor(i),
        }))}
        format={formatBytes}
      />
      <LineChart
        label={t('plan.progress')}
        height={160}
        series={[
          {
            name: t('plan.chunksDone'),
            color: '#3ecf8e',
            points: result.curve.map(([t, f]) => [t, f * 100] as const),
          },
        ]}
        formatY={(v) => `${v.toFixed(0)} %`}
        xLabels={planLabels}
      />
    </div>
  );
}
