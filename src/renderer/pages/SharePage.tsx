/**
 * Share: drop files or folders (or name paths on the engine's machine) to get an end-to-end encrypted link and its
 * QR code; anyone with the link opens it in a browser, no Warp needed. The list shows every share's state,
 * downloads, bytes served and last access, with pause, resume, extend and revoke. The link is shown once: its
 * key is stored nowhere, not even here.
 */
import { useCallback, useEffect, useRef, useState, type DragEvent, type RefObject } from 'react';
import type { ShareCreatedDto, ShareDto, ShareOptionsDto } from '../../shared/bridge.ts';
import { bridge } from '../bridge/index.ts';
import { topOf } from '../archive/archive-paths.ts';
import { filesFromDataTransfer, filesFromList, type PickedFile } from '../components/drop-files.ts';
import { QrCode } from '../components/QrCode.tsx';
import { Card, Empty, ErrorNote, Field, PageHeader, ProgressBar } from '../components/ui.tsx';
import { formatBytes, formatPercent } from '../format.ts';
import { t as translate, useT } from '../i18n/index.ts';
import { useApp } from '../store/app.ts';
import { ShareTable } from './share/ShareTable.tsx';

const EXPIRIES: Array<{ label: 'never' | 'hour' | 'day' | 'week' | 'month'; seconds?: number }> = [
  { label: 'never' },
  { label: 'hour', seconds: 3600 },
  { label: 'day', seconds: 86_400 },
  { label: 'week', seconds: 7 * 86_400 },
  { label: 'month', seconds: 30 * 86_400 },
];
/** How often the list is read again while the page is open (downloads and bytes served move by themselves). */
const REFRESH_MS = 3000;

export function SharePage() {
  const t = useT();
  const [shares, setShares] = useState<ShareDto[]>();
  const [listError, setListError] = useState<unknown>();
  const [created, setCreated] = useState<ShareCreatedDto>();
  const load = useCallback(async () => {
    try {
      setShares(await bridge().shares.list());
      setListError(undefined);
    } catch (err) {
      setListError(err);
    }
  }, []);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);
  return (
    <>
      <PageHeader title={t('pages.share')} subtitle={t('share.subtitle')} />
      <div className="stack">
        <NewShare
          onCreated={(c) => {
            setCreated(c);
            void load();
          }}
        />
        {created && <LinkReady created={created} onDone={() => setCreated(undefined)} />}
        <Card title={t('share.list')} testId="share-list">
          {listError !== undefined && <ErrorNote error={listError} />}
          {listError !== undefined ? null : !shares?.length ? (
            <Empty icon="⤴" title={t('share.emptyTitle')}>
              {t('share.emptyBody')}
            </Empty>
          ) : (
            <ShareTable shares={shares} onChanged={() => void load()} />
          )}
        </Card>
      </div>
    </>
  );
}

interface Upload {
  sent: number;
  total: number;
}

/** Desktop: the dropped top-level items are shared in place; web mode uploads them to the daemon first. */
function shareDropped(
  files: PickedFile[],
  options: ShareOptionsDto,
  onUpload: (u: Upload) => void,
): Promise<ShareCreatedDto> {
  if (files.length === 0) throw new Error(translate('share.nothingDropped'));
  const b = bridge();
  const abs = b.pathForFile ? files.map((f) => b.pathForFile!(f.file)) : [];
  if (abs.length === files.length && abs.every(Boolean))
    return b.shares.create({ paths: [...new Set(files.map((f, i) => topOf(abs[i], f.path)))], ...options });
  if (!b.shares.upload) throw new Error(translate('share.cannotUpload'));
  onUpload({ sent: 0, total: files.reduce((s, f) => s + f.file.size, 0) });
  return b.shares.upload({ files: files.map((f) => ({ path: f.path, blob: f.file })), ...options }, (sent, total) =>
    onUpload({ sent, total }),
  );
}

/** The drop zone, the path field and the options of a new share. */
function NewShare({ onCreated }: { onCreated: (c: ShareCreatedDto) => void }) {
  const t = useT();
  const mode = useApp((s) => s.mode);
  const [paths, setPaths] = useState('');
  const [expiry, setExpiry] = useState(0);
  const [maxDownloads, setMax] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [upload, setUpload] = useState<Upload>();
  const [error, setError] = useState<unknown>();

  const options = (): ShareOptionsDto => ({
    expiresSeconds: EXPIRIES[expiry].seconds,
    maxDownloads: maxDownloads ? Number(maxDownloads) : undefined,
    password: password || undefined,
    // In the browser the link names the address this page was reached at (what the opener can reach too).
    base: mode === 'web' ? location.origin : undefined,
  });
  const run = async (make: () => Promise<ShareCreatedDto>) => {
    setError(undefined);
    setBusy(true);
    try {
      onCreated(await make());
      setPaths('');
      setPassword('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setUpload(undefined);
    }
  };
  const shareFiles = (files: PickedFile[]) => run(() => shareDropped(files, options(), setUpload));
  const sharePaths = () =>
    run(() =>
      bridge().shares.create({
        paths: paths
          .split('\n')
          .map((p) => p.trim())
          .filter(Boolean),
        ...options(),
      }),
    );

  return (
    <Card title={t('share.newShare')} testId="share-new">
      <div className="stack" style={{ gap: 12 }}>
        <ShareDrop busy={busy} onFiles={(f) => void shareFiles(f)} />
        {upload && (
          <div data-testid="share-upload">
            <ProgressBar value={upload.sent} total={upload.total} label={t('share.uploadProgress')} />
            <span className="muted small">
              {formatBytes(upload.sent)} / {formatBytes(upload.total)} · {formatPercent(upload.sent, upload.total)}
            </span>
          </div>
        )}
        <form
          className="stack"
          style={{ gap: 12 }}
          onSubmit={(e) => {
            e.preventDefault();
            void sharePaths();
          }}
        >
          <div className="form-grid">
            <Field label={t('share.paths')}>
              <textarea
                rows={2}
                value={paths}
                onChange={(e) => setPaths(e.target.value)}
                placeholder={t('share.pathsExample')}
                data-testid="share-paths"
              />
            </Field>
            <Field label={t('share.expires')}>
              <select value={expiry} onChange={(e) => setExpiry(Number(e.target.value))} data-testid="share-expiry">
                {EXPIRIES.map((x, i) => (
                  <option key={x.label} value={i}>
                    {t(`share.expiry.${x.label}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('share.limit')} hint={t('share.limitHint')}>
              <input
                type="number"
                min={1}
                value={maxDownloads}
                onChange={(e) => setMax(e.target.value)}
                data-testid="share-max"
              />
            </Field>
            <Field label={t('share.password')} hint={t('share.passwordHint')}>
              <input
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                data-testid="share-password"
              />
            </Field>
          </div>
          <div className="row">
            <span className="spacer" />
            <button type="submit" className="primary" disabled={busy || !paths.trim()} data-testid="share-submit">
              {busy ? t('share.encrypting') : t('share.create')}
            </button>
          </div>
        </form>
        {error !== undefined && <ErrorNote error={error} />}
      </div>
    </Card>
  );
}

/** Where files and folders are dropped (or picked) to be shared. */
function ShareDrop({ busy, onFiles }: { busy: boolean; onFiles: (f: PickedFile[]) => void }) {
  const t = useT();
  const mode = useApp((s) => s.mode);
  const [over, setOver] = useState(false);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  return (
    <div
      className={`dropzone ${over ? 'over' : ''}`}
      data-testid="share-dropzone"
      onDragEnter={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e: DragEvent) => {
        e.preventDefault();
        setOver(false);
        void filesFromDataTransfer(e.dataTransfer).then((p) => onFiles(p.files));
      }}
    >
      <div className="dropzone-icon" aria-hidden>
        ⤴
      </div>
      <div className="dropzone-title">{t('share.dropTitle')}</div>
      <div className="muted">{mode === 'web' ? t('share.dropWeb') : t('share.dropDesktop')}</div>
      <div className="row">
        <button type="button" disabled={busy} onClick={() => filesInput.current?.click()}>
          {t('share.chooseFiles')}
        </button>
        <button type="button" disabled={busy} onClick={() => folderInput.current?.click()}>
          {t('share.chooseFolder')}
        </button>
      </div>
      <Pickers files={filesInput} folder={folderInput} onPick={onFiles} />
    </div>
  );
}

function Pickers({
  files,
  folder,
  onPick,
}: {
  files: RefObject<HTMLInputElement | null>;
  folder: RefObject<HTMLInputElement | null>;
  onPick: (f: PickedFile[]) => void;
}) {
  const t = useT();
  return (
    <>
      <input
        ref={files}
        type="file"
        multiple
        className="visually-hidden"
        tabIndex={-1}
        aria-label={t('share.pickFiles')}
        data-testid="share-pick-files"
        onChange={(e) => {
          onPick(filesFromList(e.target.files));
          e.target.value = '';
        }}
      />
      <input
        ref={folder}
        type="file"
        multiple
        className="visually-hidden"
        tabIndex={-1}
        aria-label={t('share.pickFolder')}
        data-testid="share-pick-folder"
        {...{ webkitdirectory: '' }}
        onChange={(e) => {
          onPick(filesFromList(e.target.files));
          e.target.value = '';
        }}
      />
    </>
  );
}

/** The new link, once: copy it or scan it. */
function LinkReady({ created, onDone }: { created: ShareCreatedDto; onDone: () => void }) {
  const t = useT();
  const toast = useApp((s) => s.toast);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.link);
      toast('info', t('share.copied'));
    } catch {
      toast('error', t('share.copyFailed'));
    }
  };
  const s = created.share;
  return (
    <Card
      title={t('share.ready')}
      testId="share-link"
      data={{ id: s.id }}
      actions={
        <button type="button" className="small" onClick={onDone}>
          {t('share.done')}
        </button>
      }
    >
      <div className="row" style={{ alignItems: 'flex-start', gap: 18, flexWrap: 'wrap' }}>
        <QrCode value={created.link} label={t('share.qr')} />
        <div className="stack" style={{ gap: 8, flex: 1, minWidth: 240 }}>
          <label className="field">
            <span className="field-label">{t('share.link')}</span>
            <input
              readOnly
              className="mono"
              value={created.link}
              data-testid="share-link-text"
              onFocus={(e) => e.target.select()}
            />
          </label>
          <div className="row">
            <button type="button" className="primary" onClick={() => void copy()}>
              {t('share.copy')}
            </button>
          </div>
          <p className="muted small">
            {t('share.readyFiles', { count: s.files, bytes: formatBytes(s.totalBytes) })}
            {s.password ? t('share.readyPassword') : ''}. {t('share.readyOnce')}
          </p>
        </div>
      </div>
    </Card>
  );
}
