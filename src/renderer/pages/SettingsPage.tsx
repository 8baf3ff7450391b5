/** Settings: appearance (theme), the configuration (view and edit, grouped by section), and About (host, scheduler backend). */
import { useEffect, useMemo, useState } from 'react';
import type { ConfigEntryDto } from '../../shared/bridge.ts';
import { bridge } from '../bridge/index.ts';
import { configText, toConfigValue } from '../config-value.ts';
import { Badge, Card, ErrorNote, PageHeader, Tabs } from '../components/ui.tsx';
import { openGuide } from '../guide/guide-store.ts';
import { shortcutOf } from '../shortcuts.ts';
import { useApp } from '../store/app.ts';
import { useResources } from '../store/resources.ts';
import { useTheme, type ThemeChoice } from '../theme.ts';

export function SettingsPage() {
  const config = useResources((s) => s.config);
  const error = useResources((s) => s.errors.config);
  const load = useResources((s) => s.loadConfig);
  useEffect(() => {
    void load();
  }, [load]);
  const sections = useMemo(() => {
    const m = new Map<string, ConfigEntryDto[]>();
    for (const e of config?.entries ?? []) {
      const sec = e.key.split('.')[0];
      const l = m.get(sec);
      if (l) l.push(e);
      else m.set(sec, [e]);
    }
    return [...m];
  }, [config]);
  const [tab, setTab] = useState<string>();
  const current = sections.find(([s]) => s === tab) ?? sections[0];
  return (
    <>
      <PageHeader
        title="Settings"
        subtitle={
          config ? (
            <>
              Stored in <span className="mono">{config.file}</span>
            </>
          ) : undefined
        }
        actions={
          <button type="button" onClick={openGuide} title={`Getting started (${shortcutOf('show-guide')})`}>
            Getting started
          </button>
        }
      />
      <div className="stack">
        <Appearance />
        <About />
        <Card title="Configuration" testId="config">
          {error !== undefined && <ErrorNote error={error} />}
          {sections.length > 0 && current && (
            <Tabs
              tabs={sections.map(([sec]) => sec)}
              selected={current[0]}
              onSelect={setTab}
              label="Configuration sections"
              idPrefix="config"
            >
              <div className="table-wrap">
                <table className="config-table">
                  <thead>
                    <tr>
                      <th>Key</th>
                      <th>Value</th>
                      <th className="hide-phone">Source</th>
                    </tr>
                  </thead>
                  <tbody>
                    {current[1].map((e) => (
                      <ConfigRow key={e.key} entry={e} />
                    ))}
                  </tbody>
                </table>
              </div>
            </Tabs>
          )}
        </Card>
      </div>
    </>
  );
}

function ConfigRow({ entry }: { entry: ConfigEntryDto }) {
  const [value, setValue] = useState(configText(entry));
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const toast = useApp((s) => s.toast);
  const saved = configText(entry);
  const dirty = value !== saved;
  // After a save the daemon sends its own spelling ("2 MiB" comes back as "2MiB"): show that.
  useEffect(() => {
    setValue(saved);
  }, [saved]);
  // "one of fast, balanced, max": the daemon describes enums in words.
  const allowed =
    entry.type === 'enum'
      ? entry.allowed
          ?.replace(/^one of\s+/i, '')
          .split(/\s*[|,]\s*|\s+or\s+/)
          .map((a) => a.trim())
          .filter(Boolean)
      : undefined;
  const save = async () => {
    setError(undefined);
    const next = toConfigValue(entry.type, value);
    if (!next.ok) {
      setError(next.message);
      return;
    }
    setSaving(true);
    try {
      const cfg = await bridge().config.set({ values: { [entry.key]: next.value } });
      useResources.setState({ config: cfg });
      toast('success', `Saved ${entry.key}`);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };
  const id = `cfg-${entry.key.replace(/\W/g, '-')}`;
  return (
    <tr data-testid="config-row" data-key={entry.key}>
      <td style={{ minWidth: 180 }}>
        <label className="mono" htmlFor={id}>
          {entry.key}
        </label>
        <div className="muted small">{entry.description}</div>
      </td>
      <td style={{ minWidth: 200 }}>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {entry.type === 'boolean' ? (
            <select id={id} value={value} onChange={(e) => setValue(e.target.value)}>
              <option>true</option>
              <option>false</option>
            </select>
          ) : allowed && allowed.length > 1 && allowed.length < 12 ? (
            <select id={id} value={value} onChange={(e) => setValue(e.target.value)}>
              {allowed.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          ) : (
            <input
              id={id}
              value={value}
              onChange={(e) => setValue(e.target.value)}
              placeholder={entry.defaultText ?? configText({ value: entry.default })}
              inputMode={entry.type === 'integer' ? 'numeric' : undefined}
              style={{ flex: 1 }}
            />
          )}
          {dirty && (
            <button type="submit" className="small primary" disabled={saving}>
              Save
            </button>
          )}
        </form>
        {entry.accepts && entry.type !== 'enum' && entry.type !== 'boolean' && (
          <div className="muted small">{entry.accepts}</div>
        )}
        {error !== undefined && (
          <div style={{ marginTop: 4 }}>
            <ErrorNote error={error} />
          </div>
        )}
      </td>
      <td className="hide-phone">
        <Badge status={entry.source === 'default' ? 'idle' : 'running'}>{entry.source}</Badge>
      </td>
    </tr>
  );
}

const THEMES: Array<{ id: ThemeChoice; label: string }> = [
  { id: 'system', label: 'Same as the system' },
  { id: 'light', label: 'Light' },
  { id: 'dark', label: 'Dark' },
];

function Appearance() {
  const choice = useTheme((s) => s.choice);
  const choose = useTheme((s) => s.choose);
  return (
    <Card title="Appearance" testId="appearance">
      <fieldset className="radio-row">
        <legend>Theme</legend>
        {THEMES.map((t) => (
          <label key={t.id}>
            <input type="radio" name="theme" value={t.id} checked={choice === t.id} onChange={() => choose(t.id)} />{' '}
            {t.label}
          </label>
        ))}
      </fieldset>
    </Card>
  );
}

function About() {
  const info = useApp((s) => s.info);
  const infoError = useApp((s) => s.infoError);
  const mode = useApp((s) => s.mode);
  const sched = useApp((s) => s.scheduler);
  return (
    <Card title="About" testId="about">
      {infoError && <ErrorNote>{infoError}</ErrorNote>}
      <dl className="kv">
        <dt>Version</dt>
        <dd>{info ? `Warp ${info.version}` : '—'}</dd>
        <dt>Interface</dt>
        <dd>
          {mode === 'desktop' ? 'Desktop app (IPC to the main process)' : 'Web (HTTP + event stream to warp daemon)'}
        </dd>
        {info && (
          <>
            <dt>Engine host</dt>
            <dd>
              {info.host} on {info.platform}
            </dd>
          </>
        )}
        {info && (
          <>
            <dt>Data folder</dt>
            <dd className="mono">{info.home}</dd>
          </>
        )}
        {info?.listen && (
          <>
            <dt>Listening</dt>
            <dd className="mono">{info.listen}</dd>
          </>
        )}
        <dt>Scheduler backend</dt>
        <dd data-testid="about-scheduler">
          {sched.state === 'probing' ? (
            'probing…'
          ) : (
            <>
              <Badge status={sched.kind === 'webgpu' ? 'done' : 'idle'}>
                {sched.kind === 'webgpu' ? 'WebGPU' : 'CPU'}
              </Badge>{' '}
              {sched.label}
            </>
          )}
          {sched.reason && <div className="muted small">{sched.reason}</div>}
          {sched.adapter && <div className="muted small">adapter: {sched.adapter}</div>}
        </dd>
        {info && (
          <>
            <dt>Features</dt>
            <dd className="row" style={{ gap: 6 }}>
              {Object.entries(info.features).map(([k, v]) => (
                <Badge key={k} status={v ? 'done' : 'idle'}>{`${k}${v ? '' : ': off'}`}</Badge>
              ))}
            </dd>
          </>
        )}
      </dl>
    </Card>
  );
}
