import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warp, warpBytes } from '../helpers/cli.ts';
import { readTree, tmpDir, writeTree } from '../helpers/tmp.ts';

function fixture(): { dir: string; home: string; src: string } {
  const dir = tmpDir();
  const home = path.join(dir, 'home');
  const src = path.join(dir, 'data');
  writeTree(src, {
    'logs/app.log': '{"level":"info","msg":"served"}\n'.repeat(20000),
    'blobs/r.bin': crypto.randomBytes(300_000),
    'blobs/r-copy.bin': crypto.randomBytes(0),
    'empty-dir': null,
    link: { link: 'logs/app.log' },
  });
  fs.copyFileSync(path.join(src, 'blobs/r.bin'), path.join(src, 'blobs/r-copy.bin'));
  return { dir, home, src };
}

describe('warp archive (CLI)', () => {
  it('create -> list -> info -> verify -> extract, with --json results', () => {
    const { dir, home, src } = fixture();
    const a = path.join(dir, 'x.warp');
    const c = warp(['--json', 'archive', 'create', src, '-o', a, '--chunk-avg', '64KiB'], { home });
    expect(c.status, c.stderr).toBe(0);
    const res = c.json.at(-1)!;
    expect(res.type).toBe('result');
    expect(res.files).toBe(3);
    expect(res.dedupRatio as number).toBeGreaterThan(1.3);
    expect(c.json.some((e) => e.type === 'archive.start')).toBe(true);

    const l = warp(['--json', 'archive', 'list', a], { home });
    expect(l.status).toBe(0);
    expect(l.json.map((e) => e.path)).toContain('data/logs/app.log');
    expect(l.json.find((e) => e.path === 'data/link')?.linkTarget).toBe('logs/app.log');

    const i = warp(['--json', 'archive', 'info', a], { home });
    expect(i.json[0].cipher).toBe('none');
    expect((i.json[0].chunking as { avgSize: number }).avgSize).toBe(65536);
    expect(warp(['archive', 'info', a], { home }).stdout).toMatch(/dedup\s+\d/);

    const v = warp(['archive', 'verify', a], { home });
    expect(v.status).toBe(0);
    expect(v.stderr).toMatch(/^ok:/m);

    const out = path.join(dir, 'out');
    const x = warp(['archive', 'extract', a, '-C', out], { home });
    expect(x.status, x.stderr).toBe(0);
    expect(readTree(path.join(out, 'data'))).toEqual(readTree(src));

    const again = warp(['archive', 'extract', a, '-C', out], { home });
    expect(again.status).toBe(6);
    expect(again.stderr).toMatch(/E_OUTPUT_EXISTS.*--overwrite/);
    expect(warp(['archive', 'extract', a, '-C', out, '--skip'], { home }).status).toBe(0);
  });

  it('encrypted with a password file; wrong password exits 4 with a clear message', () => {
    const { dir, home, src } = fixture();
    const pw = path.join(dir, 'pw');
    fs.writeFileSync(pw, 'open sesame\n');
    const bad = path.join(dir, 'bad');
    fs.writeFileSync(bad, 'open says me\n');
    const a = path.join(dir, 'e.warp');
    expect(warp(['archive', 'create', src, '-o', a, '--password-file', pw], { home }).status).toBe(0);
    const w = warp(['archive', 'list', a, '--password-file', bad], { home });
    expect(w.status).toBe(4);
    expect(w.stderr).toMatch(/E_WRONG_KEY.*wrong password/);
    expect(w.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const none = warp(['archive', 'list', a], { home });
    expect(none.status).toBe(4);
    expect(none.stderr).toMatch(/encrypted: give --password-file/);
    expect(warp(['archive', 'verify', a, '--password-file', pw], { home }).status).toBe(0);
  });

  it('verify names the damaged chunk and the files it affects, exit 3; extract restores the rest', () => {
    const { dir, home, src } = fixture();
    const a = path.join(dir, 'd.warp');
    expect(warp(['archive', 'create', src, '-o', a], { home }).status).toBe(0);
    const buf = fs.readFileSync(a);
    buf[96 + 10] ^= 0xff; // inside the first chunk's data
    fs.writeFileSync(a, buf);
    const v = warp(['--json', 'archive', 'verify', a], { home });
    expect(v.status).toBe(3);
    const r = v.json.at(-1)!;
    expect(r.ok).toBe(false);
    // The first stored unit is damaged: every chunk in it is named (small files share a unit, format 2).
    const badChunks = r.badChunks as Array<{ chunk: number; files: string[] }>;
    expect(badChunks.length).toBeGreaterThanOrEqual(1);
    expect(badChunks[0].chunk).toBe(0);
    expect(badChunks[0].files.length).toBeGreaterThan(0);
    expect(v.stderr).toMatch(/DAMAGED/);
    const out = path.join(dir, 'out');
    const x = warp(['archive', 'extract', a, '-C', out], { home });
    expect(x.status).toBe(3);
    expect(x.stderr).toMatch(/could not be restored/);
    const damaged = badChunks.flatMap((b) => b.files);
    for (const p of damaged) expect(fs.existsSync(path.join(out, p))).toBe(false);
    // Files not using a damaged chunk were restored intact.
    const intact = ['data/logs/app.log', 'data/blobs/r.bin'].filter((p) => !damaged.includes(p));
    for (const p of intact)
      expect(fs.readFileSync(path.join(out, p)).equals(fs.readFileSync(path.join(dir, p)))).toBe(true);
  });

  it('writes to a pipe with -o - and the result verifies', () => {
    const { dir, home, src } = fixture();
    const r = warpBytes(['archive', 'create', src, '-o', '-'], home);
    expect(r.status, r.stderr).toBe(0);
    const a = path.join(dir, 'piped.warp');
    fs.writeFileSync(a, r.stdout);
    expect(warp(['archive', 'verify', a], { home }).status).toBe(0);
  });

  it('send/fetch shortcuts for local paths', () => {
    const { dir, home, src } = fixture();
    const a = path.join(dir, 's.warp');
    expect(warp(['send', src, a], { home }).status).toBe(0);
    const out = path.join(dir, 'fetched');
    expect(warp(['fetch', a, out], { home }).status).toBe(0);
    expect(readTree(path.join(out, 'data'))).toEqual(readTree(src));
  });

  it('usage errors exit 2; missing input exits 5 naming the path', () => {
    const { dir, home } = fixture();
    expect(warp(['archive', 'create', '-o', path.join(dir, 'z.warp')], { home }).status).toBe(2);
    expect(
      warp(['archive', 'create', path.join(dir, 'x'), '-o', path.join(dir, 'z.warp'), '--level', 'ultra'], { home })
        .status,
    ).toBe(2);
    const m = warp(['archive', 'create', path.join(dir, 'missing'), '-o', path.join(dir, 'z.warp')], { home });
    expect(m.status).toBe(5);
    expect(m.stderr).toContain(path.join(dir, 'missing'));
    expect(fs.existsSync(path.join(dir, 'z.warp'))).toBe(false);
  });
});

describe('warp (CLI surface)', () => {
  it('every command has --help', () => {
    const home = tmpDir();
    const top = warp(['--help'], { home });
    expect(top.status).toBe(0);
    for (const cmd of [
      ['archive', 'create'],
      ['archive', 'extract'],
      ['archive', 'list'],
      ['archive', 'verify'],
      ['archive', 'info'],
      ['send'],
      ['fetch'],
      ['info'],
      ['config', 'show'],
      ['bench', 'local'],
      ['completion'],
    ]) {
      const h = warp([...cmd, '--help'], { home });
      expect(h.status, cmd.join(' ')).toBe(0);
      expect(h.stdout, cmd.join(' ')).toMatch(/Usage: warp/);
    }
  });

  it('info reports native codecs, with --json', () => {
    const i = warp(['--json', 'info'], { home: tmpDir() });
    expect(i.status).toBe(0);
    const codecs = i.json[0].codecs as Record<string, string>;
    expect(codecs.blake3).toMatch(/native/);
    expect(codecs.zstd).toMatch(/node:zlib/);
  });

  it('completion scripts for bash, zsh and fish name the commands', () => {
    const home = tmpDir();
    for (const sh of ['bash', 'zsh', 'fish']) {
      const c = warp(['completion', sh], { home });
      expect(c.status).toBe(0);
      expect(c.stdout).toContain('archive');
      expect(c.stdout).toContain('extract');
    }
    expect(warp(['completion', 'tcsh'], { home }).status).toBe(2);
  });
});
