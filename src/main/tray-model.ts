/**
 * The tray as a pure model: engine events fold into a TrayState (applyTrayEvent), and the state maps to the
 * icon, tooltip and menu items (trayView). tray.ts turns the view into Electron's Tray and Menu and sends the
 * clicked action back; everything here is unit-tested without Electron (test/main/tray-model.test.ts).
 */
import { formatRate } from '../engine/core/bytes.ts';
import type { SyncJobDto } from '../shared/bridge.ts';
import type { JobDto, JobStatus, SyncState, WarpEvent } from '../shared/events.ts';
import { say, type Language } from '../shared/i18n/catalogue.ts';

export type TrayIcon = 'idle' | 'active' | 'paused' | 'error';
/** What a synced folder's submenu does: open the folder, sync it now, pause it for an hour, resume it. */
export type FolderAction = 'open-folder' | 'sync-now' | 'pause-hour' | 'resume';
export type TrayAction =
  'open' | 'pause-sync' | 'resume-sync' | 'quit' | { folder: string; id: string; do: FolderAction };

export type TrayItem =
  { kind: 'item'; label: string; enabled: boolean; action?: TrayAction; submenu?: TrayItem[] } | { kind: 'separator' };

export interface TrayView {
  icon: TrayIcon;
  tooltip: string;
  items: TrayItem[];
}

export interface TrayJob {
  id: string;
  title: string;
  status: JobStatus;
  /** 0..1 when known. */
  fraction?: number;
  /** Bytes per second. */
  rate?: number;
  /** A transfer a peer started against this machine: the title is its path and peer, this the verb before it. */
  incoming?: 'serving' | 'receiving';
}

export interface TraySync {
  state: SyncState;
  reason?: string;
  /** From the sync list (absent until it is read): the folder, "Photos ⇄ nas", paused by the user, who runs it. */
  folder?: string;
  label?: string;
  paused?: boolean;
  direction?: 'out' | 'in';
}

/** Synced folders listed with a submenu each (the rest are in the window). */
export const MAX_FOLDERS_LISTED = 8;

export interface TrayState {
  /** Jobs not yet finished (queued, running, paused), by id, in creation order. */
  jobs: ReadonlyMap<string, TrayJob>;
  /** Sync jobs' states, by sync job id. */
  syncs: ReadonlyMap<string, TraySync>;
  /** The user paused all syncing from the tray or the UI. */
  syncPaused: boolean;
  /** On battery power (shown, because sync may wait for AC). */
  onBattery: boolean;
  /** A standing problem worth a line of its own: its key under `tray.` in the catalogues (e.g. "noListener"). */
  notice?: string;
}

export const MAX_JOBS_LISTED = 5;
/** Menu lines longer than this are cut (an error message can be a paragraph; the window shows it whole). */
export const MAX_LABEL = 72;

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > MAX_LABEL ? `${one.slice(0, MAX_LABEL - 1)}…` : one;
}

export function initialTrayState(): TrayState {
  return { jobs: new Map(), syncs: new Map(), syncPaused: false, onBattery: false };
}

const FINISHED: ReadonlySet<JobStatus> = new Set(['done', 'failed', 'cancelled']);

function withJob(state: TrayState, id: string, update: (j: TrayJob) => TrayJob): TrayState {
  const j = state.jobs.get(id);
  if (!j) return state;
  const jobs = new Map(state.jobs);
  jobs.set(id, update(j));
  return { ...state, jobs };
}

function fromDto(dto: JobDto, prev?: TrayJob): TrayJob {
  const p = dto.progress;
  const fraction = p && p.totalBytes > 0 ? Math.min(1, p.bytes / p.totalBytes) : prev?.fraction;
  return { id: dto.id, title: dto.title, status: dto.status, fraction, rate: p ? p.rate : prev?.rate };
}

/** Words of the tray in one language. */
type Say = (key: string, vars?: Record<string, string | number>) => string;
function sayer(language: Language): Say {
  return (key, vars) => say(language, `tray.${key}`, vars);
}

/** Folds one engine event into the tray state; events the tray does not show return the same object. */
export function applyTrayEvent(state: TrayState, e: WarpEvent): TrayState {
  switch (e.type) {
    case 'job.update': {
      const jobs = new Map(state.jobs);
      if (FINISHED.has(e.job.status)) jobs.delete(e.job.id);
      else jobs.set(e.job.id, fromDto(e.job, state.jobs.get(e.job.id)));
      return { ...state, jobs };
    }
    // Transfers a peer starts against this machine have no job: they show from their start to their end.
    case 'transfer.start': {
      if (!e.job.startsWith('incoming:')) return state;
      const jobs = new Map(state.jobs);
      jobs.set(e.job, {
        id: e.job,
        title: `${e.path || '/'} (${shortPeer(e.peer)})`,
        status: 'running',
        incoming: e.role === 'serve' ? 'serving' : 'receiving',
      });
      return { ...state, jobs };
    }
    case 'transfer.done':
    case 'transfer.error': {
      if (!e.job.startsWith('incoming:') || !state.jobs.has(e.job)) return state;
      const jobs = new Map(state.jobs);
      jobs.delete(e.job);
      return { ...state, jobs };
    }
    case 'archive.progress':
    case 'transfer.progress': {
      const fraction = e.totalBytes > 0 ? Math.min(1, e.bytes / e.totalBytes) : undefined;
      return withJob(state, e.job, (j) => ({ ...j, fraction, rate: e.rate }));
    }
    case 'sync.state': {
      const syncs = new Map(state.syncs);
      syncs.set(e.id, e.reason === undefined ? { state: e.state } : { state: e.state, reason: e.reason });
      return { ...state, syncs };
    }
    case 'sync.error': {
      const syncs = new Map(state.syncs);
      syncs.set(e.id, { state: 'error', reason: e.error.message });
      return { ...state, syncs };
    }
    default:
      return state;
  }
}

/** Replaces the job list with a snapshot (at start-up, from `jobs.list()`). */
export function withJobs(state: TrayState, list: readonly JobDto[]): TrayState {
  const jobs = new Map<string, TrayJob>();
  for (const j of list) if (!FINISHED.has(j.status)) jobs.set(j.id, fromDto(j));
  return { ...state, jobs };
}

/**
 * Replaces the sync jobs with a snapshot (`sync.list()`, at start-up and after pause/resume/add/remove). The
 * sync is "paused" for the tray when every job is paused by the user.
 */
export function withSyncJobs(state: TrayState, list: readonly SyncJobDto[]): TrayState {
  const syncs = new Map<string, TraySync>();
  for (const j of list) {
    const name = j.localPath.split(/[\\/]/).filter(Boolean).pop() ?? j.localPath;
    const peer = j.peerName ?? (j.peer.length > 16 ? `${j.peer.slice(0, 12)}…` : j.peer);
    syncs.set(j.id, {
      state: j.state,
      ...(j.reason === undefined ? {} : { reason: j.reason }),
      folder: j.localPath,
      label: `${name} ${j.mode === 'send-only' ? '→' : j.mode === 'receive-only' ? '←' : '⇄'} ${peer}`,
      paused: j.paused,
      direction: j.direction,
    });
  }
  const own = list.filter((j) => j.direction !== 'in');
  return { ...state, syncs, syncPaused: own.length > 0 && own.every((j) => j.paused) };
}

/** A peer id shortened for a menu ("12D3KooW…x7Yz"); addresses and names pass unchanged. */
function shortPeer(peer: string): string {
  return /^12D3KooW[1-9A-HJ-NP-Za-km-z]{20,}$/.test(peer) ? `${peer.slice(0, 8)}…${peer.slice(-4)}` : peer;
}

function jobLabel(j: TrayJob, w: Say, language: Language): string {
  const parts = [j.incoming ? w(j.incoming, { what: j.title }) : j.title];
  if (j.status === 'paused' || j.status === 'queued') parts.push(say(language, `badge.${j.status}`));
  else {
    if (j.fraction !== undefined) parts.push(`${Math.floor(j.fraction * 100)}%`);
    if (j.rate !== undefined && j.rate > 0) parts.push(formatRate(j.rate));
  }
  return clip(parts.join(' · '));
}

/** One line for the sync jobs: how many, and the most urgent state among them. */
function syncSummary(state: TrayState, w: Say): string {
  const n = state.syncs.size;
  if (n === 0) return w('syncNone');
  const folders = w('folders', { count: n });
  if (state.syncPaused) return w('syncPaused', { folders });
  const all = [...state.syncs.values()];
  const errored = all.find((s) => s.state === 'error');
  if (errored)
    return clip(errored.reason ? w('syncErrorWhy', { folders, reason: errored.reason }) : w('syncError', { folders }));
  if (all.some((s) => s.state === 'syncing' || s.state === 'scanning')) return w('syncSyncing', { folders });
  const waiting = all.find((s) => s.state === 'waiting' || s.state === 'paused');
  if (waiting)
    return clip(
      waiting.reason ? w('syncWaitingWhy', { folders, reason: waiting.reason }) : w('syncWaiting', { folders }),
    );
  return w('syncUpToDate', { folders });
}

export function trayIcon(state: TrayState): TrayIcon {
  const syncs = [...state.syncs.values()];
  if (syncs.some((s) => s.state === 'error')) return 'error';
  const running =
    [...state.jobs.values()].some((j) => j.status === 'running') ||
    (!state.syncPaused && syncs.some((s) => s.state === 'syncing' || s.state === 'scanning'));
  if (running) return 'active';
  if (state.syncPaused && syncs.length > 0) return 'paused';
  return 'idle';
}

function statusLine(state: TrayState, icon: TrayIcon, w: Say): string {
  const active = [...state.jobs.values()].filter((j) => j.status === 'running').length;
  const power = state.onBattery ? w('onBattery') : '';
  if (icon === 'error') return w('attention', { power });
  if (active > 0) return w('active', { count: active, power });
  if (icon === 'active') return w('syncing', { power });
  if (icon === 'paused') return w('syncPausedAll', { power });
  return w('idle', { power });
}

/** The tray's icon, tooltip and menu, in the UI's language (English by default). */
export function trayView(state: TrayState, language: Language = 'en'): TrayView {
  const w = sayer(language);
  const label = (j: TrayJob) => jobLabel(j, w, language);
  const icon = trayIcon(state);
  const status = statusLine(state, icon, w);
  const jobs = [...state.jobs.values()];
  const items: TrayItem[] = [{ kind: 'item', label: status, enabled: false }];
  if (state.notice) items.push({ kind: 'item', label: clip(w(state.notice)), enabled: false });
  items.push({ kind: 'separator' });
  if (jobs.length === 0) items.push({ kind: 'item', label: w('noTransfers'), enabled: false });
  for (const j of jobs.slice(0, MAX_JOBS_LISTED))
    items.push({ kind: 'item', label: label(j), enabled: true, action: 'open' });
  if (jobs.length > MAX_JOBS_LISTED)
    items.push({
      kind: 'item',
      label: w('more', { count: jobs.length - MAX_JOBS_LISTED }),
      enabled: true,
      action: 'open',
    });
  items.push({ kind: 'separator' });
  items.push({ kind: 'item', label: syncSummary(state, w), enabled: false });
  items.push(...folderItems(state, w, language));
  items.push(
    state.syncPaused
      ? { kind: 'item', label: w('resumeSync'), enabled: true, action: 'resume-sync' }
      : { kind: 'item', label: w('pauseSync'), enabled: state.syncs.size > 0, action: 'pause-sync' },
  );
  items.push({ kind: 'separator' });
  items.push({ kind: 'item', label: w('open'), enabled: true, action: 'open' });
  items.push({ kind: 'item', label: w('quit'), enabled: true, action: 'quit' });
  const tooltip = jobs.length > 0 ? `${status}\n${jobs.slice(0, 3).map(label).join('\n')}` : status;
  return { icon, tooltip, items };
}

/** One item per synced folder, each with its submenu: open the folder, sync now, pause for an hour (or resume). */
function folderItems(state: TrayState, w: Say, language: Language): TrayItem[] {
  const out: TrayItem[] = [];
  for (const [id, s] of state.syncs) {
    if (!s.folder || !s.label) continue;
    if (out.length === MAX_FOLDERS_LISTED) break;
    const folder = s.folder;
    const act = (d: FolderAction): TrayAction => ({ folder, id, do: d });
    const ours = s.direction !== 'in';
    const submenu: TrayItem[] = [{ kind: 'item', label: w('openFolder'), enabled: true, action: act('open-folder') }];
    if (ours) {
      submenu.push({ kind: 'item', label: w('syncNow'), enabled: !s.paused, action: act('sync-now') });
      submenu.push(
        s.paused
          ? { kind: 'item', label: w('resume'), enabled: true, action: act('resume') }
          : { kind: 'item', label: w('pauseHour'), enabled: true, action: act('pause-hour') },
      );
    }
    const state2 = s.paused
      ? say(language, 'badge.paused')
      : s.state === 'idle'
        ? w('upToDate')
        : say(language, `badge.${s.state}`);
    out.push({
      kind: 'item',
      label: clip(`${s.label} · ${ours ? state2 : w('byPeer')}`),
      enabled: true,
      submenu,
    });
  }
  return out;
}
