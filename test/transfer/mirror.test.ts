import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepVersion, parseVersionName, versionName } from '../../src/engine/transfer/versions.ts';
import {
  listVersions,
  pruneVersions,
  restoreVersion,
  versionsToDrop,
} from '../../src/engine/transfer/versions-keep.ts';
import { mirrorOptionsOf } from '../../src/engine/transfer/mirror.ts';
import { WIRE } from '../../src/engine/net/wire.ts';
import { warp } from '../helpers/cli.ts';
import { listFiles, tmpDir, writeTree } from '../helpers/tmp.ts';
import { peerIdOf, startListener } from './peers.ts';

const files = (root: string): string[] =>
  listFiles(root).filter((p) => !fs.lstatSync(path.join(root, p)).isDirectory());

describe('versions folder names', () => {
  it('put the time before the extension and parse back', () => {
    const ms = Date.UTC(2026, 11, 7, 14, 15, 2);
    expect(versionName('docs/report.txt', ms)).toBe('docs/report~20261207-141502.txt');
    expect(versionName('.bashrc', ms, 2)).toBe('.bashrc~20261207-141502-2');
    expect(versionName('a.tar.gz', ms)).toBe('a.tar~20261207-141502.gz');
    for (const rel of ['docs/report.txt', '.bashrc', 'a.tar.gz', 'x/y/noext']) {
      expect(parseVersionName(versionName(rel, ms, 1))).toEqual({ rel, keptAtMs: ms });
    }
    expect(parseVersionName('plain.txt')).toBeUndefined();
  });

  it('mirror options from a peer are checked by the wire schema', () => {
    const push = WIRE['/warp/ctl/1.0.0'].requests.push.header;
    const base = { sid: 'ab'.repeat(8), root: '0'.repeat(64) };
    expect(mirrorOptionsOf(push.parse({ ...base }, 'push', false).mirror)).toBeUndefined();
    expect(
      mirrorOptionsOf(push.parse({ ...base, mirror: { versions: false, extra: 1 } }, 'push', false).mirror),
    ).toEqual({ versions: false, patterns: [], warpignore: true });
    expect(() => push.parse({ ...base, mirror: 'yes' }, 'push', false)).toThrow();
    expect(() => push.parse({ ...base, mirror: { patterns: [1] } }, 'push', false)).toThrow();
    expect(() => push.parse({ ...base, mirror: { patterns: new Array(10_001).fill('x') } }, 'push', false)).toThrow();
  });
});

describe('send --delete / fetch --delete between real processes (127.0.0.1)', () => {
  it('makes the destination an exact mirror; removed files go to .warp-versions unless --no-versions; ignored files are kept', async () => {
    const dir = tmpDir('warp-mirror-');
    const homeA = path.join(dir, 'homeA');
    const homeB = path.join(dir, 'homeB');
    const root = path.join(dir, 'root');
    const src = path.join(dir, 'src', 'proj');
    fs.mkdirSync(root, { recursive: true });
    writeTree(src, {
      'a.txt': 'a\n',
      'gone.txt': 'bye\n',
      'sub/b.txt': 'b\n',
      'old/x.txt': 'x\n',
      'old/deeper/y.txt': 'y\n',
      link: { link: 'a.txt' },
      '.warpignore': 'local.cache\n',
    });
    const l = await startListener(homeB, root, ['--allow', peerIdOf(homeA)]);
    const dest = path.join(root, 'in', 'proj');
    expect(warp(['send', src, `${l.addr}:/in`], { home: homeA }).status).toBe(0);
    // Files only the destination has: one the sender's rules leave out (kept), one a sibling tree (never touched).
    fs.writeFileSync(path.join(dest, 'local.cache'), 'peer-only, ignored by the sender\n');
    fs.writeFileSync(path.join(dest, 'build.log'), 'peer-only, excluded by --exclude\n');
    fs.writeFileSync(path.join(root, 'in', 'sibling.txt'), 'outside the mirrored tree\n');
    fs.rmSync(path.join(src, 'gone.txt'));
    fs.rmSync(path.join(src, 'old'), { recursive: true });
    fs.rmSync(path.join(src, 'link'));
    fs.writeFileSync(path.join(src, 'new.txt'), 'new\n');

    // Without --delete nothing is removed.
    const plain = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA });
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.json.at(-1)!.mirror).toBeUndefined();
    expect(fs.existsSync(path.join(dest, 'gone.txt'))).toBe(true);

    const s = warp(['send', src, `${l.addr}:/in`, '--delete', '--exclude', '*.log'], { home: homeA });
    expect(s.status, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/removed 4 files and 2 folders \(kept in \.warp-versions\/\), 2 ignored kept/);
    expect(
      files(dest)
        .filter((p) => !p.startsWith('.warp-versions'))
        .sort(),
    ).toEqual(['.warpignore', 'a.txt', 'build.log', 'local.cache', 'new.txt', 'sub/b.txt']);
    expect(fs.readFileSync(path.join(root, 'in', 'sibling.txt'), 'utf8')).toContain('outside');
    const kept = files(path.join(dest, '.warp-versions')).sort();
    expect(kept.map((v) => parseVersionName(v)?.rel).sort()).toEqual([
      'gone.txt',
      'link',
      'old/deeper/y.txt',
      'old/x.txt',
    ]);
    expect(
      fs.readFileSync(
        path.join(
          dest,
          '.warp-versions',
          kept.find((k) => k.startsWith('gone'))!,
        ),
        'utf8',
      ),
    ).toBe('bye\n');

    // A second mirror send changes nothing and does not send the versions folder back.
    const again = warp(['--json', 'send', src, `${l.addr}:/in`, '--delete', '--exclude', '*.log'], { home: homeA });
    expect(again.json.at(-1)!.mirror).toMatchObject({ deletedFiles: 0, deletedDirs: 0 });

    // fetch --delete --no-versions: the local copy becomes the peer's tree, removed files are gone for good.
    const out = path.join(dir, 'out');
    expect(warp(['fetch', `${l.addr}:/in/proj`, out], { home: homeA }).status).toBe(0);
    fs.writeFileSync(path.join(out, 'proj', 'stale.txt'), 'stale\n');
    const f = warp(['--json', 'fetch', `${l.addr}:/in/proj`, out, '--delete', '--no-versions'], { home: homeA });
    expect(f.status, f.stderr).toBe(0);
    expect(f.json.at(-1)!.mirror).toMatchObject({ deletedFiles: 1, versioned: 0 });
    expect(fs.existsSync(path.join(out, 'proj', 'stale.txt'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'proj', '.warp-versions'))).toBe(false);

    // --delete with an archive destination is a usage error, not silently ignored.
    const bad = warp(['send', src, path.join(dir, 'x.warp'), '--delete'], { home: homeA });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--delete works between peers/);
    await l.stop();
  }, 90_000);
});

describe('versions retention and restore', () => {
  const H = 3_600_000;
  const D = 24 * H;
  const v = (p: string, ageMs: number, now: number, size = 10) => ({
    version: versionName(p, now - ageMs),
    path: p,
    keptAtMs: now - ageMs,
    size,
  });

  it('trash-can drops by age, then the oldest until the size cap holds', () => {
    const now = Date.UTC(2026, 11, 7, 12);
    const list = [v('a', 1 * H, now), v('b', 2 * D, now), v('c', 40 * D, now)].sort((x, y) => y.keptAtMs - x.keptAtMs);
    expect(
      versionsToDrop(list, { kind: 'trash-can', maxAgeMs: 30 * D, maxBytes: 1e9 }, now).map((x) => x.path),
    ).toEqual(['c']);
    expect(versionsToDrop(list, { kind: 'trash-can', maxAgeMs: 30 * D, maxBytes: 10 }, now).map((x) => x.path)).toEqual(
      ['b', 'c'],
    );
  });

  it('staggered keeps one version per interval, sparser with age', () => {
    const now = Date.UTC(2026, 11, 7, 12);
    // Ten versions of one file within the last 5 minutes (30 s apart = all kept), four 10 minutes apart 2-3 days ago (one kept per day).
    const recent = Array.from({ length: 10 }, (_, i) => v('f', i * 30_000, now));
    const older = Array.from({ length: 4 }, (_, i) => v('f', 2 * D + i * 10 * 60_000, now));
    const list = [...recent, ...older].sort((x, y) => y.keptAtMs - x.keptAtMs);
    const drop = versionsToDrop(list, { kind: 'staggered', maxAgeMs: 365 * D, maxBytes: 1e12 }, now);
    expect(drop.length).toBe(3);
    expect(drop.every((x) => now - x.keptAtMs > D)).toBe(true);
  });

  it('simple keeps the newest count versions of each file (and none past the age limit)', () => {
    const now = Date.UTC(2026, 11, 7, 12);
    const list = [
      ...Array.from({ length: 6 }, (_, i) => v('f', (i + 1) * H, now)),
      v('g', H, now),
      v('g', 2 * H, now),
      v('old', 40 * D, now),
    ].sort((x, y) => y.keptAtMs - x.keptAtMs);
    const drop = versionsToDrop(list, { kind: 'simple', count: 3, maxAgeMs: 30 * D, maxBytes: 1e12 }, now);
    expect(drop.map((x) => `${x.path}@${(now - x.keptAtMs) / H}h`).sort()).toEqual([
      'f@4h',
      'f@5h',
      'f@6h',
      'old@960h',
    ]);
    // Without a count: 5 per file.
    expect(versionsToDrop(list, { kind: 'simple', maxAgeMs: 30 * D, maxBytes: 1e12 }, now).length).toBe(2);
  });

  it('prune removes files and empty folders; restore puts a version back and keeps what it replaces', () => {
    const root = tmpDir('warp-versions-');
    const now = Date.UTC(2026, 11, 7, 12);
    writeTree(root, { 'doc.txt': 'current\n', 'deep/x.txt': 'x1\n' });
    keepVersion(root, 'deep/x.txt', now - 40 * D);
    fs.writeFileSync(path.join(root, 'doc.txt.tmp'), 'old doc\n');
    fs.renameSync(path.join(root, 'doc.txt.tmp'), path.join(root, 'old.txt'));
    const kept = keepVersion(root, 'old.txt', now - H);
    expect(listVersions(root).map((x) => x.path)).toEqual(['old.txt', 'deep/x.txt']);
    expect(pruneVersions(root, { kind: 'trash-can', maxAgeMs: 30 * D, maxBytes: 1e9 }, now)).toEqual({
      removed: 1,
      bytes: 3,
    });
    expect(fs.existsSync(path.join(root, '.warp-versions', 'deep'))).toBe(false);
    const r = restoreVersion(root, kept, now, 'doc.txt');
    expect(r.path).toBe('doc.txt');
    expect(fs.readFileSync(path.join(root, 'doc.txt'), 'utf8')).toBe('old doc\n');
    expect(listVersions(root).map((x) => x.version)).toEqual([r.replacedKeptAs]);
    expect(() => restoreVersion(root, '../etc/passwd~20260101-000000', now)).toThrow(/not a version/);
    expect(() => restoreVersion(root, 'nope~20260101-000000.txt', now)).toThrow(/no version/);
  });
});
