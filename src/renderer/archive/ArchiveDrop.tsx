/**
 * Where new archives start: a drop zone and pickers, with the options a new archive takes (compression level,
 * optional password), and the upload's progress with a cancel in web mode. Desktop mode archives dropped
 * paths in place (the preload resolves File → path); web mode uploads the files to the daemon, which
 * archives them (browsers give no paths).
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { CompressionLevel } from '../../shared/bridge.ts';
import { filesFromDataTransfer, filesFromList, type Picked } from '../components/drop-files.ts';
import { Card, Field, ProgressBar } from '../components/ui.tsx';
import { formatBytes, formatPercent } from '../format.ts';
import { useT } from '../i18n/index.ts';
import { useApp } from '../store/app.ts';

export interface NewArchiveOptions {
  level: CompressionLevel;
  password?: string;
}

export interface Upload {
  name: string;
  sent: number;
  total: number;
  files: number;
}

export function ArchiveDrop({
  onFiles,
  upload,
  onCancelUpload,
  pickSignal,
}: {
  onFiles: (picked: Picked, options: NewArchiveOptions) => void;
  upload: Upload | undefined;
  onCancelUpload: () => void;
  /** Changes when the "New Archive" command runs: open the folder picker. */
  pickSignal?: number;
}) {
  const mode = useApp((s) => s.mode);
  const [over, setOver] = useState(false);
  const [level, setLevel] = useState<CompressionLevel>('balanced');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const mismatch = password !== '' && password !== repeat;
  const t = useT();
  useEffect(() => {
    if (pickSignal) folderInput.current?.click();
  }, [pickSignal]);
  const options = (): NewArchiveOptions => ({ level, ...(password ? { password } : {}) });
  const take = (picked: Picked) => {
    if (!mismatch) onFiles(picked, options());
  };

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    take(await filesFromDataTransfer(e.dataTransfer));
  };
  return (
    <>
      <div
        className={`dropzone ${over ? 'over' : ''}`}
        data-testid="dropzone"
        onDragEnter={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = mismatch ? 'none' : 'copy';
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => void onDrop(e)}
      >
        <div className="dropzone-icon" aria-hidden>
          ⇣
        </div>
        <div className="dropzone-title">{t('drop.title')}</div>
        <div className="muted">{mode === 'web' ? t('drop.hintWeb') : t('drop.hintDesktop')}</div>
        <div className="row">
          <button type="button" disabled={mismatch} onClick={() => filesInput.current?.click()}>
            {t('drop.chooseFiles')}
          </button>
          <button type="button" disabled={mismatch} onClick={() => folderInput.current?.click()}>
            {t('drop.chooseFolder')}
          </button>
        </div>
        <input
          ref={filesInput}
          type="file"
          multiple
          className="visually-hidden"
          tabIndex={-1}
          aria-label={t('drop.chooseFilesLabel')}
          data-testid="pick-files"
          onChange={(e) => {
            take({ files: filesFromList(e.target.files), dirs: [] });
            e.target.value = '';
          }}
        />
        <input
          ref={folderInput}
          type="file"
          multiple
          className="visually-hidden"
          tabIndex={-1}
          aria-label={t('drop.chooseFolderLabel')}
          data-testid="pick-folder"
          {...{ webkitdirectory: '' }}
          onChange={(e) => {
            take({ files: filesFromList(e.target.files), dirs: [] });
            e.target.value = '';
          }}
        />
      </div>
      <OptionsForm
        level={level}
        setLevel={setLevel}
        password={password}
        setPassword={setPassword}
        repeat={repeat}
        setRepeat={setRepeat}
      />
      {upload && <UploadCard upload={upload} onCancel={onCancelUpload} />}
    </>
  );
}

function OptionsForm(p: {
  level: CompressionLevel;
  setLevel: (l: CompressionLevel) => void;
  password: string;
  setPassword: (s: string) => void;
  repeat: string;
  setRepeat: (s: string) => void;
}) {
  const t = useT();
  return (
    <div className="form-grid new-archive-options" data-testid="new-archive-options">
      <Field label={t('drop.compression')} hint={t('drop.compressionHint')}>
        <select
          value={p.level}
          onChange={(e) => p.setLevel(e.target.value as CompressionLevel)}
          data-testid="new-level"
        >
          <option value="fast">{t('drop.level.fast')}</option>
          <option value="balanced">{t('drop.level.balanced')}</option>
          <option value="max">{t('drop.level.max')}</option>
        </select>
      </Field>
      <Field label={t('drop.password')} hint={t('drop.passwordHint')}>
        <input
          type="password"
          autoComplete="new-password"
          value={p.password}
          onChange={(e) => p.setPassword(e.target.value)}
          data-testid="new-password"
        />
      </Field>
      {p.password !== '' && (
        <Field label={t('drop.repeat')} hint={p.repeat !== p.password ? t('drop.differ') : t('drop.matches')}>
          <input
            type="password"
            autoComplete="new-password"
            value={p.repeat}
            onChange={(e) => p.setRepeat(e.target.value)}
            aria-invalid={p.repeat !== p.password}
            data-testid="new-password-repeat"
          />
        </Field>
      )}
    </div>
  );
}

function UploadCard({ upload, onCancel }: { upload: Upload; onCancel: () => void }) {
  const t = useT();
  return (
    <Card
      title={t('drop.uploading', { name: upload.name })}
      testId="upload"
      actions={
        <button type="button" className="small" onClick={onCancel} data-testid="cancel-upload">
          {t('job.cancel')}
        </button>
      }
    >
      <ProgressBar value={upload.sent} total={upload.total} label={t('drop.uploadProgress')} />
      <div className="job-meta" style={{ marginTop: 6 }}>
        <span>
          {formatBytes(upload.sent)} / {formatBytes(upload.total)}
        </span>
        <span>{t('verify.files', { count: upload.files })}</span>
        <span>{formatPercent(upload.sent, upload.total)}</span>
      </div>
    </Card>
  );
}
