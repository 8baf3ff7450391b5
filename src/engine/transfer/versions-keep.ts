/**
 * What the versions folder holds, how long (the retention policies Syncthing users know), and restoring a version.
 *
 * - trash-can: a version is kept until it is `maxAgeMs` old.
 * - simple: the `count` newest versions of each file are kept (and none past `maxAgeMs`).
 * - staggered: the older a version, the sparser: for each file, one version per 30 s in the first hour, one per
 *   hour in the first day, one per day in the first 30 days, one per week after that, none past `maxAgeMs`.
 * - Both: then the oldest versions go until the folder holds at most `maxBytes`.
 * Pruning removes empty folders it leaves behind. Names are parsed by versions.ts; anything else in the folder
 * (a file a user put there) is listed as unparsed and never removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { VERSIONS_DIR, keepVersion, parseVersionName } from './versions.ts';

export const VERSION_POLICIES = ['trash-can', 'simple', 'staggered'] as const;
export type VersionPolicyKind = (typeof VERSION_POLICIES)[number];

export interface VersionsPolicy {
  kind: VersionPolicyKind;
  maxAgeMs: number;
  maxBytes: number;
  /** simple: versions kept per file (default 5). */
  count?: number;
}

/** Kept 30 days and at most 10 GiB unless a job says otherwise (simple: 5 per file, as Syncthing). */
export const DEFAULT_VERSIONS_POLICY: VersionsPolicy = {
  kind: 'trash-can',
  maxAgeMs: 30 * 24 * 3600_000,
  maxBytes: 10 * 1024 ** 3,
  count: 5,
};

export interface VersionEntry {
  /** Path inside the versions folder ('/'-separated). */
  version: string;
  /** The file's path in the tree. */
  path: string;
  keptAtMs: number;
  size: number;
}

/** Every version under `<root>/.warp-versions`, newest first. */
export function listVersions(root: string): VersionEntry[] {
  const vroot = path.join(root, VERSIONS_DIR);
  const out: VersionEntry[] = [];
  const walk = (abs: string, rel: string): void => {
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw fromSystemError(e, abs, 'read');
    }
    for (const d of names) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        walk(path.join(abs, d.name), r);
        continue;
      }
      const parsed = parseVersionName(r);
      if (!parsed) continue;
      const st = fs.lstatSync(path.join(abs, d.name), { throwIfNoEntry: false });
      out.push({ version: r, path: parsed.rel, keptAtMs: parsed.keptAtMs, size: st?.isFile() ? st.size : 0 });
    }
  };
  walk(vroot, '');
  return out.sort((a, b) => b.keptAtMs - a.keptAtMs || (a.version < b.version ? -1 : 1));
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** [age up to, one version per] for the staggered policy. */
const STAGGER: ReadonlyArray<readonly [number, number]> = [
  [HOUR, 30_000],
  [DAY, HOUR],
  [30 * DAY, DAY],
  [Infinity, 7 * DAY],
];

/** Which versions a policy drops (pure: the caller removes them). */
export function versionsToDrop(list: readonly VersionEntry[], p: VersionsPolicy, nowMs: number): VersionEntry[] {
  const drop = new Set<VersionEntry>();
  for (const v of list) if (nowMs - v.keptAtMs > p.maxAgeMs) drop.add(v);
  if (p.kind === 'simple') {
    const seen = new Map<string, number>();
    for (const v of list) {
      // Newest first: past the first `count` of a file, the rest go.
      const n = (seen.get(v.path) ?? 0) + 1;
      seen.set(v.path, n);
      if (n > (p.count ?? 5)) drop.add(v);
    }
  }
  if (p.kind === 'staggered') {
    const lastKeptByPath = new Map<string, number>();
    // Oldest first per file: a version is kept when it is at least one interval newer than the last one kept.
    for (const v of [...list].reverse()) {
      if (drop.has(v)) continue;
      const age = nowMs - v.keptAtMs;
      const every = STAGGER.find(([upTo]) => age <= upTo)![1];
      const last = lastKeptByPath.get(v.path);
      if (last !== undefined && v.keptAtMs - last < every) drop.add(v);
      else lastKeptByPath.set(v.path, v.keptAtMs);
    }
  }
  let total = list.reduce((s, v) => s + (drop.has(v) ? 0 : v.size), 0);
  for (let i = list.length - 1; i >= 0 && total > p.maxBytes; i--) {
    const v = list[i];
    if (drop.has(v)) continue;
    drop.add(v);
    total -= v.size;
  }
  return list.filter((v) => drop.has(v));
}

/** Applies a policy to `<root>/.warp-versions`; returns how many versions and bytes went. */
export function pruneVersions(root: string, p: VersionsPolicy, nowMs = Date.now()): { removed: number; bytes: number } {
  const gone = versionsToDrop(listVersions(root), p, nowMs);
  const vroot = path.join(root, VERSIONS_DIR);
  const dirs = new Set<string>();
  let bytes = 0;
  for (const v of gone) {
    const abs = path.join(vroot, ...v.version.split('/'));
    try {
      fs.unlinkSync(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw fromSystemError(e, abs, 'write');
    }
    bytes += v.size;
    for (let d = path.posix.dirname(v.version); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(path.join(vroot, ...d.split('/')));
    } catch {
      /* not empty */
    }
  }
  return { removed: gone.length, bytes };
}

/**
 * Puts a version back at its path (or at `as`, relative to the root). A file there now is kept as a version
 * first, so restoring never loses anything.
 */
export function restoreVersion(
  root: string,
  version: string,
  nowMs = Date.now(),
  as?: string,
): { path: string; replacedKeptAs?: string } {
  const parsed = parseVersionName(version);
  if (!parsed || version.split('/').includes('..') || path.isAbsolute(version))
    throw new WarpError(ErrorCodes.USAGE, `'${version}' is not a version name (see the versions list)`);
  const rel = as ?? parsed.rel;
  if (rel.split('/').includes('..') || path.isAbsolute(rel) || rel === '')
    throw new WarpError(ErrorCodes.UNSAFE_PATH, `cannot restore to '${rel}': give a path inside the folder`);
  const from = path.join(root, VERSIONS_DIR, ...version.split('/'));
  if (!fs.lstatSync(from, { throwIfNoEntry: false }))
    throw new WarpError(ErrorCodes.INPUT_NOT_FOUND, `no version '${version}' in ${path.join(root, VERSIONS_DIR)}`);
  const to = path.join(root, ...rel.split('/'));
  let replacedKeptAs: string | undefined;
  const cur = fs.lstatSync(to, { throwIfNoEntry: false });
  if (cur?.isDirectory())
    throw new WarpError(ErrorCodes.OUTPUT_EXISTS, `${to} is a folder; restore the version under another name`);
  if (cur) replacedKeptAs = keepVersion(root, rel, nowMs);
  try {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
  } catch (e) {
    throw fromSystemError(e, to, 'write');
  }
  return { path: rel, ...(replacedKeptAs ? { replacedKeptAs } : {}) };
}
