/**
 * A path input with a "Browse…" button: a native dialog in the desktop app (bridge.pickPath), the daemon-side
 * folder browser in web mode (fs.browse), since a browser cannot see the daemon's file system.
 */
import { useEffect, useRef, useState } from 'react';
import type { BrowseResult } from '../../shared/bridge.ts';
import { bridge } from '../bridge/index.ts';
import { formatBytes } from '../format.ts';
import { ErrorNote } from './ui.tsx';
import { useT } from '../i18n/index.ts';

export type PickKind = 'folder' | 'file' | 'any';

export interface PathFieldProps {
  value: string;
  onChange: (v: string) => void;
  kind: PickKind;
  /** Accessible name of the text field; the button is "Browse for <label>". */
  label: string;
  /** File extensions (no dot) a file pick offers. */
  extensions?: string[];
  placeholder?: string;
  testId?: string;
  /** Called after a path was chosen in a dialog (not on typing): e.g. open the archive picked. */
  onPick?: (v: string) => void;
  /** Changes when a command asks for the picker (the "Open Archive" shortcut). */
  browseSignal?: number;
  /** The text field's id (a <label htmlFor> elsewhere names it). */
  id?: string;
}

export function PathField(props: PathFieldProps) {
  const { value, onChange, kind, label, extensions, placeholder, testId, onPick, browseSignal, id } = props;
  const [browsing, setBrowsing] = useState(false);
  const t = useT();
  const browse = async () => {
    const b = bridge();
    if (b.pickPath) {
      const p = await b.pickPath({
        kind: kind === 'file' ? 'file' : 'folder',
        ...(value.startsWith('/') || /^[A-Za-z]:\\/.test(value) ? { defaultPath: value } : {}),
        ...(extensions ? { extensions } : {}),
      });
      if (p) {
        onChange(p);
        onPick?.(p);
      }
    } else setBrowsing(true);
  };
  useEffect(() => {
    if (browseSignal) void browse();
  }, [browseSignal]);
  return (
    <div className="row path-field">
      <input
        id={id}
        style={{ flex: 1 }}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-label={label}
        placeholder={placeholder}
        data-testid={testId}
      />
      <button type="button" onClick={() => void browse()} aria-label={t('path.browseFor', { label })}>
        {t('path.browse')}
      </button>
      {browsing && (
        <FolderBrowser
          kind={kind}
          start={value}
          extensions={extensions}
          title={t('path.choose', { label })}
          onPick={(p) => {
            setBrowsing(false);
            onChange(p);
            onPick?.(p);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
    </div>
  );
}

/** The daemon's file system, one folder at a time, in a modal dialog (focus kept inside; Escape closes). */
export function FolderBrowser(p: {
  kind: PickKind;
  start: string;
  extensions?: string[];
  title: string;
  onPick: (path: string) => void;
  onClose: () => void;
}) {
  const box = useRef<HTMLDialogElement>(null);
  const [at, setAt] = useState<BrowseResult>();
  const [error, setError] = useState<unknown>();
  const open = async (path: string | undefined) => {
    try {
      setAt(await bridge().fs.browse({ ...(path ? { path } : {}), files: p.kind !== 'folder' }));
      setError(undefined);
    } catch (err) {
      // A typed path that is not a folder: start at its folder, else at home.
      if (path && !at) return open(undefined);
      setError(err);
    }
  };
  useEffect(() => {
    box.current?.showModal();
    void open(p.start.trim() || undefined);
  }, []);
  const join = (name: string) => (at!.path.endsWith(at!.sep) ? at!.path + name : at!.path + at!.sep + name);
  const shown = at?.entries.filter(
    (e) => e.type === 'dir' || !p.extensions || p.extensions.some((x) => e.name.toLowerCase().endsWith(`.${x}`)),
  );
  const t = useT();
  return (
    <dialog ref={box} className="folder-browser" onClose={p.onClose} aria-label={p.title} data-testid="folder-browser">
      <div className="card-head">
        <h2>{p.title}</h2>
        <button type="button" className="small" onClick={() => box.current?.close()}>
          {t('inspector.close')}
        </button>
      </div>
      <div className="row">
        <button type="button" className="small" disabled={!at?.parent} onClick={() => void open(at?.parent)}>
          {t('path.up')}
        </button>
        <button type="button" className="small" disabled={!at} onClick={() => void open(at?.home)}>
          {t('path.home')}
        </button>
        <span className="mono ellipsis" style={{ flex: 1 }} data-testid="browser-path" title={at?.path}>
          {at?.path ?? '…'}
        </span>
      </div>
      {error !== undefined && <ErrorNote error={error} />}
      <ul className="browser-list" aria-label={t('path.contents')}>
        {shown?.map((e) => (
          <li key={e.name}>
            <button
              type="button"
              className="browser-entry"
              onClick={() => (e.type === 'dir' ? void open(join(e.name)) : p.onPick(join(e.name)))}
            >
              <span aria-hidden>{e.type === 'dir' ? '▸' : '·'}</span>
              <span className="mono ellipsis">{e.name}</span>
              {e.type === 'file' && <span className="muted small">{formatBytes(e.size ?? 0)}</span>}
            </button>
          </li>
        ))}
        {shown?.length === 0 && <li className="muted small">{t('path.empty')}</li>}
      </ul>
      {at?.truncated && <p className="muted small">{t('path.truncated', { count: at.entries.length })}</p>}
      {p.kind !== 'file' && (
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" className="primary" disabled={!at} onClick={() => at && p.onPick(at.path)}>
            {t('path.chooseFolder')}
          </button>
        </div>
      )}
    </dialog>
  );
}
