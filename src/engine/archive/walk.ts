/**
 * Enumerates the inputs of `archive create` into entries, depth-first in byte order of names so the same
 * tree always gives the same manifest. Symlinks are recorded, never followed. Each input becomes a
 * top-level entry named by its basename (like `tar c dir`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { EntryType } from './manifest.ts';

export interface ScannedEntry {
  rel: string;
  abs: string;
  type: EntryType;
  mode: number;
  mtimeMs: number;
  size: number;
  linkTarget?: string;
}

export interface ScanResult {
  entries: ScannedEntry[];
  totalBytes: number;
  fileCount: number;
  skipped: Array<{ path: string; reason: string }>;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function toEntry(abs: string, rel: string, st: fs.Stats): ScannedEntry | undefined {
  const common = { rel, abs, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs };
  if (st.isFile()) return { ...common, type: EntryType.FILE, size: st.size };
  if (st.isDirectory()) return { ...common, type: EntryType.DIR, size: 0 };
  if (st.isSymbolicLink()) return { ...common, type: EntryType.SYMLINK, size: 0, linkTarget: fs.readlinkSync(abs) };
  return undefined; // sockets, FIFOs, devices: not archived
}

/** `exclude` says which absolute paths never to enter (the archive being written, its temporary file). */
export function scanInputs(inputs: string[], exclude: (abs: string) => boolean = () => false): ScanResult {
  if (inputs.length === 0) throw new WarpError(ErrorCodes.USAGE, 'nothing to archive: give at least one file or directory');
  const entries: ScannedEntry[] = [];
  const skipped: ScanResult['skipped'] = [];
  const tops = new Set<string>();
  let totalBytes = 0;
  let fileCount = 0;

  const visit = (abs: string, rel: string): void => {
    if (exclude(abs)) return;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch (e) {
      throw fromSystemError(e, abs, 'read');
    }
    const entry = toEntry(abs, rel, st);
    if (!entry) {
      skipped.push({ path: rel, reason: 'not a regular file, directory or symlink' });
      return;
    }
    entries.push(entry);
    if (entry.type === EntryType.FILE) {
      totalBytes += entry.size;
      fileCount++;
    } else if (entry.type === EntryType.DIR) {
      let names: string[];
      try {
        names = fs.readdirSync(abs);
      } catch (e) {
        throw fromSystemError(e, abs, 'read');
      }
      names.sort(byName);
      for (const n of names) visit(path.join(abs, n), `${rel}/${n}`);
    }
  };

  for (const input of inputs) {
    const abs = path.resolve(input);
    const top = path.basename(abs);
    if (top === '' || top === '.' || top === '..') throw new WarpError(ErrorCodes.USAGE, `cannot archive '${input}' (it has no name); archive its contents instead`);
    if (tops.has(top)) throw new WarpError(ErrorCodes.USAGE, `two inputs have the same name '${top}': archive them from a common parent directory instead`);
    tops.add(top);
    visit(abs, top);
  }
  return { entries, totalBytes, fileCount, skipped };
}
