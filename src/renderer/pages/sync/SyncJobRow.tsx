/**
 * One synced folder: both machines named (this one and the peer, the arrow says which way changes move), state,
 * the last sync's line ("pushed 3 files, deleted 1, 39 kB on the wire"), Sync now / Pause / Remove, and the
 * details (conflicts, versions, the deletion-guard prompt). Rows of folders a peer syncs with this machine
 * (`direction: in`) are run by that peer: they show its report and the versions kept here.
 */
import { useState } from 'react';
import type { SyncJobDto, SyncWindowDto } from '../../../shared/bridge.ts';
import { bridge } from '../../bridge/index.ts';
import { Badge } from '../../components/ui.tsx';
import { errorLine } from '../../error-words.ts';
import { formatBytes, formatDateTime, shortId } from '../../format.ts';
import { i18n, t as tr, useT } from '../../i18n/index.ts';
import { useApp } from '../../store/app.ts';
import { ConflictsPanel, GuardPrompt, VersionsPanel } from './SyncDetails.tsx';
import { SettingsPanel } from './SyncSettings.tsx';

type Panel = 'versions' | 'conflicts' | 'settings';

const ARROW = { 'two-way': '⇄', 'send-only': '→', 'receive-only': '←' } as const;

function windowText(w: SyncWindowDto): string {
  // Weekday names from Intl in the UI language (1970-01-04 was a Sunday, the engine's day 0).
  const day = (d: number) =>
    new Date(Date.UTC(1970, 0, 4 + d)).toLocaleDateString(i18n.language, { weekday: 'short', timeZone: 'UTC' });
  const days = w.days?.length ? w.days.map(day).join('/') : tr('syncRow.daily');
  return `${days} ${w.start}–${w.end}`;
}

/** "This device ⇄ backup-b": the machines the folder moves between, named. */
export function pairLabel(j: SyncJobDto, peerLabel: string): string {
  return tr('syncRow.pair', { arrow: ARROW[j.mode], peer: peerLabel });
}

type Act = 'pause' | 'resume' | 'remove' | 'now';

export function SyncJobRow({
  job: j,
  peerLabel,
  onChange,
}: {
  job: SyncJobDto;
  peerLabel: string;
  onChange: () => void;
}) {
  const toast = useApp((s) => s.toast);
  const [open, setOpen] = useState<Panel | undefined>();
  const incoming = j.direction === 'in';
  const t = useT();
  const act = async (what: Act) => {
    try {
      await bridge().sync[what](j.id);
      onChange();
    } catch (err) {
      toast('error', errorLine(err));
    }
  };
  const toggle = (what: Panel) => setOpen(open === what ? undefined : what);
  return (
    <>
      <tr data-testid="sync-job" data-state={j.state} data-direction={j.direction}>
        <td className="mono" style={{ overflowWrap: 'anywhere' }}>
          {j.localPath}
          <div className="muted small">
            {incoming ? t('syncRow.from', { peer: peerLabel }) : `→ ${j.remotePath}`} · {j.mode}
            {j.only?.length ? ` · ${t('syncRow.only', { paths: j.only.join(', ') })}` : ''}
            {j.windows?.length ? ` · ${j.windows.map(windowText).join(', ')}` : ''}
          </div>
        </td>
        <td title={j.peer} data-testid="sync-pair">
          {pairLabel(j, peerLabel)}
        </td>
        <td>
          <Badge status={j.state} />
          {j.reason && <div className="muted small">{j.reason}</div>}
          {j.pendingChanges > 0 && (
            <div className="muted small">{t('syncRow.pending', { count: j.pendingChanges })}</div>
          )}
          {j.held ? <div className="muted small">{t('syncRow.held', { count: j.held })}</div> : null}
        </td>
        <td className="hide-phone small">
          {j.lastSyncAt ? formatDateTime(j.lastSyncAt) : t('syncRow.never')}
          {j.lastPushLine && (
            <div className="muted small" data-testid="sync-push-line">
              {j.lastPushLine}
            </div>
          )}
          {!incoming && (
            <div className="muted small">
              {t('syncRow.synced', {
                files: t('verify.files', { count: j.syncedFiles }),
                bytes: formatBytes(j.syncedBytes),
              })}
            </div>
          )}
        </td>
        <td>
          <RowActions job={j} act={(w) => void act(w)} toggle={toggle} />
        </td>
      </tr>
      {(j.guard || open) && (
        <tr>
          <td colSpan={5}>
            <GuardPrompt job={j} onDone={onChange} />
            {open === 'conflicts' && <ConflictsPanel job={j} onDone={onChange} />}
            {open === 'versions' && <VersionsPanel job={j} onDone={onChange} />}
            {open === 'settings' && <SettingsPanel job={j} onDone={onChange} />}
          </td>
        </tr>
      )}
    </>
  );
}

function RowActions({
  job: j,
  act,
  toggle,
}: {
  job: SyncJobDto;
  act: (what: Act) => void;
  toggle: (what: Panel) => void;
}) {
  const t = useT();
  const incoming = j.direction === 'in';
  return (
    <div className="row" style={{ justifyContent: 'flex-end', flexWrap: 'wrap' }}>
      {!incoming && (
        <button type="button" className="small" onClick={() => act('now')} data-testid="sync-now">
          {t('syncRow.now')}
        </button>
      )}
      {!incoming &&
        (j.paused ? (
          <button type="button" className="small" onClick={() => act('resume')}>
            {t('transfers.resume')}
          </button>
        ) : (
          <button type="button" className="small" onClick={() => act('pause')}>
            {t('transfers.pause')}
          </button>
        ))}
      {!incoming && (
        <button type="button" className="small" onClick={() => toggle('conflicts')} data-testid="sync-conflicts-open">
          {t('syncRow.conflicts')}
        </button>
      )}
      <button type="button" className="small" onClick={() => toggle('versions')} data-testid="sync-versions-open">
        {t('syncRow.versions')}
      </button>
      {!incoming && (
        <button type="button" className="small" onClick={() => toggle('settings')} data-testid="sync-settings-open">
          {t('syncSettings.open')}
        </button>
      )}
      {!incoming && (
        <button type="button" className="small danger" onClick={() => act('remove')}>
          {t('syncRow.remove')}
        </button>
      )}
    </div>
  );
}

/** A peer's label from the paired peers: the row's peerName, else the paired name, else a short id. */
export function peerLabelOf(j: SyncJobDto, peers: Array<{ id: string; name?: string }> | undefined): string {
  if (j.peerName) return j.peerName;
  const p = j.peer;
  return peers?.find((x) => p === x.id || p.startsWith(`${x.id}@`) || p === x.name)?.name ?? shortId(p);
}
