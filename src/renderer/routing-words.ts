/**
 * The Routing page in plain language: what each scheduler event means to a person ("slowed down", "went
 * offline: 8 chunks moved to box-B in 40 ms") and why each peer is used as it is. Peers are named by
 * peer-names.ts; times are wall-clock. Pure: tested in Node.
 */
import type { SwarmEdgeSnapshot, SwarmTriggerKind } from '../shared/events.ts';
import { formatTime } from './format.ts';
import { t } from './i18n/index.ts';

export type LogKind = 'failover' | 'reopt' | 'trigger' | 'preposition' | 'start' | 'done';

/** The log's badge words for each kind of line. */
export function logKindWord(kind: LogKind): string {
  return t(`routingWords.kind.${kind}`);
}

/** What the Routing "why" column knows about an edge's last incident. */
export interface EdgeIncident {
  t: number;
  kind: 'slow' | 'offline' | 'recovered' | 'left';
  text: string;
}

export function triggerText(kind: SwarmTriggerKind, who: string | undefined): string {
  const peer = who ?? t('routingWords.aPeer');
  switch (kind) {
    case 'edge-degraded':
      return t('routingWords.trigger.degraded', { peer });
    case 'edge-recovered':
      return t('routingWords.trigger.recovered', { peer });
    case 'load-imbalance':
      return t('routingWords.trigger.imbalance');
    case 'schedule-stale':
      return t('routingWords.trigger.stale');
    case 'drift':
      return who ? t('routingWords.trigger.driftPeer', { peer }) : t('routingWords.trigger.drift');
    case 'edge-joined':
      return t('routingWords.trigger.joined', { peer });
    case 'edge-left':
      return t('routingWords.trigger.left', { peer });
    case 'window-opened':
      return t('routingWords.trigger.windowOpened', { peer });
    case 'window-closed':
      return t('routingWords.trigger.windowClosed', { peer });
  }
}

export function reoptText(level: 'partial' | 'full', moved: number): string {
  return level === 'full'
    ? t('routingWords.reoptFull', { count: moved })
    : t('routingWords.reoptPartial', { count: moved });
}

/** Where a burst of failovers sent the work: "8 chunks moved to box-B in 40 ms". */
export function movedText(to: readonly string[], count: number, ms: number): string {
  const peers = to.join(', ');
  return count > 1
    ? t('routingWords.movedIn', { count, peers, ms: Math.round(ms) })
    : t('routingWords.moved', { count, peers });
}

/** One log line for a burst of failovers away from one peer. */
export function failoverText(from: string, to: readonly string[], count: number, ms: number): string {
  return t('routingWords.failover', { peer: from, moved: movedText(to, count, ms) });
}

/** The Routing table's "why" column: how the scheduler uses this peer, and what last happened to it. */
export function edgeWhy(e: SwarmEdgeSnapshot, incident: EdgeIncident | undefined, done: boolean): string {
  const idle = e.assigned === 0 && e.inFlight === 0;
  if (e.state === 'offline')
    return incident?.kind === 'offline'
      ? t('routingWords.why.wentOffline', { time: formatTime(incident.t), text: incident.text })
      : t('routingWords.why.offline');
  if (!e.eligible)
    return e.metered
      ? t('routingWords.why.standbyMetered')
      : e.batteryLow
        ? t('routingWords.why.standbyBattery')
        : t('routingWords.why.notUsed');
  if (e.metered && !done) return idle ? t('routingWords.why.standbyMetered') : t('routingWords.why.meteredUsed');
  if (e.batteryLow && !done) return idle ? t('routingWords.why.standbyBattery') : t('routingWords.why.batteryUsed');
  if (e.state === 'degraded')
    return incident?.kind === 'slow'
      ? t('routingWords.why.slowedAt', { time: formatTime(incident.t) })
      : t('routingWords.why.slowed');
  if (incident?.kind === 'slow' && !done) return t('routingWords.why.slowerSince', { time: formatTime(incident.t) });
  if (incident?.kind === 'recovered') return t('routingWords.why.recoveredAt', { time: formatTime(incident.t) });
  return done ? t('routingWords.why.served') : t('routingWords.why.serving');
}
