/**
 * Archive: drop files or folders to create a .warp with live progress; open a .warp to list, verify or extract.
 * Desktop mode archives dropped paths in place (the preload resolves File → path); web mode uploads the files
 * to the daemon, which archives them (browsers give no paths).
 */
import { useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { ArchiveCreateResultDto, ArchiveInfoDto, ArchiveListResult } from '../../shared/bridge.ts';
import { bridge, getBridge } from '../bridge/index.ts';
import { errorLine, explainError } from '../error-words.ts';
import { archiveNameFor, filesFromDataTransfer, filesFromList, type PickedFile } from '../components/drop-files.ts';
import { JobRow } from '../components/JobRow.tsx';
import { Badge, Card, Empty, ErrorNote, Field, PageHeader, ProgressBar } from '../components/ui.tsx';
import { formatBytes, formatPercent } from '../format.ts';
import { useApp } from '../store/app.ts';
import { isArchive, useJobs, type JobView } from '../store/jobs.ts';
import { askNotificationPermission } from '../notify.ts';

interface Upload {
  name: string;
  sent: number;
  total: number;
  files: number;
}

function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

export function ArchivePage() {
  const mode = useApp((s) => s.mode);
  const home = useApp((s) => s.info?.home);
  const jobsMap = useJobs((s) => s.jobs);
  const jobs = useMemo(
    () =>
      Object.values(jobsMap)
        .filter(isArchive)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [jobsMap],
  );
  const [over, setOver] = useState(false);
  const [upload, setUpload] = useState<Upload>();
  const [error, setError] = useState<unknown>();
  const [opened, setOpened] = useState<string>();
  const [openPath, setOpenPath] = useState('');
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const toast = useApp((s) => s.toast);

  async function archiveFiles(files: PickedFile[]) {
    askNotificationPermission();
    setError(undefined);
    if (files.length === 0) {
      setError('Nothing to archive: the drop held no files.');
      return;
    }
    const b = bridge();
    // A single .warp: open it instead of archiving it again.
    if (files.length === 1 && files[0].path.toLowerCase().endsWith('.warp')) {
      const p = b.pathForFile?.(files[0].file);
      if (p) {
        setOpened(p);
        return;
      }
      setError("In the browser, open archives by their path on the daemon's machine (below), or pick one you created.");
      return;
    }
    const base = archiveNameFor(files);
    try {
      const name = await freeArchiveName(base, home);
      const paths = b.pathForFile ? files.map((f) => b.pathForFile!(f.file)).filter(Boolean) : [];
      if (paths.length === files.length && home) {
        // Desktop: archive the dropped top-level items in place.
        const tops = [...new Set(files.map((f, i) => topOf(paths[i], f.path)))];
        await b.archive.create({ inputs: tops, output: joinPath(joinPath(home, 'archives'), `${name}.warp`) });
      } else if (b.archive.upload) {
        const total = files.reduce((s, f) => s + f.file.size, 0);
        setUpload({ name, sent: 0, total, files: files.length });
        await b.archive.upload({ name, files: files.map((f) => ({ path: f.path, blob: f.file })) }, (sent, t) =>
          setUpload({ name, sent, total: t, files: files.length }),
        );
        toast('info', `Uploaded ${files.length} files; archiving ${name}.warp`);
      } else setError('This host cannot receive files: drop them on the desktop app, or use `warp create`.');
    } catch (err) {
      setError(err);
    } finally {
      setUpload(undefined);
    }
  }

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    await archiveFiles(await filesFromDataTransfer(e.dataTransfer));
  };

  return (
    <>
      <PageHeader
        title="Archive"
        subtitle="Pack files and folders into a verifiable .warp archive, or open one to inspect, verify and extract."
      />
      <div className="stack">
        <div
          className={`dropzone ${over ? 'over' : ''}`}
          data-testid="dropzone"
          onDragEnter={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragOver={(e) => {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => void onDrop(e)}
        >
          <div className="dropzone-icon" aria-hidden>
            ⇣
          </div>
          <div className="dropzone-title">Drop files or folders here</div>
          <div className="muted">
            {mode === 'web'
              ? 'They are uploaded to the daemon and archived there.'
              : 'A .warp file opens it; anything else becomes a new archive.'}
          </div>
          <div className="row">
            <button type="button" onClick={() => filesInput.current?.click()}>
              Choose files…
            </button>
            <button type="button" onClick={() => folderInput.current?.click()}>
              Choose folder…
            </button>
          </div>
          <input
            ref={filesInput}
            type="file"
            multiple
            className="visually-hidden"
            tabIndex={-1}
            aria-label="Choose files"
            data-testid="pick-files"
            onChange={(e) => {
              void archiveFiles(filesFromList(e.target.files));
              e.target.value = '';
            }}
          />
          <input
            ref={folderInput}
            type="file"
            multiple
            className="visually-hidden"
            tabIndex={-1}
            aria-label="Choose folder"
            data-testid="pick-folder"
            {...{ webkitdirectory: '' }}
            onChange={(e) => {
              void archiveFiles(filesFromList(e.target.files));
              e.target.value = '';
            }}
          />
        </div>
        {error !== undefined && <ErrorNote error={error} />}
        {upload && (
          <Card title={`Uploading ${upload.name}`} testId="upload">
            <ProgressBar value={upload.sent} total={upload.total} label="upload progress" />
            <div className="job-meta" style={{ marginTop: 6 }}>
              <span>
                {formatBytes(upload.sent)} / {formatBytes(upload.total)}
              </span>
              <span>{upload.files} files</span>
              <span>{formatPercent(upload.sent, upload.total)}</span>
            </div>
          </Card>
        )}
        <Card title="Activity" testId="archive-jobs">
          {jobs.length === 0 ? (
            <Empty icon="▣" title="No archive jobs yet">
              Drop something above to create your first archive.
            </Empty>
          ) : (
            jobs.slice(0, 30).map((j) => (
              <JobRow
                key={j.id}
                job={j}
                extra={
                  openable(j) && (
                    <button type="button" className="small" onClick={() => setOpened(openable(j))}>
                      Open
                    </button>
                  )
                }
              />
            ))
          )}
        </Card>
        <Card title="Open an archive">
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (openPath.trim()) setOpened(openPath.trim());
            }}
          >
            <input
              style={{ flex: 1 }}
              placeholder={mode === 'web' ? "path of a .warp on the daemon's machine" : 'path of a .warp file'}
              value={openPath}
              onChange={(e) => setOpenPath(e.target.value)}
              aria-label="archive path"
            />
            <button type="submit" disabled={!openPath.trim()}>
              Open
            </button>
          </form>
        </Card>
        {opened && <ArchiveInspector key={opened} archive={opened} onClose={() => setOpened(undefined)} />}
      </div>
    </>
  );
}

/**
 * Never replace an archive by dropping a folder of the same name again: when `<home>/archives/<name>.warp` exists
 * (archive.info answers anything but not-found), the new one gets a date-time suffix.
 */
async function freeArchiveName(name: string, home: string | undefined): Promise<string> {
  if (!home) return name;
  try {
    await bridge().archive.info({ archive: joinPath(joinPath(home, 'archives'), `${name}.warp`) });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'E_INPUT_NOT_FOUND' || code === 'NOT_FOUND') return name;
  }
  const d = new Date();
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${name}-${d.getFullYear()}${p2(d.getMonth() + 1)}${p2(d.getDate())}-${p2(d.getHours())}${p2(d.getMinutes())}${p2(d.getSeconds())}`;
}

/**
 * Where "Extract" puts an archive by default: `<home>/extracted` when everything in it sits in one top folder
 * (it lands as extracted/<folder>, not extracted/<name>/<folder>), else a folder named after the archive.
 */
function defaultExtractTarget(home: string, archive: string, list: ArchiveListResult): string {
  const base = joinPath(home, 'extracted');
  const tops = new Set(list.entries.map((e) => e.path.split('/')[0]));
  const oneFolder =
    tops.size === 1 &&
    list.entries.some((e) => e.type === 'dir' && e.path === [...tops][0]) &&
    list.total === list.entries.length;
  return oneFolder ? base : joinPath(base, (archive.split(/[\\/]/).pop() ?? 'archive').replace(/\.warp$/i, ''));
}

function topOf(absPath: string, relPath: string): string {
  // absPath ends with relPath; strip all but the first segment of relPath.
  const rest = relPath.split('/').slice(1).join('/');
  return rest && absPath.replace(/\\/g, '/').endsWith('/' + rest)
    ? absPath.slice(0, absPath.length - rest.length - 1)
    : absPath;
}

function openable(j: JobView): string | undefined {
  if (j.status !== 'done' || (j.kind !== 'archive.create' && j.kind !== 'archive.upload')) return undefined;
  const r = j.result as Partial<ArchiveCreateResultDto> | undefined;
  return r?.archive ?? j.archive;
}

function ArchiveInspector({ archive, onClose }: { archive: string; onClose: () => void }) {
  const [info, setInfo] = useState<ArchiveInfoDto>();
  const [list, setList] = useState<ArchiveListResult>();
  const [error, setError] = useState<unknown>();
  const [password, setPassword] = useState('');
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState<string>();
  const home = useApp((s) => s.info?.home);
  const jobsMap = useJobs((s) => s.jobs);
  const [jobIds, setJobIds] = useState<string[]>([]);
  const ownJobs = jobIds.map((id) => jobsMap[id]).filter(Boolean);
  const toast = useApp((s) => s.toast);
  const downloadUrl = getBridge().bridge.archive.downloadUrl?.(archive);
  const secret = password ? { password } : {};

  const load = async () => {
    setError(undefined);
    try {
      const [i, l] = await Promise.all([
        bridge().archive.info({ archive, ...secret }),
        bridge().archive.list({ archive, limit: 500, ...secret }),
      ]);
      setInfo(i);
      setList(l);
      if (!target && home) setTarget(defaultExtractTarget(home, archive, l));
    } catch (err) {
      setError(err);
    }
  };
  // Load once per opened archive (the component is keyed by its path).
  useEffect(() => {
    void load();
  }, []);
  // The inspector opens below the page's other cards: bring it into view and move the focus to its title.
  const box = useRef<HTMLDivElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  // Once its contents are in (before that, the page may be too short to scroll it up).
  const shown = info !== undefined || error !== undefined;
  useEffect(() => {
    if (!shown) return;
    box.current?.scrollIntoView({ block: 'start' });
    box.current?.querySelector<HTMLElement>('h2 [tabindex="-1"]')?.focus({ preventScroll: true });
  }, [shown]);

  const run = async (what: 'verify' | 'extract') => {
    setBusy(what);
    try {
      const ref =
        what === 'verify'
          ? await bridge().archive.verify({ archive, ...secret })
          : await bridge().archive.extract({ archive, target, existing: 'overwrite', ...secret });
      setJobIds((ids) => [ref.job, ...ids]);
    } catch (err) {
      toast('error', errorLine(err));
    } finally {
      setBusy('');
    }
  };

  return (
    <div ref={box} className="scroll-target">
      <Card
        title={
          <span className="ellipsis mono" title={archive} tabIndex={-1}>
            {archive.split(/[\\/]/).pop()}
          </span>
        }
        actions={
          <button type="button" className="small" onClick={onClose}>
            Close
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
                  placeholder="password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  aria-label="archive password"
                  autoFocus
                />
                <button type="submit">Unlock</button>
              </form>
            )}
          </div>
        )}
        {info && (
          <div className="stack">
            <div className="grid stats">
              <div className="stat">
                <div className="stat-label">Files</div>
                <div className="stat-value" data-testid="archive-files">
                  {info.files}
                </div>
              </div>
              <div className="stat">
                <div className="stat-label">Content</div>
                <div className="stat-value">{formatBytes(info.bytes)}</div>
              </div>
              <div className="stat">
                <div className="stat-label">On disk</div>
                <div className="stat-value">{formatBytes(info.archiveBytes)}</div>
              </div>
              <div className="stat">
                <div className="stat-label">Chunks</div>
                <div className="stat-value">{info.chunks}</div>
              </div>
            </div>
            <dl className="kv">
              <dt>Path</dt>
              <dd className="mono">{info.archive}</dd>
              <dt>Merkle root</dt>
              <dd className="mono">{info.merkleRoot}</dd>
              <dt>Encryption</dt>
              <dd>{info.encrypted ? <Badge status="done">encrypted</Badge> : <Badge status="idle">none</Badge>}</dd>
            </dl>
            <div className="form-grid">
              <Field label="Extract to" hint="A folder on the engine's machine; existing files are overwritten.">
                <input value={target} onChange={(e) => setTarget(e.target.value)} data-testid="extract-target" />
              </Field>
              <div className="row">
                <button
                  type="button"
                  className="primary"
                  disabled={!target || busy === 'extract'}
                  onClick={() => void run('extract')}
                  data-testid="extract"
                >
                  Extract
                </button>
                <button
                  type="button"
                  disabled={busy === 'verify'}
                  onClick={() => void run('verify')}
                  data-testid="verify"
                >
                  Verify
                </button>
                {downloadUrl && (
                  <a className="button" href={downloadUrl} download>
                    Download
                  </a>
                )}
              </div>
            </div>
            {ownJobs.map((j) => (
              <JobRow key={j.id} job={j} />
            ))}
            {list && (
              <div className="table-wrap">
                <table data-testid="archive-entries">
                  <thead>
                    <tr>
                      <th>Path</th>
                      <th className="hide-phone">Type</th>
                      <th className="num">Size</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.entries.map((e) => (
                      <tr key={e.path}>
                        <td className="mono" style={{ overflowWrap: 'anywhere' }}>
                          {e.path}
                        </td>
                        <td className="hide-phone muted">{e.type}</td>
                        <td className="num">{e.type === 'file' ? formatBytes(e.size) : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {list.total > list.entries.length && (
                  <p className="muted small">
                    Showing {list.entries.length} of {list.total} entries.
                  </p>
                )}
              </div>
            )}
          </div>
        )}
      </Card>
    </div>
  );
}
