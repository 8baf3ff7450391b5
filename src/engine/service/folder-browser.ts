/**
 * The daemon-side folder browser behind the web UI's path pickers: one folder's folders (and files, when
 * asked) at a time, sorted, bounded to BROWSE_LIMIT entries. It lists what the daemon's user may read, which
 * is no more than the daemon can already archive or send; the API's authentication guards it like the rest.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowseEntryDto, BrowseRequest, BrowseResult } from '../../shared/bridge.ts';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';

export const BROWSE_LIMIT = 5000;

export async function browseFolder(req: BrowseRequest): Promise<BrowseResult> {
  const home = os.homedir();
  const dir = path.resolve(req.path ?? home);
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(dir);
  } catch (e) {
    throw fromSystemError(e, dir, 'read');
  }
  if (!st.isDirectory()) throw new WarpError(ErrorCodes.USAGE, `${dir} is not a folder`, { details: { status: 400 } });
  const entries: BrowseEntryDto[] = [];
  let truncated = false;
  let handle: fs.Dir;
  try {
    handle = await fs.promises.opendir(dir, { bufferSize: 256 });
  } catch (e) {
    throw fromSystemError(e, dir, 'read');
  }
  for await (const d of handle) {
    const type = await kindOf(dir, d);
    if (type === undefined || (type === 'file' && !req.files)) continue;
    if (entries.length >= BROWSE_LIMIT) {
      truncated = true;
      break; // leaving the loop closes the handle
    }
    entries.push(type === 'dir' ? { name: d.name, type } : { name: d.name, type, size: await sizeOf(dir, d.name) });
  }
  entries.sort((a, b) => (a.type !== b.type ? (a.type === 'dir' ? -1 : 1) : a.name.localeCompare(b.name)));
  const parent = path.dirname(dir);
  return { path: dir, ...(parent !== dir ? { parent } : {}), home, sep: path.sep, entries, truncated };
}

/** A folder or a file; a link counts as what it points to (a broken one is left out). */
async function kindOf(dir: string, d: fs.Dirent): Promise<'dir' | 'file' | undefined> {
  if (d.isDirectory()) return 'dir';
  if (d.isFile()) return 'file';
  if (!d.isSymbolicLink()) return undefined;
  try {
    const st = await fs.promises.stat(path.join(dir, d.name));
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

async function sizeOf(dir: string, name: string): Promise<number> {
  try {
    return (await fs.promises.stat(path.join(dir, name))).size;
  } catch {
    return 0;
  }
}
