/** Settings: the configuration (view and edit, grouped by section), and About (host, scheduler backend). */
import { useEffect, useMemo, useState } from 'react';
import type { ConfigEntryDto } from '../../shared/bridge.ts';
import { bridge } from '../bridge/index.ts';
import { errorText } from '../bridge/errors.ts';
import { Badge, Card, ErrorNote, PageHeader } from '../components/ui.tsx';
import { useApp } from '../store/app.ts';
import { useResources } from '../store/resources.ts';

export function SettingsPage() {
  const config = useResources((s) => s.config);
  const error = useResources((s) => s.errors.config);
  const load = useResources((s) => s.loadConfig);
  useEffect(() => { void load(); }, [load]);
  const sections = useMemo(() => {
    const m = new Map<string, ConfigEntryDto[]>();
    for (const e of config?.entries ?? []) {
      const sec = e.key.split('.')[0];
      const l = m.get(sec);
      if (l) l.push(e); else m.set(sec, [e]);
    }
    return [...m];
  }, [config]);
  const [tab, setTab] = useState<string>();
  const current = sections.find(([s]) => s === tab) ?? sections[0];
  return (
    <>
      <PageHeader title="Settings" subtitle={config ? <>Stored in <span className="mono">{config.file}</span></> : undefined} />
      <div className="stack">
        <About />
        <Card title="Configuration" testId="config">
          {error && <ErrorNote>{error}</ErrorNote>}
          {sections.length > 0 && (
            <>
              <div className="tabs" role="tablist">
                {sections.map(([s]) => <button key={s} type="button" role="tab" aria-selected={s === current?.[0]} className={s === current?.[0] ? 'active' : ''} onClick={() => setTab(s)}>{s}</button>)}
              </div>
              <div className="table-wrap">
                <table className="config-table">
                  <thead><tr><th>Key</th><th>Value</th><th className="hide-phone">Source</th></tr></thead>
                  <tbody>{current?.[1].map((e) => <ConfigRow key={e.key} entry={e} />)}</tbody>
                </table>
              </div>
            </>
          )}
        </Card>
      </div>
    </>
  );
}

function show(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function ConfigRow({ entry }: { entry: ConfigEntryDto }) {
  const [value, setValue] = useState(show(entry.value));
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const toast = useApp((s) => s.toast);
  const dirty = value !== show(entry.value);
  // "one of fast, balanced, max" / "a | b": the daemon describes enums in words.
  const allowed = entry.allowed?.replace(/^one of\s+/i, '').split(/\s*[|,]\s*|\s+or\s+/).map((a) => a.trim()).filter(Boolean);
  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      const next = entry.type === 'boolean' ? value === 'true' : entry.type === 'number' && value.trim() !== '' && !Number.isNaN(Number(value)) ? Number(value) : value;
      const cfg = await bridge().config.set({ values: { [entry.key]: next } });
      useResources.setState({ config: cfg });
      toast('success', `Saved ${entry.key}`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setSaving(false);
    }
  };
  return (
    <tr>
      <td style={{ minWidth: 180 }}><div className="mono">{entry.key}</div><div className="muted small">{entry.description}</div></td>
      <td style={{ minWidth: 200 }}>
        <form className="row" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          {entry.type === 'boolean' ? (
            <select value={value} onChange={(e) => setValue(e.target.value)} aria-label={entry.key}><option>true</option><option>false</option></select>
          ) : allowed && allowed.length > 1 && allowed.length < 12 ? (
            <select value={value} onChange={(e) => setValue(e.target.value)} aria-label={entry.key}>{allowed.map((a) => <option key={a}>{a}</option>)}</select>
          ) : (
            <input value={value} onChange={(e) => setValue(e.target.value)} placeholder={show(entry.default)} aria-label={entry.key} style={{ flex: 1 }} />
          )}
          {dirty && <button type="submit" className="small primary" disabled={saving}>Save</button>}
        </form>
        {error && <div style={{ marginTop: 4 }}><ErrorNote>{error}</ErrorNote></div>}
      </td>
      <td className="hide-phone"><Badge status={entry.source === 'default' ? 'idle' : 'running'}>{entry.source}</Badge></td>
    </tr>
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
        <dt>Version</dt><dd>{info ? `Warp ${info.version}` : '—'}</dd>
        <dt>Interface</dt><dd>{mode === 'desktop' ? 'Desktop app (IPC to the main process)' : 'Web (HTTP + event stream to warp daemon)'}</dd>
        {info && <><dt>Engine host</dt><dd>{info.host} on {info.platform}</dd></>}
        {info && <><dt>Data folder</dt><dd className="mono">{info.home}</dd></>}
        {info?.listen && <><dt>Listening</dt><dd className="mono">{info.listen}</dd></>}
        <dt>Scheduler backend</dt>
        <dd data-testid="about-scheduler">
          {sched.state === 'probing' ? 'probing…' : <><Badge status={sched.kind === 'webgpu' ? 'done' : 'idle'}>{sched.kind === 'webgpu' ? 'WebGPU' : 'CPU'}</Badge> {sched.label}</>}
          {sched.reason && <div className="muted small">{sched.reason}</div>}
          {sched.adapter && <div className="muted small">adapter: {sched.adapter}</div>}
        </dd>
        {info && <><dt>Features</dt><dd className="row" style={{ gap: 6 }}>{Object.entries(info.features).map(([k, v]) => <Badge key={k} status={v ? 'done' : 'idle'}>{`${k}${v ? '' : ': off'}`}</Badge>)}</dd></>}
      </dl>
    </Card>
  );
}
