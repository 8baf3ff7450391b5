/**
 * An opened archive: its totals, a password prompt when it is locked, extract (all or the selected entries)
 * and verify with their jobs, and every entry as a virtualised tree with search.
 */
import { useEffect, useRef, useState } from 'react';
import type { ArchiveInfoDto } from '../../shared/bridge.ts';
import { bridge, getBridge } from '../bridge/index.ts';
import { errorLine, explainError } from '../error-words.ts';
import { JobRow } from '../components/JobRow.tsx';
import { PathField } from '../components/PathField.tsx';
import { Badge, Card, ErrorNote, Field } from '../components/ui.tsx';
import { formatBytes } from '../format.ts';
import { useApp } from '../store/app.ts';
import { useJobs } from '../store/jobs.ts';
import { baseName, defaultExtractTarget } from './archive-paths.ts';
import { ArchiveTree } from './archive-tree.ts';
import { ArchiveTreeView } from './ArchiveTreeView.tsx';
import { loadAllEntries } from './load-entries.ts';
import { useT } from '../i18n/index.ts';

interface Loaded {
  info: ArchiveInfoDto;
  tree: ArchiveTree;
}

export function ArchiveInspector({ archive, onClose }: { archive: string; onClose: () => void }) {
  const [loaded, setLoaded] = useState<Loaded>();
  const [listed, setListed] = useState<{ loaded: number; total: number }>();
  const [error, setError] = useState<unknown>();
  const [password, setPassword] = useState('');
  const [target, setTarget] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const home = useApp((s) => s.info?.home);
  const secret = password ? { password } : {};

  const load = async () => {
    setError(undefined);
    try {
      const info = await bridge().archive.info({ archive, ...secret });
      const entries = await loadAllEntries(archive, secret, (n, total) => setListed({ loaded: n, total }));
      const tree = ArchiveTree.build(entries);
      setLoaded({ info, tree });
      if (!target && home) setTarget(defaultExtractTarget(home, archive, tree));
    } catch (err) {
      setError(err);
    }
  };
  // Load once per opened archive (the component is keyed by its path).
  useEffect(() => {
    void load();
  }, []);
  const box = useRef<HTMLDivElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  // The inspector opens below the page's other cards: once its contents are in, bring it into view and move
  // the focus to its title (before that, the page may be too short to scroll it up).
  const shown = loaded !== undefined || error !== undefined;
  useEffect(() => {
    if (!shown) return;
    box.current?.scrollIntoView({ block: 'start' });
    box.current?.querySelector<HTMLElement>('h2 [tabindex="-1"]')?.focus({ preventScroll: true });
  }, [shown]);
  const toggleSelect = (i: number) =>
    setSelected((s) => {
      const n = new Set(s);
      if (!n.delete(i)) n.add(i);
      return n;
    });
  const t = useT();
  return (
    <div ref={box} className="scroll-target">
      <Card
        title={
          <span className="ellipsis mono" title={archive} tabIndex={-1}>
            {baseName(archive)}
          </span>
        }
        actions={
          <button type="button" className="small" onClick={onClose}>
            {t('inspector.close')}
          </button>
        }
        testId="inspector"
      >
        {error !== undefined && (
          <div className="stack" style={{ gap: 8 }}>
            <ErrorNote error={error} actions={{ unlock: () => passwordField.current?.focus() }} />
            {explainError(error).action === 'unlock' && (
              <form
                className="row"
                onSubmit={(e) => {
                  e.preventDefault();
                  void load();
                }}
              >
                <input
                  ref={passwordField}
                  type="password"
                  placeholder={t('inspector.password')}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  aria-label={t('inspector.passwordLabel')}
                  autoFocus
                />
                <button type="submit">{t('inspector.unlock')}</button>
              </form>
            )}
          </div>
        )}
        {!loaded && error === undefined && (
          <p className="muted" role="status">
            {listed
              ? t('inspector.reading', { loaded: listed.loaded, count: listed.total })
              : t('inspector.readingStart')}
          </p>
        )}
        {loaded && (
          <div className="stack">
            <ArchiveFacts info={loaded.info} />
            <ArchiveActions
              archive={archive}
              secret={secret}
              target={target}
              setTarget={setTarget}
              tree={loaded.tree}
              selected={selected}
              clearSelection={() => setSelected(new Set())}
            />
            <ArchiveTreeView tree={loaded.tree} selected={selected} onToggleSelect={toggleSelect} />
          </div>
        )}
      </Card>
    </div>
  );
}

function ArchiveFacts({ info }: { info: ArchiveInfoDto }) {
  const t = useT();
  return (
    <>
      <div className="grid stats">
        <div className="stat">
          <div className="stat-label">{t('inspector.files')}</div>
          <div className="stat-value" data-testid="archive-files">
            {info.files}
          </div>
        </div>
        <div className="stat">
          <div className="stat-label">{t('inspector.content')}</div>
          <div className="stat-value">{formatBytes(info.bytes)}</div>
        </div>
        <div className="stat">
          <div className="stat-label">{t('inspector.onDisk')}</div>
          <div className="stat-value">{formatBytes(info.archiveBytes)}</div>
        </div>
        <div className="stat">
          <div className="stat-label">{t('inspector.chunks')}</div>
          <div className="stat-value">{info.chunks}</div>
        </div>
      </div>
      <dl className="kv">
        <dt>{t('inspector.path')}</dt>
        <dd className="mono">{info.archive}</dd>
        <dt>{t('inspector.merkleRoot')}</dt>
        <dd className="mono">{info.merkleRoot}</dd>
        <dt>{t('inspector.encryption')}</dt>
        <dd>
          {info.encrypted ? (
            <Badge status="done">{t('library.encrypted')}</Badge>
          ) : (
            <Badge status="idle">{t('inspector.none')}</Badge>
          )}
        </dd>
      </dl>
    </>
  );
}

function ArchiveActions(p: {
  archive: string;
  secret: { password?: string };
  target: string;
  setTarget: (t: string) => void;
  tree: ArchiveTree;
  selected: ReadonlySet<number>;
  clearSelection: () => void;
}) {
  const [busy, setBusy] = useState<string>();
  const [jobIds, setJobIds] = useState<string[]>([]);
  const jobsMap = useJobs((s) => s.jobs);
  const ownJobs = jobIds.map((id) => jobsMap[id]).filter(Boolean);
  const toast = useApp((s) => s.toast);
  const downloadUrl = getBridge().bridge.archive.downloadUrl?.(p.archive);
  const chosen = p.tree.selectionPaths(p.selected);
  const totals = p.tree.selectionTotals(p.selected);
  const t = useT();

  const run = async (what: 'verify' | 'extract' | 'extract-selected') => {
    setBusy(what);
    try {
      const a = bridge().archive;
      const common = { archive: p.archive, ...p.secret };
      const ref =
        what === 'verify'
          ? await a.verify(common)
          : await a.extract({
              ...common,
              target: p.target,
              existing: 'overwrite',
              ...(what === 'extract-selected' ? { paths: chosen } : {}),
            });
      setJobIds((ids) => [ref.job, ...ids]);
    } catch (err) {
      toast('error', errorLine(err));
    } finally {
      setBusy('');
    }
  };

  return (
    <>
      <div className="form-grid">
        <Field label={t('inspector.extractTo')} hint={t('inspector.extractHint')}>
          <PathField
            value={p.target}
            onChange={p.setTarget}
            kind="folder"
            label={t('inspector.extractTarget')}
            testId="extract-target"
          />
        </Field>
        <div className="row">
          <button
            type="button"
            className="primary"
            disabled={!p.target || busy === 'extract'}
            onClick={() => void run('extract')}
            data-testid="extract"
          >
            {t('inspector.extractAll')}
          </button>
          <button
            type="button"
            disabled={!p.target || chosen.length === 0 || busy === 'extract-selected'}
            onClick={() => void run('extract-selected')}
            data-testid="extract-selected"
          >
            {chosen.length > 0
              ? t('inspector.extractSelectedSome', {
                  files: t('verify.files', { count: totals.files }),
                  bytes: formatBytes(totals.bytes),
                })
              : t('inspector.extractSelected')}
          </button>
          {chosen.length > 0 && (
            <button type="button" className="small" onClick={p.clearSelection}>
              {t('inspector.clearSelection')}
            </button>
          )}
          <button type="button" disabled={busy === 'verify'} onClick={() => void run('verify')} data-testid="verify">
            {t('inspector.verify')}
          </button>
          {downloadUrl && (
            <a className="button" href={downloadUrl} download>
              {t('inspector.download')}
            </a>
          )}
        </div>
      </div>
      {ownJobs.map((j) => (
        <JobRow key={j.id} job={j} />
      ))}
    </>
  );
}
