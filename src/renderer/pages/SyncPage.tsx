/**
 * Sync: folders on this machine kept in step with a folder on a paired peer. Schedule windows, pause on
 * battery or metered networks, live state and activity.
 */
import { useEffect, useState } from 'react';
import type { SyncWindowDto } from '../../shared/bridge.ts';
import { bridge } from '../bridge/index.ts';
import { errorLine } from '../error-words.ts';
import { Badge, Card, Empty, ErrorNote, Field, PageHeader } from '../components/ui.tsx';
import { formatBytes, formatTime, shortId } from '../format.ts';
import { useApp } from '../store/app.ts';
import { useResources } from '../store/resources.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function SyncPage() {
  const jobs = useResources((s) => s.syncJobs);
  const log = useResources((s) => s.syncLog);
  const error = useResources((s) => s.errors.sync);
  const load = useResources((s) => s.loadSync);
  const toast = useApp((s) => s.toast);
  const peers = useResources((s) => s.peers);
  useEffect(() => {
    void load();
  }, [load]);
  // Jobs name their peer by id or address ("<id>@host:port"); show the paired peer's name when there is one.
  const peerLabel = (p: string) =>
    peers?.find((x) => p === x.id || p.startsWith(`${x.id}@`) || p === x.name)?.name ?? shortId(p);
  const act = async (what: 'pause' | 'resume' | 'remove', id: string) => {
    try {
      await bridge().sync[what](id);
      await load();
    } catch (err) {
      toast('error', errorLine(err));
    }
  };
  return (
    <>
      <PageHeader
        title="Sync"
        subtitle="Watch folders and push every change to a paired peer; only what changed moves."
      />
      <div className="stack">
        <AddSync onAdded={() => void load()} />
        <Card title="Synced folders" testId="sync-jobs">
          {error !== undefined && <ErrorNote error={error} />}
          {error ? null : !jobs?.length ? (
            <Empty icon="⟳" title="No synced folders">
              Add a folder above to keep it in step with a peer.
            </Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Folder</th>
                    <th>Peer</th>
                    <th>State</th>
                    <th className="num hide-phone">Synced</th>
                    <th className="hide-phone">Last sync</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {jobs.map((j) => (
                    <tr key={j.id} data-testid="sync-job" data-state={j.state}>
                      <td className="mono" style={{ overflowWrap: 'anywhere' }}>
                        {j.localPath}
                        <div className="muted small">
                          → {j.remotePath}
                          {j.windows?.length ? ` · ${j.windows.map(windowText).join(', ')}` : ''}
                        </div>
                      </td>
                      <td className="mono" title={j.peer}>
                        {peerLabel(j.peer)}
                      </td>
                      <td>
                        <Badge status={j.state} />
                        {j.reason && <div className="muted small">{j.reason}</div>}
                        {j.pendingChanges > 0 && <div className="muted small">{j.pendingChanges} pending</div>}
                      </td>
                      <td className="num hide-phone">
                        {j.syncedFiles} files<div className="muted small">{formatBytes(j.syncedBytes)}</div>
                      </td>
                      <td className="hide-phone small">
                        {j.lastSyncAt ? new Date(j.lastSyncAt).toLocaleString() : '—'}
                      </td>
                      <td>
                        <div className="row" style={{ justifyContent: 'flex-end' }}>
                          {j.paused ? (
                            <button type="button" className="small" onClick={() => void act('resume', j.id)}>
                              Resume
                            </button>
                          ) : (
                            <button type="button" className="small" onClick={() => void act('pause', j.id)}>
                              Pause
                            </button>
                          )}
                          <button type="button" className="small danger" onClick={() => void act('remove', j.id)}>
                            Remove
                          </button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="Activity" testId="sync-log">
          {log.length === 0 ? (
            <p className="muted">Changes, pushes and conflicts appear here as they happen.</p>
          ) : (
            <ul className="log">
              {[...log]
                .reverse()
                .slice(0, 100)
                .map((l, i) => (
                  <li key={`${l.t}-${i}`}>
                    <time>{formatTime(l.t)}</time>
                    <span className="log-kind">
                      <Badge
                        status={
                          l.kind === 'sync.error'
                            ? 'failed'
                            : l.kind === 'sync.conflict'
                              ? 'paused'
                              : l.kind === 'sync.push'
                                ? 'done'
                                : 'running'
                        }
                      >
                        {l.kind.slice(5)}
                      </Badge>
                    </span>
                    <span>{l.text}</span>
                  </li>
                ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}

function windowText(w: SyncWindowDto): string {
  const days = w.days?.length ? w.days.map((d) => DAYS[d]).join('/') : 'daily';
  return `${days} ${w.start}–${w.end}`;
}

function AddSync({ onAdded }: { onAdded: () => void }) {
  const peers = useResources((s) => s.peers);
  const loadPeers = useResources((s) => s.loadPeers);
  const [localPath, setLocal] = useState('');
  const [peer, setPeer] = useState('');
  const [remotePath, setRemote] = useState('');
  const [useWindow, setUseWindow] = useState(false);
  const [start, setStart] = useState('22:00');
  const [end, setEnd] = useState('06:00');
  const [battery, setBattery] = useState(true);
  const [metered, setMetered] = useState(true);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!peers) void loadPeers();
  }, [peers, loadPeers]);
  const submit = async () => {
    setError(undefined);
    try {
      await bridge().sync.add({
        localPath,
        peer,
        remotePath,
        windows: useWindow ? [{ start, end }] : [],
        pauseOnBattery: battery,
        pauseOnMetered: metered,
      });
      setLocal('');
      setRemote('');
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card title="Add a synced folder" testId="sync-add">
      <form
        className="stack"
        style={{ gap: 12 }}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          <Field label="Folder on this machine">
            <input
              value={localPath}
              onChange={(e) => setLocal(e.target.value)}
              placeholder="/home/me/Documents"
              data-testid="sync-local"
            />
          </Field>
          <Field label="Peer">
            <select value={peer} onChange={(e) => setPeer(e.target.value)} data-testid="sync-peer">
              <option value="">{peers?.length ? 'choose a paired peer' : 'no paired peers yet'}</option>
              {peers?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name ?? shortId(p.id)}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Folder on the peer">
            <input
              value={remotePath}
              onChange={(e) => setRemote(e.target.value)}
              placeholder="/backup/documents"
              data-testid="sync-remote"
            />
          </Field>
        </div>
        <div className="row" style={{ gap: 18 }}>
          <span className="window-row">
            <label className="check">
              <input type="checkbox" checked={useWindow} onChange={(e) => setUseWindow(e.target.checked)} /> Only
            </label>
            <input
              type="time"
              value={start}
              disabled={!useWindow}
              onChange={(e) => setStart(e.target.value)}
              aria-label="window start"
            />
            <span className="muted">to</span>
            <input
              type="time"
              value={end}
              disabled={!useWindow}
              onChange={(e) => setEnd(e.target.value)}
              aria-label="window end"
            />
          </span>
          <label className="check">
            <input type="checkbox" checked={battery} onChange={(e) => setBattery(e.target.checked)} /> Pause on battery
          </label>
          <label className="check">
            <input type="checkbox" checked={metered} onChange={(e) => setMetered(e.target.checked)} /> Pause on metered
            networks
          </label>
          <span className="spacer" />
          <button
            type="submit"
            className="primary"
            disabled={!localPath || !peer || !remotePath}
            data-testid="sync-submit"
          >
            Add
          </button>
        </div>
        {error !== undefined && <ErrorNote error={error} />}
      </form>
    </Card>
  );
}
