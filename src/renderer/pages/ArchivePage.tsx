/**
 * Archive: create archives (drop or pick, with level and password), find them again in the library, open one
 * to browse, search, verify and extract all or some of it. The pieces live in src/renderer/archive.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { bridge } from '../bridge/index.ts';
import { archiveNameFor, type Picked } from '../components/drop-files.ts';
import { JobRow } from '../components/JobRow.tsx';
import { PathField } from '../components/PathField.tsx';
import { Card, Empty, ErrorNote, PageHeader } from '../components/ui.tsx';
import { t as tr, useT } from '../i18n/index.ts';
import { useApp } from '../store/app.ts';
import { isArchive, useJobs } from '../store/jobs.ts';
import { askNotificationPermission } from '../notify.ts';
import { takeCommand, useCommands } from '../shortcuts.ts';
import { ArchiveDrop, type NewArchiveOptions, type Upload } from '../archive/ArchiveDrop.tsx';
import { ArchiveInspector } from '../archive/ArchiveInspector.tsx';
import { ArchiveLibrary, useLibrary } from '../archive/ArchiveLibrary.tsx';
import { freeArchiveName, joinPath, openable, topOf } from '../archive/archive-paths.ts';

export function ArchivePage() {
  const [error, setError] = useState<unknown>();
  const [opened, setOpened] = useState<string>();
  const library = useLibrary();
  const signals = usePageCommands(setOpened);
  const { upload, create, cancelUpload } = useCreate(
    setError,
    setOpened,
    library.entries?.map((e) => e.archive),
  );
  const t = useT();
  return (
    <>
      <PageHeader title={t('pages.archive')} subtitle={t('archive.subtitle')} />
      <div className="stack">
        <ArchiveDrop
          onFiles={(f, o) => void create(f, o)}
          upload={upload}
          onCancelUpload={cancelUpload}
          pickSignal={signals.newArchive}
        />
        {error !== undefined && <ErrorNote error={error} />}
        <ArchiveLibrary
          entries={library.entries}
          error={library.error}
          onOpen={setOpened}
          onForget={(a) => void bridge().library.remove({ archive: a }).then(library.reload, setError)}
        />
        <ArchiveActivity onOpen={setOpened} />
        <OpenByPath onOpen={setOpened} browseSignal={signals.openArchive} />
        {opened && <ArchiveInspector key={opened} archive={opened} onClose={() => setOpened(undefined)} />}
      </div>
    </>
  );
}

/**
 * The Open Archive and New Archive commands (menu or keys), as counters the pickers act on when they change;
 * an archive link (`#/archive?path=`, a double-clicked .warp) opens its archive.
 */
function usePageCommands(open: (archive: string) => void): { openArchive: number; newArchive: number } {
  const pending = useCommands((s) => s.pending);
  const [n, setN] = useState({ openArchive: 0, newArchive: 0 });
  useEffect(() => {
    const c = takeCommand();
    if (c.pending === 'open-archive') setN((x) => ({ ...x, openArchive: x.openArchive + 1 }));
    if (c.pending === 'new-archive') setN((x) => ({ ...x, newArchive: x.newArchive + 1 }));
    if (c.pending === 'open-path' && c.path) open(c.path);
  }, [pending]);
  return n;
}

/** Creating an archive from picked files: in place (desktop, which knows paths) or by upload (web). */
function useCreate(
  setError: (e: unknown) => void,
  setOpened: (a: string) => void,
  known: readonly string[] | undefined,
) {
  const home = useApp((s) => s.info?.home);
  const toast = useApp((s) => s.toast);
  const [upload, setUpload] = useState<Upload>();
  const abort = useRef<AbortController | undefined>(undefined);

  async function create({ files, dirs }: Picked, options: NewArchiveOptions) {
    askNotificationPermission();
    setError(undefined);
    if (files.length === 0) return setError(tr('archive.nothingToArchive'));
    const b = bridge();
    // A single .warp: open it instead of archiving it again.
    if (files.length === 1 && files[0].path.toLowerCase().endsWith('.warp')) {
      const p = b.pathForFile?.(files[0].file);
      if (p) return setOpened(p);
      return setError(tr('archive.openInBrowser'));
    }
    try {
      const name = await freeArchiveName(archiveNameFor(files), home, known ?? []);
      const paths = b.pathForFile ? files.map((f) => b.pathForFile!(f.file)).filter(Boolean) : [];
      if (paths.length === files.length && home) {
        // Desktop: archive the dropped top-level items in place.
        const tops = [...new Set(files.map((f, i) => topOf(paths[i], f.path)))];
        const output = joinPath(joinPath(home, 'archives'), `${name}.warp`);
        await b.archive.create({ inputs: tops, output, ...options });
      } else if (b.archive.upload) {
        const total = files.reduce((s, f) => s + f.file.size, 0);
        abort.current = new AbortController();
        setUpload({ name, sent: 0, total, files: files.length });
        await b.archive.upload(
          {
            name,
            files: files.map((f) => ({ path: f.path, blob: f.file, mtimeMs: f.file.lastModified })),
            dirs,
            ...options,
          },
          (sent, t) => setUpload({ name, sent, total: t, files: files.length }),
          abort.current.signal,
        );
        toast('info', tr('archive.uploaded', { count: files.length, name: `${name}.warp` }));
      } else setError(tr('archive.cannotReceive'));
    } catch (err) {
      if ((err as { code?: string }).code === 'E_CANCELLED') toast('info', tr('archive.uploadCancelled'));
      else setError(err);
    } finally {
      setUpload(undefined);
    }
  }
  return { upload, create, cancelUpload: () => abort.current?.abort() };
}

function ArchiveActivity({ onOpen }: { onOpen: (a: string) => void }) {
  const jobsMap = useJobs((s) => s.jobs);
  const jobs = useMemo(
    () =>
      Object.values(jobsMap)
        .filter(isArchive)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [jobsMap],
  );
  const t = useT();
  return (
    <Card title={t('archive.activity')} testId="archive-jobs">
      {jobs.length === 0 ? (
        <Empty icon="▣" title={t('archive.noJobsTitle')}>
          {t('archive.noJobsBody')}
        </Empty>
      ) : (
        jobs.slice(0, 30).map((j) => {
          const a = openable(j);
          return (
            <JobRow
              key={j.id}
              job={j}
              extra={
                a && (
                  <button type="button" className="small" onClick={() => onOpen(a)}>
                    {t('archive.open')}
                  </button>
                )
              }
            />
          );
        })
      )}
    </Card>
  );
}

function OpenByPath({ onOpen, browseSignal }: { onOpen: (a: string) => void; browseSignal: number }) {
  const mode = useApp((s) => s.mode);
  const [openPath, setOpenPath] = useState('');
  const t = useT();
  return (
    <Card title={t('archive.openTitle')}>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (openPath.trim()) onOpen(openPath.trim());
        }}
      >
        <div style={{ flex: 1 }}>
          <PathField
            value={openPath}
            onChange={setOpenPath}
            kind="file"
            extensions={['warp']}
            onPick={onOpen}
            browseSignal={browseSignal}
            label={t('archive.pathLabel')}
            placeholder={mode === 'web' ? t('archive.pathPlaceholderWeb') : t('archive.pathPlaceholder')}
          />
        </div>
        <button type="submit" disabled={!openPath.trim()}>
          {t('archive.open')}
        </button>
      </form>
    </Card>
  );
}
