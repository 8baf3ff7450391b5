/**
 * The share page's UI: opens the share named by the address (key from the fragment), lists the files with
 * sizes, and saves one file or all of them. Saving streams to disk through the File System Access API where
 * the browser has it: one file through a save dialog (committed only once all its parts verified; a failure
 * aborts the write), the whole share into a folder, resumable after a failure or a reload (folder-save.ts).
 * Elsewhere one file, or the whole share as a streamed zip (zip.ts), is gathered into a Blob built of Blobs: the
 * verified parts go into the browser's blob storage (which pages to disk) as they arrive, so the tab's own
 * memory stays bounded, and the download is offered only once every part verified (a failure saves nothing).
 */
import { OpenShare, ShareError, type Entry } from './share-core.ts';
import { saveAllInto, type DirHandle, type FileHandle, type SaveCounts, type Writable } from './folder-save.ts';
import { ZipWriter } from './zip.ts';
import { serveChunkJobs } from './chunk-pool.ts';

type Picker = {
  showSaveFilePicker?: (o: { suggestedName: string }) => Promise<FileHandle>;
  showDirectoryPicker?: (o: { mode: string }) => Promise<DirHandle>;
};

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function size(n: number): string {
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${u[i]}`;
}

function status(text: string, kind: 'info' | 'error' | 'done' = 'info'): void {
  const s = $('status');
  s.textContent = text;
  s.dataset.kind = kind;
}

async function streamTo(share: OpenShare, e: Entry, w: Writable, onBytes: (n: number) => void): Promise<void> {
  try {
    for await (const part of share.file(e)) {
      await w.write(part);
      onBytes(part.length);
    }
    await w.close();
  } catch (err) {
    await w.abort().catch(() => undefined);
    throw err;
  }
}

/** How many verified bytes the tab holds before handing them to the browser's blob storage. */
const BLOB_BATCH = 8 * 1024 * 1024;

/** Parts gathered into a Blob of Blobs: each batch leaves the tab's heap for the browser's blob storage. */
class BlobSink {
  private blob = new Blob([]);
  private pending: BlobPart[] = [];
  private pendingBytes = 0;

  write(part: Uint8Array): void {
    this.pending.push(part as Uint8Array<ArrayBuffer>);
    this.pendingBytes += part.length;
    if (this.pendingBytes >= BLOB_BATCH) this.flush();
  }

  private flush(): void {
    this.blob = new Blob([this.blob, ...this.pending]);
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Offers the gathered bytes as a download named `name`. */
  save(name: string, type: string): void {
    this.flush();
    const url = URL.createObjectURL(new Blob([this.blob], { type }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}

async function saveOne(share: OpenShare, e: Entry, onBytes: (n: number) => void): Promise<void> {
  const name = e.p.split('/').pop()!;
  const picker = window as unknown as Picker;
  if (picker.showSaveFilePicker) {
    const handle = await picker.showSaveFilePicker({ suggestedName: name });
    await streamTo(share, e, await handle.createWritable(), onBytes);
    return;
  }
  const sink = new BlobSink();
  for await (const part of share.file(e)) {
    sink.write(part);
    onBytes(part.length);
  }
  sink.save(name, 'application/octet-stream');
}

async function* counted(parts: AsyncIterable<Uint8Array>, onBytes: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const p of parts) {
    onBytes(p.length);
    yield p;
  }
}

/** The zip's name: the share's one top-level name, else "share". */
function zipName(entries: Entry[]): string {
  const tops = new Set(entries.map((e) => e.p.split('/')[0]));
  return `${tops.size === 1 ? [...tops][0] : 'share'}.zip`;
}

/** The whole share as one stored zip (folders and files; links are left out: zips carry them unportably). */
async function saveZip(share: OpenShare, onBytes: (n: number) => void): Promise<void> {
  const zip = new ZipWriter();
  const sink = new BlobSink();
  const entries = share.manifest.entries;
  for (const e of entries) {
    if (e.t === 1) for (const b of zip.dir(e.p, e.mt)) sink.write(b);
    if (e.t !== 0) continue;
    for await (const b of zip.file(e.p, e.s, e.mt, counted(share.file(e), onBytes))) sink.write(b);
  }
  for (const b of zip.finish()) sink.write(b);
  sink.save(zipName(entries), 'application/zip');
}

async function saveAll(share: OpenShare, files: Entry[], onBytes: (n: number) => void): Promise<SaveCounts> {
  const root = await (window as unknown as Picker).showDirectoryPicker!({ mode: 'readwrite' });
  return saveAllInto(share, files, root, onBytes);
}

function render(share: OpenShare): void {
  const m = share.manifest;
  const files = m.entries.filter((e) => e.t === 0);
  $('summary').textContent =
    `${files.length} file${files.length === 1 ? '' : 's'}, ${size(m.totalBytes)}. Decrypted and checked in this browser: the server only ever had ciphertext.`;
  const list = $('files');
  let done = 0;
  let busy = false;
  const t0 = performance.now();
  const progress =
    (total: number) =>
    (n: number): void => {
      done += n;
      const secs = (performance.now() - t0) / 1000;
      status(`Saving… ${size(done)} of ${size(total)} (${(done / 1e6 / Math.max(secs, 1e-3)).toFixed(1)} MB/s)`);
    };
  const run = async (what: () => Promise<SaveCounts | void>, total: number): Promise<void> => {
    if (busy) return;
    busy = true;
    done = 0;
    try {
      const reused = (await what())?.reused ?? 0;
      const kept = reused > 0 ? ` (${size(reused)} of it was already in the folder from an earlier try)` : '';
      status(`Saved ${size(total)}, every part verified${kept}.`, 'done');
    } catch (err) {
      if ((err as DOMException).name === 'AbortError') status('Cancelled.');
      else status(err instanceof ShareError ? err.message : `Saving failed: ${String(err)}`, 'error');
    } finally {
      busy = false;
    }
  };
  for (const e of files) {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = e.p;
    const sz = document.createElement('span');
    sz.className = 'size';
    sz.textContent = size(e.s);
    const b = document.createElement('button');
    b.textContent = 'Save';
    b.dataset.path = e.p;
    b.onclick = () => void run(() => saveOne(share, e, progress(e.s)), e.s);
    li.append(name, sz, b);
    list.append(li);
  }
  const all = $<HTMLButtonElement>('save-all');
  if (files.length > 0) {
    all.hidden = false;
    if ((window as unknown as Picker).showDirectoryPicker)
      all.onclick = () => void run(() => saveAll(share, files, progress(m.totalBytes)), m.totalBytes);
    else {
      all.textContent = 'Save all as a .zip';
      all.onclick = () => void run(() => saveZip(share, progress(m.totalBytes)), m.totalBytes);
    }
  }
  document.body.dataset.state = 'ready';
}

/** Shows the password form and resolves with what the user typed. */
function askPassword(): Promise<string> {
  const form = $<HTMLFormElement>('password-form');
  form.hidden = false;
  document.body.dataset.state = 'password';
  $<HTMLInputElement>('password').focus();
  return new Promise((resolve) => {
    form.onsubmit = (ev) => {
      ev.preventDefault();
      form.hidden = true;
      resolve($<HTMLInputElement>('password').value);
    };
  });
}

async function start(): Promise<void> {
  const base = location.pathname.replace(/\/+$/, '');
  let password: string | undefined;
  for (;;) {
    try {
      status(password === undefined ? 'Opening the share…' : 'Checking the password…');
      const share = await OpenShare.open(base, location.hash, password);
      status('Ready.');
      render(share);
      (window as unknown as { warpShare: OpenShare }).warpShare = share;
      return;
    } catch (err) {
      if (err instanceof ShareError && err.kind === 'password') {
        status(err.message, password === undefined ? 'info' : 'error');
        password = await askPassword();
        continue;
      }
      status(err instanceof ShareError ? err.message : `The share could not be opened: ${String(err)}`, 'error');
      document.body.dataset.state = 'error';
      return;
    }
  }
}

// The same script runs as the page and, started by ChunkPool, as its workers.
if (typeof document === 'undefined') serveChunkJobs();
else void start();
