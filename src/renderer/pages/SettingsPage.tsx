/** Settings: appearance (theme, language), the configuration (view and edit, grouped by section), and About (host, scheduler backend). */
import { useEffect, useMemo, useState } from 'react';
import { Trans } from 'react-i18next';
import type { ConfigEntryDto } from '../../shared/bridge.ts';
import { bridge } from '../bridge/index.ts';
import { configText, toConfigValue } from '../config-value.ts';
import { LANGUAGE_NAMES, LANGUAGES } from '../../shared/i18n/catalogue.ts';
import { i18n, systemLanguage, useLanguage, useT, type LanguageChoice } from '../i18n/index.ts';
import { PathField } from '../components/PathField.tsx';
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
  const t = useT();
  const current = sections.find(([s]) => s === tab) ?? sections[0];
  return (
    <>
      <PageHeader
        title={t('pages.settings')}
        subtitle={
          config ? (
            <Trans
              i18n={i18n}
              i18nKey="settings.stored"
              values={{ file: config.file }}
              components={{ mono: <span className="mono" /> }}
            />
          ) : undefined
        }
        actions={
          <button type="button" onClick={openGuide} title={t('guide.openTitle', { key: shortcutOf('show-guide') })}>
            {t('guide.open')}
          </button>
        }
      />
      <div className="stack">
        <Appearance />
        <About />
        <Card title={t('settings.configuration')} testId="config">
          {error !== undefined && <ErrorNote error={error} />}
          {sections.length > 0 && current && (
            <Tabs
              tabs={sections.map(([sec]) => sec)}
              selected={current[0]}
              onSelect={setTab}
              label={t('settings.sections')}
              idPrefix="config"
            >
              <div className="table-wrap">
                <table className="config-table">
                  <thead>
                    <tr>
                      <th>{t('settings.key')}</th>
                      <th>{t('settings.value')}</th>
                      <th className="hide-phone">{t('settings.source')}</th>
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
  const t = useT();
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
      toast('success', t('settings.saved', { key: entry.key }));
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
              <option value="true">{t('settings.true')}</option>
              <option value="false">{t('settings.false')}</option>
            </select>
          ) : allowed && allowed.length > 1 && allowed.length < 12 ? (
            <select id={id} value={value} onChange={(e) => setValue(e.target.value)}>
              {allowed.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          ) : entry.type === 'path' ? (
            // A path on the engine's machine: the daemon-side folder browser (web) or a native dialog (desktop).
            <div style={{ flex: 1, minWidth: 0 }}>
              <PathField
                id={id}
                value={value}
                onChange={setValue}
                kind="any"
                label={entry.key}
                placeholder={entry.defaultText ?? configText({ value: entry.default })}
              />
            </div>
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
              {t('settings.save')}
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
        <Badge status={entry.source === 'default' ? 'idle' : 'running'}>{t(`badge.${entry.source}`)}</Badge>
      </td>
    </tr>
  );
}

const THEMES = [
  { id: 'system', label: 'settings.themeSystem' },
  { id: 'light', label: 'settings.themeLight' },
  { id: 'dark', label: 'settings.themeDark' },
] as const satisfies ReadonlyArray<{ id: ThemeChoice; label: string }>;

function Appearance() {
  const choice = useTheme((s) => s.choice);
  const choose = useTheme((s) => s.choose);
  const t = useT();
  return (
    <Card title={t('settings.appearance')} testId="appearance">
      <fieldset className="radio-row">
        <legend>{t('settings.theme')}</legend>
        {THEMES.map((th) => (
          <label key={th.id}>
            <input type="radio" name="theme" value={th.id} checked={choice === th.id} onChange={() => choose(th.id)} />{' '}
            {t(th.label)}
          </label>
        ))}
      </fieldset>
      <LanguagePicker />
    </Card>
  );
}

/** The UI language: the system's (the first of its preferred languages Warp speaks) or one chosen here. */
function LanguagePicker() {
  const choice = useLanguage((s) => s.choice);
  const choose = useLanguage((s) => s.choose);
  const t = useT();
  return (
    <div className="row" style={{ marginTop: 12 }}>
      <label htmlFor="ui-language">{t('language.label')}</label>
      <select
        id="ui-language"
        data-testid="language"
        value={choice}
        onChange={(e) => choose(e.target.value as LanguageChoice)}
      >
        <option value="system">{t('language.system', { name: LANGUAGE_NAMES[systemLanguage()] })}</option>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}

function About() {
  const info = useApp((s) => s.info);
  const infoError = useApp((s) => s.infoError);
  const mode = useApp((s) => s.mode);
  const sched = useApp((s) => s.scheduler);
  const t = useT();
  return (
    <Card title={t('settings.about')} testId="about">
      {infoError && <ErrorNote>{infoError}</ErrorNote>}
      <dl className="kv">
        <dt>{t('settings.version')}</dt>
        <dd>{info ? t('settings.versionValue', { version: info.version }) : '—'}</dd>
        <dt>{t('settings.interface')}</dt>
        <dd>{mode === 'desktop' ? t('settings.interfaceDesktop') : t('settings.interfaceWeb')}</dd>
        {info && (
          <>
            <dt>{t('settings.engineHost')}</dt>
            <dd>{t('settings.hostOn', { host: info.host, platform: info.platform })}</dd>
          </>
        )}
        {info && (
          <>
            <dt>{t('settings.dataFolder')}</dt>
            <dd className="mono">{info.home}</dd>
          </>
        )}
        {info?.listen && (
          <>
            <dt>{t('settings.listening')}</dt>
            <dd className="mono">{info.listen}</dd>
          </>
        )}
        <dt>{t('settings.scheduler')}</dt>
        <dd data-testid="about-scheduler">
          {sched.state === 'probing' ? (
            t('settings.probing')
          ) : (
            <>
              <Badge status={sched.kind === 'webgpu' ? 'done' : 'idle'}>
                {sched.kind === 'webgpu' ? 'WebGPU' : 'CPU'}
              </Badge>{' '}
              {sched.label}
            </>
          )}
          {sched.reason && <div className="muted small">{sched.reason}</div>}
          {sched.adapter && <div className="muted small">{t('settings.adapter', { adapter: sched.adapter })}</div>}
        </dd>
        {info && (
          <>
            <dt>{t('settings.features')}</dt>
            <dd className="row" style={{ gap: 6 }}>
              {Object.entries(info.features).map(([k, v]) => (
                <Badge key={k} status={v ? 'done' : 'idle'}>
                  {v ? k : t('settings.featureOff', { feature: k })}
                </Badge>
              ))}
            </dd>
          </>
        )}
      </dl>
    </Card>
  );
}
