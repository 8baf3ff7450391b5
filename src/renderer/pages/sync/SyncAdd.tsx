/** The Sync page's form: a folder, a paired peer, where on the peer, the mode, selective folders, schedule and power rules. */
import { useEffect, useState } from 'react';
import type { SyncModeDto } from '../../../shared/bridge.ts';
import { bridge } from '../../bridge/index.ts';
import { PathField } from '../../components/PathField.tsx';
import { Card, ErrorNote, Field } from '../../components/ui.tsx';
import { shortId } from '../../format.ts';
import { useResources } from '../../store/resources.ts';

export function AddSync({ onAdded }: { onAdded: () => void }) {
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
  const [mode, setMode] = useState<SyncModeDto>('two-way');
  const [only, setOnly] = useState('');
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
        mode,
        ...(only.trim()
          ? {
              only: only
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean),
            }
          : {}),
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
            <PathField
              value={localPath}
              onChange={setLocal}
              kind="folder"
              label="Folder on this machine"
              placeholder="/home/me/Documents"
              testId="sync-local"
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
        <div className="form-grid">
          <Field label="Mode">
            <select value={mode} onChange={(e) => setMode(e.target.value as SyncModeDto)} data-testid="sync-mode">
              <option value="two-way">Two-way: changes move both ways</option>
              <option value="send-only">Send only: this folder's changes go out</option>
              <option value="receive-only">Receive only: the peer's changes come in</option>
            </select>
          </Field>
          <Field label="Only these subfolders (comma-separated, empty = all)">
            <input
              value={only}
              onChange={(e) => setOnly(e.target.value)}
              placeholder="photos/2024, docs"
              data-testid="sync-only"
            />
          </Field>
        </div>
        <AddOptions
          o={{ useWindow, start, end, battery, metered }}
          set={{ setUseWindow, setStart, setEnd, setBattery, setMetered }}
          ready={!!localPath && !!peer && !!remotePath}
        />
        {error !== undefined && <ErrorNote error={error} />}
      </form>
    </Card>
  );
}

interface Options {
  useWindow: boolean;
  start: string;
  end: string;
  battery: boolean;
  metered: boolean;
}
interface OptionSetters {
  setUseWindow: (v: boolean) => void;
  setStart: (v: string) => void;
  setEnd: (v: string) => void;
  setBattery: (v: boolean) => void;
  setMetered: (v: boolean) => void;
}

/** The schedule window, power rules and the Add button. */
function AddOptions({ o, set, ready }: { o: Options; set: OptionSetters; ready: boolean }) {
  const { useWindow, start, end, battery, metered } = o;
  const { setUseWindow, setStart, setEnd, setBattery, setMetered } = set;
  return (
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
      <button type="submit" className="primary" disabled={!ready} data-testid="sync-submit">
        Add
      </button>
    </div>
  );
}
