import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { listFiles, tmpDir, writeTree } from '../helpers/tmp.ts';
import { peerIdOf, startListener } from '../transfer/peers.ts';

function setup(): { dir: string; src: string; home: string } {
  const dir = tmpDir('warp-ignore-cli-');
  const src = path.join(dir, 'proj');
  writeTree(src, {
    '.warpignore': '*.log\n',
    'app.log': 'x',
    'main.c': 'int main;\n',
    'doc/readme.md': '# hi\n',
    '.git/HEAD': 'ref',
    'node_modules/m/index.js': 'x',
    '.main.c.swp': 'x',
  });
  return { dir, src, home: path.join(dir, 'home') };
}

describe('ignore rules from the CLI', () => {
  it('archive create --dry-run lists what would be archived, with --json, and writes nothing', () => {
    const { dir, src, home } = setup();
    const r = warp(['archive', 'create', src, '--dry-run', '--preset', 'vcs,editor', '--exclude', 'node_modules/'], {
      home,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'proj/',
      'proj/.warpignore',
      'proj/doc/',
      'proj/doc/readme.md',
      'proj/main.c',
    ]);
    expect(r.stderr).toMatch(/dry run: 3 files .* 4 left out by ignore rules/);
    const j = warp(['--json', 'archive', 'create', src, '-n'], { home });
    expect(j.json.at(-1)).toMatchObject({ type: 'result', dryRun: true, files: 6, ignored: 1 });
    expect(fs.readdirSync(dir).sort()).toEqual(['proj']);
  });

  it('archive create leaves out what the rules say; extract gets only the rest', () => {
    const { dir, src, home } = setup();
    const a = path.join(dir, 'p.warp');
    const c = warp(['archive', 'create', src, '-o', a, '--preset', 'junk'], { home });
    expect(c.status, c.stderr).toBe(0);
    const out = path.join(dir, 'out');
    expect(warp(['archive', 'extract', a, '-C', out], { home }).status).toBe(0);
    expect(listFiles(path.join(out, 'proj')).sort()).toEqual(['.warpignore', 'doc', 'doc/readme.md', 'main.c']);
  });

  it('an invalid pattern in a .warpignore is exit 2 with E_IGNORE_INVALID naming the file and line', () => {
    const { src, home } = setup();
    fs.writeFileSync(path.join(src, 'doc', '.warpignore'), '# ok\n*.tmp\n[oops\n');
    const r = warp(['archive', 'create', src, '--dry-run'], { home });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${path.join(src, 'doc', '.warpignore')}:3: invalid ignore pattern '[oops'`);
    const j = warp(['--json', 'send', src, '127.0.0.1:1', '--dry-run'], { home });
    expect(j.status).toBe(2);
    expect(j.stdout + j.stderr).toContain('E_IGNORE_INVALID');
    const x = warp(['archive', 'create', path.join(src, 'main.c'), '-n', '--exclude', 'a\\'], { home });
    expect(x.status).toBe(2);
    expect(x.stderr).toContain('--exclude pattern:1');
  });

  it('send --dry-run lists without dialling; send --exclude leaves paths out on the peer; plan counts the same files', async () => {
    const { dir, src, home } = setup();
    const d = warp(['send', src, '127.0.0.1:9:/x', '--dry-run', '--preset', 'junk'], { home });
    expect(d.status, d.stderr).toBe(0);
    expect(d.stdout).toContain('proj/main.c');
    expect(d.stdout).not.toContain('.git');
    const homeB = path.join(dir, 'homeB');
    const root = path.join(dir, 'root');
    fs.mkdirSync(root);
    const l = await startListener(homeB, root, ['--allow', peerIdOf(home)]);
    const s = warp(
      ['send', src, `${l.addr}:/in`, '--preset', 'vcs', '--exclude', 'node_modules/', '--exclude', '.*.swp'],
      { home },
    );
    expect(s.status, s.stderr).toBe(0);
    expect(listFiles(path.join(root, 'in', 'proj')).sort()).toEqual(['.warpignore', 'doc', 'doc/readme.md', 'main.c']);
    const p = warp(
      ['--json', 'plan', src, `${l.addr}:/in`, '--preset', 'vcs', '--exclude', 'node_modules/', '--exclude', '.*.swp'],
      { home },
    );
    expect(p.status, p.stderr).toBe(0);
    expect(p.json.at(-1)).toMatchObject({ files: 3, unchangedFiles: 3 });
  });
});
