/**
 * The Routing page in plain language: what each scheduler event means to a person ("slowed down", "went
 * offline: 8 chunks moved to box-B in 40 ms") and why each peer is used as it is. Peers are named by
 * peer-names.ts; times are wall-clock. Pure: tested in Node.
 */
import type { SwarmEdgeSnapshot, SwarmTriggerKind } from '../shared/events.ts';
import { formatTime } from './format.ts';

/** The log's badge words for each kind of line. */
export const LOG_KIND_WORDS: Record<'failover' | 'reopt' | 'trigger' | 'preposition' | 'start' | 'done', string> = {
  failover: 'peer lost',
  reopt: 're-plan',
  trigger: 'change',
  preposition: 'prefetch',
  start: 'start',
  done: 'done',
};

/** What the Routing "why" column knows about an edge's last incident. */
export interface EdgeIncident {
  t: number;
  kind: 'slow' | 'offline' | 'recovered' | 'left';
  text: string;
}

export function triggerText(kind: SwarmTriggerKind, who: string | undefined): string {
  const peer = who ?? 'a peer';
  switch (kind) {
    case 'edge-degraded':
      return `${peer} slowed down`;
    case 'edge-recovered':
      return `${peer} is back to speed`;
    case 'load-imbalance':
      return 'some peers had much more work queued than others: work is being rebalanced';
    case 'schedule-stale':
      return 'speeds changed since the plan was made: re-planning';
    case 'drift':
      return who ? `${peer} is slower than planned` : 'the download is slower than planned';
    case 'edge-joined':
      return `${peer} joined`;
    case 'edge-left':
      return `${peer} left`;
    case 'window-opened':
      return `${peer}'s allowed hours began`;
    case 'window-closed':
      return `${peer}'s allowed hours ended`;
  }
}

export function reoptText(level: 'partial' | 'full', moved: number): string {
  return `re-planned ${level === 'full' ? 'the whole download' : 'part of the download'}: ${moved} ${moved === 1 ? 'chunk' : 'chunks'} moved to faster peers`;
}

/** Where a burst of failovers sent the work: "8 chunks moved to box-B in 40 ms". */
export function movedText(to: readonly string[], count: number, ms: number): string {
  return `${count} ${count === 1 ? 'chunk' : 'chunks'} moved to ${to.join(', ')}${count > 1 ? ` in ${Math.round(ms)} ms` : ''}`;
}

/** One log line for a burst of failovers away from one peer. */
export function failoverText(from: string, to: readonly string[], count: number, ms: number): string {
  return `${from} stopped answering: ${movedText(to, count, ms)}`;
}

/** The Routing table's "why" column: how the scheduler uses this peer, and what last happened to it. */
export function edgeWhy(e: SwarmEdgeSnapshot, incident: EdgeIncident | undefined, done: boolean): string {
  const idle = e.assigned === 0 && e.inFlight === 0;
  if (e.state === 'offline')
    return incident?.kind === 'offline'
      ? `went offline at ${formatTime(incident.t)}: ${incident.text}`
      : 'offline: the other peers serve its chunks';
  if (!e.eligible)
    return e.metered || e.batteryLow
      ? `standby: ${e.metered ? 'metered' : 'battery low'}, used only when no one else has a chunk`
      : 'not used now: outside its allowed hours or over its data budget';
  if (e.metered && !done)
    return idle
      ? 'standby: metered, used only when no one else has a chunk'
      : 'metered, but used: only it has some chunks';
  if (e.batteryLow && !done)
    return idle
      ? 'standby: battery low, used only when no one else has a chunk'
      : 'battery low, but used: only it has some chunks';
  if (e.state === 'degraded')
    return `slowed down${incident?.kind === 'slow' ? ` at ${formatTime(incident.t)}` : ''}: gets less work until it recovers`;
  if (incident?.kind === 'slow' && !done) return `slower than planned since ${formatTime(incident.t)}: gets less work`;
  if (incident?.kind === 'recovered') return `back to speed at ${formatTime(incident.t)}`;
  return done ? 'served its share' : 'serving at full speed';
}
