/** Which entries an extract touches: everything, or the named paths and everything under them. */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { isWithin } from '../model/entry-paths.ts';
import type { Manifest } from '../model/manifest.ts';

export function selectEntries(m: Manifest, paths: string[] | undefined, what: string): number[] {
  const all = Array.from({ length: m.entryCount }, (_, i) => i);
  if (!paths || paths.length === 0) return all;
  const wanted = paths.map((p) => p.replace(/\/+$/, '').replace(/^\.\//, ''));
  for (const p of wanted) {
    if (m.indexOfPath(p) < 0)
      throw new WarpError(ErrorCodes.NOT_IN_ARCHIVE, `'${p}' is not in ${what} (see: warp archive list ${what})`, {
        details: { path: p },
      });
  }
  return all.filter((i) => wanted.some((w) => isWithin(m.entry(i).path, w)));
}
