/**
 * The versions folder: where a mirror send, a fetch --delete and sync put the files they delete or replace,
 * inside the tree's own root (`<root>/.warp-versions/`, the same file system, so keeping a version is one
 * atomic rename and never a copy). A version keeps its folder path and gets the time it was kept in its name,
 * before the extension, as Syncthing does: `docs/report~20261207-141502.txt` (a counter when that exists).
 * Walks never enter the folder (ignore/matcher.ts leaves it out), so it is never sent or synced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fromSystemError } from '../core/errors.ts';
import { VERSIONS_DIR } from '../ignore/matcher.ts';

export { VERSIONS_DIR };

/** `20261207-141502` in UTC. */
export function versionStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** The name a version of `rel` kept at `ms` gets, relative to the versions folder. */
export function versionName(rel: string, ms: number, n = 0): string {
  const dir = path.posix.dirname(rel);
  const base = path.posix.basename(rel);
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  const name = `${stem}~${versionStamp(ms)}${n > 0 ? `-${n}` : ''}${ext}`;
  return dir === '.' ? name : `${dir}/${name}`;
}

/** Parses a version's name back: the original relative path and when it was kept, or undefined when it is not one. */
export function parseVersionName(vrel: string): { rel: string; keptAtMs: number } | undefined {
  const m = /^(.*)~(\d{8})-(\d{6})(?:-\d+)?(\.[^./]*)?$/.exec(vrel);
  if (!m) return undefined;
  const [, stem, d, t, ext] = m;
  const ms = Date.UTC(
    +d.slice(0, 4),
    +d.slice(4, 6) - 1,
    +d.slice(6, 8),
    +t.slice(0, 2),
    +t.slice(2, 4),
    +t.slice(4, 6),
  );
  return Number.isFinite(ms) ? { rel: `${stem}${ext ?? ''}`, keptAtMs: ms } : undefined;
}

/**
 * Moves `<root>/<rel>` (a file or a symlink) into the versions folder; returns the version's path relative to
 * the versions folder. The parent folders are created as needed.
 */
export function keepVersion(root: string, rel: string, nowMs: number): string {
  const from = path.join(root, ...rel.split('/'));
  const { vrel, abs: to } = freeVersionPath(root, rel, nowMs);
  try {
    fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
    fs.renameSync(from, to);
  } catch (e) {
    throw fromSystemError(e, from, 'write');
  }
  return vrel;
}

/** The first version name of `rel` at `nowMs` not taken yet: relative to the versions folder and absolute. */
export function freeVersionPath(root: string, rel: string, nowMs: number): { vrel: string; abs: string } {
  for (let n = 0; ; n++) {
    const vrel = versionName(rel, nowMs, n);
    const abs = path.join(root, VERSIONS_DIR, ...vrel.split('/'));
    if (!fs.existsSync(abs)) return { vrel, abs };
  }
}

/** `2026-11-24T03:50:12.345Z` -> `20261124T035012Z` */
export function conflictStamp(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** The name the losing copy of `rel` gets; `taken` says which names exist already (a counter is appended then). */
export function conflictName(rel: string, epochMs: number, taken: (rel: string) => boolean = () => false): string {
  const base = `${rel}.conflict-${conflictStamp(epochMs)}`;
  let name = base;
  for (let n = 2; taken(name); n++) name = `${base}-${n}`;
  return name;
}
