/**
 * Routing: how a swarm download is spread over its source peers. Live per-peer estimates (bandwidth, RTT,
 * health, cost, state), who serves how many chunks, the drift chart (expected versus actual throughput), and the
 * log of failovers, re-optimisations and pre-positioning. The plan panel runs the engine's scheduler simulator
 * on this page's backend (WebGPU or CPU).
 */
import { memo, useEffect, useMemo } from 'react';
import type { SwarmEdgeSnapshot } from '../../shared/events.ts';
import { LineChart, type Series } from '../charts/LineChart.tsx';
import { colorFor, ShareBar } from '../charts/ShareBar.tsx';
import { PlanPanel } from '../components/PlanPanel.tsx';
import { Badge, Card, Empty, HealthMeter, PageHeader, Stat } from '../components/ui.tsx';
import { formatBytes, formatMs, formatRate, formatSeconds, formatTime, shortId } from '../format.ts';
import { useResources } from '../store/resources.ts';
import { useSwarm, type SwarmLogEntry, type SwarmSession } from '../store/swarm.ts';
import { peerName } from '../peer-names.ts';
import { edgeWhy, logKindWord } from '../routing-words.ts';
import { t as tr, useT } from '../i18n/index.ts';
import { cssVar } from '../charts/canvas.ts';

/** Drift samples carry `t` in milliseconds. */
const agoLabels = (t0: number, t1: number) =>
  [tr('routing.ago', { s: Math.round((t1 - t0) / 1000) }), tr('routing.now')] as const;

export function RoutingPage() {
  const sessions = useSwarm((s) => s.sessions);
  const selected = useSwarm((s) => s.selected);
  const select = useSwarm((s) => s.select);
  const available = useResources((s) => s.swarm?.available);
  const loadSwarm = useResources((s) => s.loadSwarm);
  useEffect(() => {
    void loadSwarm();
  }, [loadSwarm]);
  const list = useMemo(() => Object.values(sessions).sort((a, b) => b.startedAt - a.startedAt), [sessions]);
  const s = selected ? sessions[selected] : list[0];
  const t = useT();
  return (
    <>
      <PageHeader
        title={t('pages.routing')}
        subtitle={
          s ? (
            <>
              {t('routing.session')}{' '}
              <span className="mono" title={s.session}>
                {shortId(s.session)}
              </span>{' '}
              · {s.done ? t('routing.finished') : t('routing.live')}
            </>
          ) : (
            t('routing.subtitle')
          )
        }
        actions={
          list.length > 1 && (
            <select value={s?.session} onChange={(e) => select(e.target.value)} aria-label={t('routing.sessionPicker')}>
              {list.map((x) => (
                <option key={x.session} value={x.session}>
                  {t(x.done ? 'routing.sessionOptionDone' : 'routing.sessionOption', {
                    id: shortId(x.session),
                    count: x.edges.length,
                  })}
                </option>
              ))}
            </select>
          )
        }
      />
      {s ? (
        <SessionView s={s} />
      ) : (
        <Card>
          <Empty icon="⌬" title={t('routing.emptyTitle')}>
            {available === false ? t('routing.noEngine') + ' ' : ''}
            {t('routing.emptyBody')}
          </Empty>
        </Card>
      )}
      <div style={{ marginTop: 16 }}>
        <PlanPanel session={s} />
      </div>
    </>
  );
}

function SessionView({ s }: { s: SwarmSession }) {
  // Live: the latest edge snapshots; finished: the final tally (the last snapshot trails the last chunks).
  const completed = s.done
    ? s.done.perEdge.reduce((n, e) => n + e.chunks, 0) || s.chunks
    : s.edges.reduce((n, e) => n + e.completed, 0);
  const bytes = s.done ? s.done.bytes : s.edges.reduce((n, e) => n + e.bytes, 0);
  const rate = s.done
    ? s.done.seconds > 0
      ? s.done.bytes / s.done.seconds
      : 0
    : s.edges.reduce((n, e) => n + e.rate, 0);
  // Rebuilt (and the chart redrawn) only when drift points arrive or the peers change, not per edge snapshot.
  const edgeKey = s.edges.map((e) => `${e.edge}=${e.peer}`).join(' ');
  const { drift } = s;
  const series = useMemo(() => driftSeries(drift, edgeKey), [drift, edgeKey]);
  const finalChunks = new Map(s.done?.perEdge.map((e) => [e.edge, e.chunks]) ?? []);
  const doneBy = (e: SwarmEdgeSnapshot) => finalChunks.get(e.edge) ?? e.completed;
  const t = useT();
  return (
    <div className="stack">
      <div className="grid stats">
        <Stat
          label={t('routing.peers')}
          value={`${s.edges.filter((e) => e.state !== 'offline').length} / ${s.edges.length}`}
          hint={t('routing.onlineKnown')}
        />
        <Stat label={t('routing.chunks')} value={`${completed} / ${s.chunks}`} hint={formatBytes(bytes)} />
        <Stat
          label={s.done ? t('routing.averageRate') : t('routing.throughput')}
          value={formatRate(rate)}
          hint={s.done ? formatSeconds(s.done.seconds) : undefined}
        />
        <Stat label={t('routing.failovers')} value={<span data-testid="failover-count">{s.failovers}</span>} />
        <Stat
          label={t('routing.reopts')}
          value={<span data-testid="reopt-count">{s.reopts}</span>}
          hint={s.reoptsSkipped > 0 ? t('routing.reoptsSkipped', { count: s.reoptsSkipped }) : undefined}
        />
      </div>
      <Card title={t('routing.peers')} testId="routing-peers">
        <PeerTable s={s} />
      </Card>
      <div className="grid two">
        <Card title={t('routing.drift')} testId="drift-chart" data={{ points: (s.drift[-1] ?? []).length }}>
          <LineChart
            series={series}
            label={t('routing.driftLabel')}
            formatY={formatRate}
            xLabels={agoLabels}
            height={220}
            binary
          />
        </Card>
        <Card title={t('routing.whoServes')} testId="chunk-share">
          <ShareBar
            parts={s.edges.map((e, i) => ({
              key: String(e.edge),
              label: peerName(e.peer),
              value: doneBy(e),
              color: colorFor(i),
            }))}
            format={(v) => t('routing.chunkCount', { count: v })}
          />
          <div className="table-wrap" style={{ marginTop: 12 }}>
            <table>
              <thead>
                <tr>
                  <th>{t('routing.peer')}</th>
                  <th className="num">{t('routing.done')}</th>
                  <th className="num">{t('routing.assigned')}</th>
                  <th className="num">{t('routing.inFlight')}</th>
                </tr>
              </thead>
              <tbody>
                {s.edges.map((e, i) => (
                  <tr key={e.edge}>
                    <td style={{ whiteSpace: 'nowrap' }}>
                      <i className="swatch" style={{ background: colorFor(i) }} />
                      <span title={e.peer}>{peerName(e.peer)}</span>
                    </td>
                    <td className="num">{doneBy(e)}</td>
                    <td className="num">{s.done ? 0 : e.assigned}</td>
                    <td className="num">{s.done ? 0 : e.inFlight}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      </div>
      <Card title={t('routing.events')} testId="routing-log">
        {s.log.length === 0 ? (
          <p className="muted">{t('routing.noEvents')}</p>
        ) : (
          <ul className="log">
            {[...s.log].reverse().map((l) => (
              <LogLine key={l.id} entry={l} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

/**
 * One log line. Entries are immutable (an update replaces the object) and keyed by their id, so a new event
 * renders one line instead of re-keying, re-formatting and re-laying-out all of them (up to LOG_ENTRIES).
 */
const LogLine = memo(function LogLine({ entry: l }: { entry: SwarmLogEntry }) {
  return (
    <li>
      <time dateTime={new Date(l.t).toISOString()}>{formatTime(l.t)}</time>
      <span className="log-kind">
        <Badge
          status={
            l.kind === 'failover' ? 'failed' : l.kind === 'reopt' ? 'paused' : l.kind === 'done' ? 'done' : 'running'
          }
        >
          {logKindWord(l.kind)}
        </Badge>
      </span>
      <span>{l.text}</span>
    </li>
  );
});

/** `edgeKey`: the session's edges in order, `<edge>=<peer>` separated by spaces. */
function driftSeries(drift: SwarmSession['drift'], edgeKey: string): Series[] {
  const whole = drift[-1] ?? [];
  const out: Series[] = [
    {
      name: tr('routing.expected'),
      color: cssVar('--muted', '#8a94a8'),
      dashed: true,
      points: whole.map((p) => [p.t, p.expected] as const),
    },
    {
      name: tr('routing.actual'),
      color: cssVar('--text', '#e4e9f2'),
      points: whole.map((p) => [p.t, p.actual] as const),
    },
  ];
  const edges = edgeKey ? edgeKey.split(' ').map((x) => x.split('=')) : [];
  edges.forEach(([edge, peer], i) => {
    const pts = drift[Number(edge)];
    // Same colour per peer as in the peer table and the chunk share.
    if (pts?.length)
      out.push({ name: peerName(peer), color: colorFor(i), points: pts.map((p) => [p.t, p.actual] as const) });
  });
  return out;
}

/** Direct, LAN or relayed (through which relay, shortened; the full id in the tooltip). */
function pathWords(path: string | undefined, relay: string | undefined) {
  if (path === 'relayed')
    return (
      <span title={relay}>{relay ? tr('routing.relayedVia', { relay: relay.slice(-6) }) : tr('routing.relayed')}</span>
    );
  return path === 'lan' ? tr('routing.lan') : path === 'direct' ? tr('routing.direct') : '—';
}

function PeerTable({ s }: { s: SwarmSession }) {
  const edges = s.edges;
  const t = useT();
  if (edges.length === 0) return <p className="muted">{t('routing.waiting')}</p>;
  // No cost column: the scheduler's cost has no unit a person can use; the "why" column says what it decided.
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t('routing.peer')}</th>
            <th>{t('routing.state')}</th>
            <th className="num hide-phone">{t('routing.bandwidth')}</th>
            <th className="num">{t('routing.rate')}</th>
            <th className="num hide-phone">{t('routing.rtt')}</th>
            <th className="hide-phone">{t('routing.path')}</th>
            <th className="hide-phone">{t('routing.health')}</th>
            <th>{t('routing.why')}</th>
          </tr>
        </thead>
        <tbody>
          {edges.map((e, i) => (
            <tr key={e.edge} data-testid="routing-peer">
              <td style={{ whiteSpace: 'nowrap' }}>
                <i className="swatch" style={{ background: colorFor(i) }} />
                <span title={`${e.peer} @ ${e.address}`}>{peerName(e.peer)}</span>
              </td>
              <td>
                <Badge status={e.state} />
              </td>
              <td className="num hide-phone">{formatRate(e.bandwidth)}</td>
              <td className="num">{formatRate(e.rate)}</td>
              <td className="num hide-phone">
                {formatMs(e.srttMs)} <span className="muted small">±{formatMs(e.rttVarMs)}</span>
              </td>
              <td className="hide-phone small" data-testid="routing-path">
                {pathWords(e.path, e.relay)}
              </td>
              <td className="hide-phone">
                <HealthMeter value={e.health} />
              </td>
              <td className="small" data-testid="routing-why">
                {edgeWhy(e, s.incidents[e.edge], s.done !== undefined)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
