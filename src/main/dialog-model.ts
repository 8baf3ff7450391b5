/**
 * Native open dialogs, decided here and shown by dialog.ts: what the page may ask for (checked, since it
 * crosses IPC), the Electron options it becomes, and the one path that comes back. Pure, unit-tested.
 */
import path from 'node:path';
import type { PickPathRequest } from '../shared/bridge.ts';

/** The subset of Electron's OpenDialogOptions used (kept structural so this file needs no Electron). */
export interface OpenDialogPlan {
  title: string;
  defaultPath?: string;
  buttonLabel: string;
  properties: Array<'openDirectory' | 'openFile' | 'createDirectory' | 'showHiddenFiles'>;
  filters?: Array<{ name: string; extensions: string[] }>;
}

/** The request, checked: anything odd from the page is refused rather than passed to the OS dialog. */
export function parsePickRequest(raw: unknown): PickPathRequest {
  const r = raw as Partial<PickPathRequest> | null;
  if (typeof r !== 'object' || r === null) throw new TypeError('pickPath needs a request object');
  if (r.kind !== 'folder' && r.kind !== 'file') throw new TypeError("pickPath: kind must be 'folder' or 'file'");
  const out: PickPathRequest = { kind: r.kind };
  if (r.title !== undefined) {
    if (typeof r.title !== 'string' || r.title.length > 200) throw new TypeError('pickPath: title must be short text');
    out.title = r.title;
  }
  if (r.defaultPath !== undefined && r.defaultPath !== '') {
    if (typeof r.defaultPath !== 'string' || r.defaultPath.length > 4096 || !path.isAbsolute(r.defaultPath))
      throw new TypeError('pickPath: defaultPath must be an absolute path');
    out.defaultPath = r.defaultPath;
  }
  if (r.extensions !== undefined) {
    if (!Array.isArray(r.extensions) || r.extensions.length > 20)
      throw new TypeError('pickPath: extensions must be a short list');
    for (const e of r.extensions)
      if (typeof e !== 'string' || !/^[A-Za-z0-9]{1,16}$/.test(e))
        throw new TypeError('pickPath: an extension is letters and digits, no dot');
    out.extensions = r.extensions;
  }
  return out;
}

export function openDialogPlan(req: PickPathRequest): OpenDialogPlan {
  const folder = req.kind === 'folder';
  return {
    title: req.title ?? (folder ? 'Choose a folder' : 'Choose a file'),
    ...(req.defaultPath ? { defaultPath: req.defaultPath } : {}),
    buttonLabel: folder ? 'Choose' : 'Open',
    properties: folder ? ['openDirectory', 'createDirectory'] : ['openFile'],
    ...(!folder && req.extensions?.length
      ? {
          filters: [
            { name: req.extensions.map((e) => `.${e}`).join(', '), extensions: req.extensions },
            { name: 'All files', extensions: ['*'] },
          ],
        }
      : {}),
  };
}

/** Electron's answer: the one chosen path, or undefined when the dialog was cancelled. */
export function pickedPath(result: { canceled: boolean; filePaths: string[] }): string | undefined {
  return result.canceled || result.filePaths.length === 0 ? undefined : result.filePaths[0];
}
