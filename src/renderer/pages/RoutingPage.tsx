/**
 * Routing: how a swarm download is spread over its source peers. Live per-peer estimates (bandwidth, RTT,
 * health, cost, state), who serves how many chunks, the drift chart (expected versus actual throughput), and the
 * log of failovers, re-optimisations and pre-positioning. The plan panel runs the engine's scheduler simulator
 * on this page's backend (WebGPU or CPU).
 */
import { useEffect, useMemo } from 'react';
import type { SwarmEdgeSnapshot } from '../../shared/events.ts';
import { LineChart, type Series } from '../charts/LineChart.tsx';
import { colorFor, ShareBar } from '../charts/ShareBar.tsx';
import { PlanPanel } from '../components/PlanPanel.tsx';
import { Badge, Card, Empty, HealthMeter, PageHeader, Stat } from '../components/ui.tsx';
import { formatBytes, formatMs, formatRate, formatTime, shortId } from '../format.ts';
import { useResources } from '../store/resources.ts';
import { useSwarm, type SwarmSession } from '../store/swarm.ts';
import { peerName } from '../peer-names.ts';
import { edgeWhy, LOG_KIND_WORDS } from '../routing-words.ts';
import { cssVar } from '../charts/canvas.ts';

/** Drift samples carry `t` in milliseconds. */
const agoLabels = (t0: number, t1: number) => [`${Math.round((t1 - t0) / 1000)} s ago`, 'now'] as const;

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
  return (
    <>
      <PageHeader
        title="Routing"
        subtitle={
          s ? (
            <>
              Swarm session{' '}
              <span className="mono" title={s.session}>
                {shortId(s.session)}
              </span>{' '}
              · {s.done ? 'finished' : 'live'}
            </>
          ) : (
            'Multi-source downloads: which peer serves which chunks, and why.'
          )
        }
        actions={
          list.length > 1 && (
            <select value={s?.session} onChange={(e) => select(e.target.value)} aria-label="swarm session">
              {list.map((x) => (
                <option key={x.session} value={x.session}>
                  {shortId(x.session)} · {x.edges.length} peers{x.done ? ' · done' : ''}
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
          <Empty icon="⌬" title="No swarm download yet">
            {available === false ? 'This build has no swarm engine yet. ' : ''}Start a swarm transfer on the Transfers
            page (several peers holding the same content). Meanwhile, plan one below.
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
  const series = useMemo(() => driftSeries(s), [s]);
  const finalChunks = new Map(s.done?.perEdge.map((e) => [e.edge, e.chunks]) ?? []);
  const doneBy = (e: SwarmEdgeSnapshot) => finalChunks.get(e.edge) ?? e.completed;
  return (
    <div className="stack">
      <div className="grid stats">
        <Stat
          label="Peers"
          value={`${s.edges.filter((e) => e.state !== 'offline').length} / ${s.edges.length}`}
          hint="online / known"
        />
        <Stat label="Chunks" value={`${completed} / ${s.chunks}`} hint={formatBytes(bytes)} />
        <Stat
          label={s.done ? 'Average rate' : 'Throughput'}
          value={formatRate(rate)}
          hint={s.done ? `${s.done.seconds.toFixed(1)} s` : undefined}
        />
        <Stat label="Failovers" value={<span data-testid="failover-count">{s.failovers}</span>} />
        <Stat
          label="Re-optimisations"
          value={<span data-testid="reopt-count">{s.reopts}</span>}
          hint={s.reoptsSkipped > 0 ? `${s.reoptsSkipped} checked, no change needed` : undefined}
        />
      </div>
      <Card title="Peers" testId="routing-peers">
        <PeerTable s={s} />
      </Card>
      <div className="grid two">
        <Card title="Drift: expected vs actual" testId="drift-chart" data={{ points: (s.drift[-1] ?? []).length }}>
          <LineChart
            series={series}
            label="expected versus actual throughput"
            formatY={formatRate}
            xLabels={agoLabels}
            height={220}
            binary
          />
        </Card>
        <Card title="Who serves the chunks" testId="chunk-share">
          <ShareBar
            parts={s.edges.map((e, i) => ({
              key: String(e.edge),
              label: peerName(e.peer),
              value: doneBy(e),
              color: colorFor(i),
            }))}
            format={(v) => `${v} chunks`}
          />
          <div className="table-wrap" style={{ marginTop: 12 }}>
            <table>
              <thead>
                <tr>
                  <th>Peer</th>
                  <th className="num">Done</th>
                  <th className="num">Assigned</th>
                  <th className="num">In flight</th>
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
      <Card title="Events" testId="routing-log">
        {s.log.length === 0 ? (
          <p className="muted">No failovers, re-optimisations or pre-positioning yet.</p>
        ) : (
          <ul className="log">
            {[...s.log].reverse().map((l, i) => (
              <li key={`${l.t}-${i}`}>
                <time dateTime={new Date(l.t).toISOString()}>{formatTime(l.t)}</time>
                <span className="log-kind">
                  <Badge
                    status={
                      l.kind === 'failover'
                        ? 'failed'
                        : l.kind === 'reopt'
                          ? 'paused'
                          : l.kind === 'done'
                            ? 'done'
                            : 'running'
                    }
                  >
                    {LOG_KIND_WORDS[l.kind]}
                  </Badge>
                </span>
                <span>{l.text}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function driftSeries(s: SwarmSession): Series[] {
  const whole = s.drift[-1] ?? [];
  const out: Series[] = [
    {
      name: 'expected',
      color: cssVar('--muted', '#8a94a8'),
      dashed: true,
      points: whole.map((p) => [p.t, p.expected] as const),
    },
    {
      name: 'actual (all peers)',
      color: cssVar('--text', '#e4e9f2'),
      points: whole.map((p) => [p.t, p.actual] as const),
    },
  ];
  s.edges.forEach((e, i) => {
    const pts = s.drift[e.edge];
    // Same colour per peer as in the peer table and the chunk share.
    if (pts?.length)
      out.push({ name: peerName(e.peer), color: colorFor(i), points: pts.map((p) => [p.t, p.actual] as const) });
  });
  return out;
}

/** Direct, LAN or relayed (through which relay, shortened; the full id in the tooltip). */
function pathWords(path: string | undefined, relay: string | undefined) {
  if (path === 'relayed') return <span title={relay}>relayed{relay ? ` via …${relay.slice(-6)}` : ''}</span>;
  return path === 'lan' ? 'LAN' : path === 'direct' ? 'direct' : '—';
}

function PeerTable({ s }: { s: SwarmSession }) {
  const edges = s.edges;
  if (edges.length === 0) return <p className="muted">Waiting for the first peer estimates…</p>;
  // No cost column: the scheduler's cost has no unit a person can use; the "why" column says what it decided.
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Peer</th>
            <th>State</th>
            <th className="num hide-phone">Bandwidth</th>
            <th className="num">Rate</th>
            <th className="num hide-phone">RTT</th>
            <th className="hide-phone">Path</th>
            <th className="hide-phone">Health</th>
            <th>Why</th>
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
