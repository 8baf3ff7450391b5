import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanInputs } from '../../src/engine/archive/walk.ts';
import { isWarpError } from '../../src/engine/core/errors.ts';
import { IgnoreRules, patternProblem, presetPatterns } from '../../src/engine/ignore/index.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

const walk = (root: string, rules?: IgnoreRules): string[] => {
  const s = scanInputs([root], undefined, rules);
  const out: string[] = [];
  for (let i = 0; i < s.count; i++) out.push(s.rel(i).slice(path.basename(root).length + 1));
  return out.filter((r) => r !== '');
};

function tree(): string {
  const root = path.join(tmpDir('warp-ignore-'), 'proj');
  writeTree(root, {
    '.warpignore': '# build output\n*.log\n!keep.log\n/top-only.txt\ncache/\n',
    'a.log': 'x',
    'keep.log': 'x',
    'top-only.txt': 'x',
    'src/top-only.txt': 'x',
    'src/main.c': 'x',
    'src/cache/blob': 'x',
    'src/cache.txt': 'x',
    'src/deep/x.log': 'x',
    'src/deep/.warpignore': '!x.log\n*.tmp\n',
    'src/deep/y.tmp': 'x',
    '.git/HEAD': 'x',
    'node_modules/m/index.js': 'x',
    '.DS_Store': 'x',
    'notes.txt.swp': 'x',
    '.warp-versions/old': 'x',
  });
  return root;
}

describe('ignore rules (one matcher for every walk)', () => {
  it('gitignore semantics in .warpignore: negation, anchoring, folder-only patterns, deeper files win', () => {
    const got = walk(tree());
    expect(got).toContain('keep.log');
    expect(got).not.toContain('a.log');
    expect(got).not.toContain('top-only.txt'); // anchored: only at the root
    expect(got).toContain('src/top-only.txt');
    expect(got).not.toContain('src/cache'); // folder-only pattern
    expect(got).not.toContain('src/cache/blob');
    expect(got).toContain('src/cache.txt');
    expect(got).toContain('src/deep/x.log'); // re-included by the deeper .warpignore
    expect(got).not.toContain('src/deep/y.tmp');
    expect(got).toContain('.warpignore');
    expect(got).not.toContain('.warp-versions'); // the versions folder is never part of a tree
    expect(got).toContain('.git/HEAD'); // presets are opt-in
  });

  it('presets, --exclude patterns and --exclude-from files; counts what was left out', () => {
    const root = tree();
    const from = path.join(path.dirname(root), 'excludes.txt');
    fs.writeFileSync(from, 'src/main.c\n');
    const rules = IgnoreRules.compile({ presets: ['junk'], patterns: ['*.txt'], patternFiles: [from] });
    const s = scanInputs([root], undefined, rules);
    const got = walk(root, rules);
    for (const gone of [
      '.git',
      '.git/HEAD',
      'node_modules',
      '.DS_Store',
      'notes.txt.swp',
      'src/cache.txt',
      'src/main.c',
    ])
      expect(got).not.toContain(gone);
    expect(got).toContain('keep.log');
    expect(s.ignored).toBeGreaterThanOrEqual(8);
    // .warpignore files win over the job's patterns (git: .gitignore over core.excludesFile)
    const neg = walk(root, IgnoreRules.compile({ patterns: ['keep.log'] }));
    expect(neg).toContain('keep.log');
    // --no-warpignore: only the job's rules
    const plain = walk(root, IgnoreRules.compile({ warpignore: false }));
    expect(plain).toContain('a.log');
  });

  it('excludesPath checks the folders above (watcher events)', () => {
    const root = tree();
    const m = IgnoreRules.compile({ presets: ['vcs'] }).forRoot(root);
    expect(m.excludesPath('.git/objects/ab/cdef', false)).toBe(true);
    expect(m.excludesPath('src/cache/blob', false)).toBe(true);
    expect(m.excludesPath('src/deep/x.log', false)).toBe(false);
    expect(m.excludesPath('src/deep/z.tmp', false)).toBe(true);
    expect(m.relOf(path.join(root, 'src', 'main.c'))).toBe('src/main.c');
    expect(m.relOf(path.dirname(root))).toBeUndefined();
  });

  it('invalid patterns are E_IGNORE_INVALID naming the file and the line', () => {
    for (const [p, want] of [
      ['[abc', /never closed/],
      ['foo\\', /lone backslash/],
      ['!', /nothing follows/],
      ['x[z-a]', /backwards/],
    ] as const) {
      expect(patternProblem(p), p).toMatch(want);
    }
    for (const ok of ['', '# c', '\\[literal', '[]]x', '[!a]b', 'a\\\\', '**/x', 'x\\ ', '[a-z]*'])
      expect(patternProblem(ok), ok).toBeUndefined();
    const root = tree();
    fs.writeFileSync(path.join(root, 'src', '.warpignore'), '*.o\n\n# fine\nbuild/[abc\n');
    let err: unknown;
    try {
      scanInputs([root]);
    } catch (e) {
      err = e;
    }
    expect(isWarpError(err, 'E_IGNORE_INVALID')).toBe(true);
    expect((err as Error).message).toContain(`${path.join(root, 'src', '.warpignore')}:4:`);
    expect(() => IgnoreRules.compile({ patterns: ['ok', 'bad\\'] })).toThrow(/--exclude pattern:2/);
    expect(() => IgnoreRules.compile({ presets: ['nope'] })).toThrow(/unknown ignore preset 'nope'/);
    expect(() => IgnoreRules.compile({ patternFiles: ['/nonexistent/x'] })).toThrow(/does not exist/);
  });

  it('presets name each pattern once; junk is all of them', () => {
    const all = presetPatterns(['junk', 'vcs']);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining(['.git/', 'node_modules/', '.DS_Store', '*.swp']));
  });
});
