/**
 * Turning a drop (or a picker) into files with their relative paths. Browsers give no paths, so folders are
 * walked through the File System entries API (DataTransferItem.webkitGetAsEntry); a synthetic drop built from
 * plain File objects (no entries) still works through dataTransfer.files.
 */
export interface PickedFile {
  /** Relative path inside what was dropped, '/'-separated: "photos/2024/a.jpg". */
  path: string;
  file: File;
}

/** A folder of a drop, so empty ones reach the archive; its time where the browser tells it. */
export interface PickedDir {
  path: string;
  mtimeMs?: number;
}

export interface Picked {
  files: PickedFile[];
  dirs: PickedDir[];
}

export async function filesFromDataTransfer(dt: DataTransfer): Promise<Picked> {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
  }
  if (entries.length > 0) {
    const out: Picked = { files: [], dirs: [] };
    for (const e of entries) await walk(e, '', out);
    return out;
  }
  return { files: filesFromList(dt.files), dirs: [] };
}

/** From an <input type=file> (webkitdirectory gives webkitRelativePath) or dataTransfer.files. */
export function filesFromList(list: FileList | null): PickedFile[] {
  return Array.from(list ?? []).map((file) => ({
    path: (file.webkitRelativePath || file.name).replace(/^\/+/, ''),
    file,
  }));
}

export async function walk(entry: FileSystemEntry, prefix: string, out: Picked): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.files.push({ path, file });
  } else if (entry.isDirectory) {
    out.dirs.push({ path, ...(await folderTime(entry)) });
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns at most ~100 entries per call: keep reading until it returns none.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, path, out);
    }
  }
}

/**
 * A folder's modification time: Chromium's entries still answer the old getMetadata(); where a browser does
 * not, the folder is archived with the time of the upload, not a made-up one.
 */
function folderTime(entry: FileSystemEntry): Promise<{ mtimeMs?: number }> {
  const legacy = entry as FileSystemEntry & {
    getMetadata?: (ok: (m: { modificationTime?: Date }) => void, fail: () => void) => void;
  };
  if (typeof legacy.getMetadata !== 'function') return Promise.resolve({});
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve({}), 2000);
    legacy.getMetadata!(
      (m) => {
        clearTimeout(t);
        const ms = m.modificationTime?.getTime();
        resolve(ms !== undefined && Number.isFinite(ms) && ms >= 0 ? { mtimeMs: Math.floor(ms) } : {});
      },
      () => {
        clearTimeout(t);
        resolve({});
      },
    );
  });
}

/** A name for the archive: the dropped folder's name, the single file's stem, or "archive". */
export function archiveNameFor(files: readonly PickedFile[]): string {
  const tops = new Set(files.map((f) => f.path.split('/')[0]));
  const base = tops.size === 1 ? [...tops][0] : 'archive';
  return (
    base
      .replace(/\.[^.]+$/, '')
      .replace(/[^\w.-]+/g, '-')
      .slice(0, 80) || 'archive'
  );
}
