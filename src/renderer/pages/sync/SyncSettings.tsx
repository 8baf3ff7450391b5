/**
 * A synced folder's deletion guard and versions retention (`sync.settings`): the values shown are the ones the
 * sync uses (the job carries them with the defaults filled in); Save sends them, "Back to the defaults" clears both.
 */
import { useState } from 'react';
import type { SyncJobDto, SyncSettingsRequest, SyncVersionsSettings } from '../../../shared/bridge.ts';
import { bridge } from '../../bridge/index.ts';
import { errorLine } from '../../error-words.ts';
import { useT } from '../../i18n/index.ts';
import { useApp } from '../../store/app.ts';

const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;
type Policy = NonNullable<SyncVersionsSettings['policy']>;

interface Form {
  share: string;
  minFiles: string;
  maxFiles: string;
  policy: Policy;
  count: string;
  maxAgeDays: string;
  maxSizeGiB: string;
}

function formOf(j: SyncJobDto): Form {
  const g = j.deletionGuard ?? {};
  const v = j.versions ?? {};
  return {
    share: String(Math.round((g.share ?? 0.5) * 100)),
    minFiles: String(g.minFiles ?? 5),
    maxFiles: String(g.maxFiles ?? 1000),
    policy: v.policy ?? 'trash-can',
    count: String(v.count ?? 5),
    maxAgeDays: String(Math.round((v.maxAgeMs ?? 30 * DAY_MS) / DAY_MS)),
    maxSizeGiB: String(Math.round(((v.maxBytes ?? 10 * GIB) / GIB) * 100) / 100),
  };
}

/** The request a form makes (the daemon checks the values; a bad one comes back as an error toast). */
function requestOf(id: string, f: Form): SyncSettingsRequest {
  return {
    id,
    deletionGuard: { share: Number(f.share) / 100, minFiles: Number(f.minFiles), maxFiles: Number(f.maxFiles) },
    versions: {
      policy: f.policy,
      count: Number(f.count),
      maxAgeMs: Math.round(Number(f.maxAgeDays) * DAY_MS),
      maxBytes: Math.round(Number(f.maxSizeGiB) * GIB),
    },
  };
}

export function SettingsPanel({ job, onDone }: { job: SyncJobDto; onDone: () => void }) {
  const t = useT();
  const toast = useApp((s) => s.toast);
  const [f, setF] = useState<Form>(() => formOf(job));
  const send = async (req: SyncSettingsRequest) => {
    try {
      const next = await bridge().sync.settings(req);
      setF(formOf(next));
      toast('info', t('syncSettings.saved', { folder: job.localPath }));
      onDone();
    } catch (err) {
      toast('error', errorLine(err));
    }
  };
  const field = (k: Exclude<keyof Form, 'policy'>, label: string, step = '1') => (
    <label className="small">
      {label}
      <input
        type="number"
        min="0"
        step={step}
        value={f[k]}
        onChange={(e) => setF({ ...f, [k]: e.target.value })}
        data-testid={`sync-settings-${k}`}
      />
    </label>
  );
  return (
    <form
      className="stack"
      data-testid="sync-settings"
      onSubmit={(e) => {
        e.preventDefault();
        void send(requestOf(job.id, f));
      }}
    >
      <strong>{t('syncSettings.title')}</strong>
      {field('share', t('syncSettings.guardShare'))}
      {field('minFiles', t('syncSettings.guardMinFiles'))}
      {field('maxFiles', t('syncSettings.guardMaxFiles'))}
      <label className="small">
        {t('syncSettings.policy')}
        <select
          value={f.policy}
          onChange={(e) => setF({ ...f, policy: e.target.value as Policy })}
          data-testid="sync-settings-policy"
        >
          <option value="trash-can">{t('syncSettings.policyTrashCan')}</option>
          <option value="simple">{t('syncSettings.policySimple')}</option>
          <option value="staggered">{t('syncSettings.policyStaggered')}</option>
        </select>
      </label>
      {f.policy === 'simple' && field('count', t('syncSettings.count'))}
      {field('maxAgeDays', t('syncSettings.maxAgeDays'))}
      {field('maxSizeGiB', t('syncSettings.maxSizeGiB'), '0.01')}
      <div className="row">
        <button type="submit" className="small" data-testid="sync-settings-save">
          {t('syncSettings.save')}
        </button>
        <button
          type="button"
          className="small"
          onClick={() => void send({ id: job.id, deletionGuard: null, versions: null })}
        >
          {t('syncSettings.defaults')}
        </button>
      </div>
    </form>
  );
}
