/** Paths and names the Archive page works out: where a new archive goes, where an extract lands. */
import type { ArchiveCreateResultDto } from '../../shared/bridge.ts';
import { bridge } from '../bridge/index.ts';
import type { JobView } from '../store/jobs.ts';
import type { ArchiveTree } from './archive-tree.ts';

export function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

export function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/**
 * Never replace an archive by dropping a folder of the same name again: when `<home>/archives/<name>.warp` is
 * in the library or answers archive.info with anything but not-found, the new one gets a date-time suffix.
 */
export async function freeArchiveName(
  name: string,
  home: string | undefined,
  known: readonly string[],
): Promise<string> {
  if (!home) return name;
  const candidate = joinPath(joinPath(home, 'archives'), `${name}.warp`);
  if (!known.includes(candidate)) {
    try {
      await bridge().archive.info({ archive: candidate });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'E_INPUT_NOT_FOUND' || code === 'NOT_FOUND') return name;
    }
  }
  const d = new Date();
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${name}-${d.getFullYear()}${p2(d.getMonth() + 1)}${p2(d.getDate())}-${p2(d.getHours())}${p2(d.getMinutes())}${p2(d.getSeconds())}`;
}

/**
 * Where "Extract" puts an archive by default: `<home>/extracted` when everything in it sits in one top folder
 * (it lands as extracted/<folder>, never extracted/<folder>/<folder>), else a folder named after the archive.
 */
export function defaultExtractTarget(home: string, archive: string, tree: ArchiveTree): string {
  const base = joinPath(home, 'extracted');
  const oneFolder = tree.roots.length === 1 && tree.nodes[tree.roots[0]].type === 'dir';
  return oneFolder ? base : joinPath(base, baseName(archive).replace(/\.warp$/i, ''));
}

/** A dropped item's top-level path: absPath ends with relPath; strip all but relPath's first segment. */
export function topOf(absPath: string, relPath: string): string {
  const rest = relPath.split('/').slice(1).join('/');
  return rest && absPath.replace(/\\/g, '/').endsWith('/' + rest)
    ? absPath.slice(0, absPath.length - rest.length - 1)
    : absPath;
}

/** The archive a finished create job made, to open from its row. */
export function openable(j: JobView): string | undefined {
  if (j.status !== 'done' || (j.kind !== 'archive.create' && j.kind !== 'archive.upload')) return undefined;
  const r = j.result as Partial<ArchiveCreateResultDto> | undefined;
  return r?.archive ?? j.archive;
}
