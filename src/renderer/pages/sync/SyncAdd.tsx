/** The Sync page's form: a folder, a paired peer, where on the peer, the mode, selective folders, schedule and power rules. */
import { useEffect, useState } from 'react';
import type { SyncModeDto } from '../../../shared/bridge.ts';
import { bridge } from '../../bridge/index.ts';
import { PathField } from '../../components/PathField.tsx';
import { Card, ErrorNote, Field } from '../../components/ui.tsx';
import { shortId } from '../../format.ts';
import { useT } from '../../i18n/index.ts';
import { useResources } from '../../store/resources.ts';

export function AddSync({ onAdded }: { onAdded: () => void }) {
  const t = useT();
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
    <Card title={t('syncAdd.title')} testId="sync-add">
      <form
        className="stack"
        style={{ gap: 12 }}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          <Field label={t('syncAdd.local')}>
            <PathField
              value={localPath}
              onChange={setLocal}
              kind="folder"
              label={t('syncAdd.local')}
              placeholder={t('syncAdd.localExample')}
              testId="sync-local"
            />
          </Field>
          <Field label={t('syncAdd.peer')}>
            <select value={peer} onChange={(e) => setPeer(e.target.value)} data-testid="sync-peer">
              <option value="">{peers?.length ? t('syncAdd.choosePeer') : t('syncAdd.noPeers')}</option>
              {peers?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name ?? shortId(p.id)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('syncAdd.remote')}>
            <input
              value={remotePath}
              onChange={(e) => setRemote(e.target.value)}
              placeholder={t('syncAdd.remoteExample')}
              data-testid="sync-remote"
            />
          </Field>
        </div>
        <div className="form-grid">
          <Field label={t('syncAdd.mode')}>
            <select value={mode} onChange={(e) => setMode(e.target.value as SyncModeDto)} data-testid="sync-mode">
              <option value="two-way">{t('syncAdd.twoWay')}</option>
              <option value="send-only">{t('syncAdd.sendOnly')}</option>
              <option value="receive-only">{t('syncAdd.receiveOnly')}</option>
            </select>
          </Field>
          <Field label={t('syncAdd.only')}>
            <input
              value={only}
              onChange={(e) => setOnly(e.target.value)}
              placeholder={t('syncAdd.onlyExample')}
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
  const t = useT();
  return (
    <div className="row" style={{ gap: 18 }}>
      <span className="window-row">
        <label className="check">
          <input type="checkbox" checked={useWindow} onChange={(e) => setUseWindow(e.target.checked)} />{' '}
          {t('syncAdd.window')}
        </label>
        <input
          type="time"
          value={start}
          disabled={!useWindow}
          onChange={(e) => setStart(e.target.value)}
          aria-label={t('syncAdd.windowStart')}
        />
        <span className="muted">{t('syncAdd.windowTo')}</span>
        <input
          type="time"
          value={end}
          disabled={!useWindow}
          onChange={(e) => setEnd(e.target.value)}
          aria-label={t('syncAdd.windowEnd')}
        />
      </span>
      <label className="check">
        <input type="checkbox" checked={battery} onChange={(e) => setBattery(e.target.checked)} />{' '}
        {t('syncAdd.battery')}
      </label>
      <label className="check">
        <input type="checkbox" checked={metered} onChange={(e) => setMetered(e.target.checked)} />{' '}
        {t('syncAdd.metered')}
      </label>
      <span className="spacer" />
      <button type="submit" className="primary" disabled={!ready} data-testid="sync-submit">
        {t('syncAdd.add')}
      </button>
    </div>
  );
}
