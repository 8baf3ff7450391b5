/**
 * The README's exit-code table holds for failures a user causes: real `warp` processes are driven with bad
 * input (missing files, bad flags, bad addresses, unreadable paths, bad config, a damaged home) and each must
 * exit with its documented code, never 1 (a bug), and print no stack trace. Also: WARP_HOME is made private.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');
const IS_ROOT = process.getuid?.() === 0;
/** Root reads anything: "unreadable" cases run as nobody then. */
const NOBODY = 65534;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(home: string, args: string[], o: { env?: Record<string, string>; asNobody?: boolean } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, WARP_HOME: home, NO_COLOR: '1', ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(o.asNobody && IS_ROOT ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const t = setTimeout(() => p.kill('SIGKILL'), 45_000);
    p.on('exit', (status) => {
      clearTimeout(t);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A stack trace line (ours or Node's) or the CLI's "internal error" banner. */
const STACK = /\n\s+at .+[(:]\d+|internal error|This is a bug/;

describe('exit codes for failures a user causes (README table)', () => {
  const w = tmpDir('warp-exit-');
  const home = path.join(w, 'home');
  const dir = path.join(w, 'dir');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'a.txt'), 'hello\n');
  fs.writeFileSync(path.join(w, 'garbage.warp'), 'not an archive at all');
  fs.writeFileSync(path.join(w, 'bad.toml'), 'not = [toml\n');
  fs.writeFileSync(path.join(w, 'badval.toml'), '[transfer]\nstreams = "many"\n');
  fs.writeFileSync(path.join(w, 'short.key'), 'abc');
  const archive = path.join(w, 'ok.warp');
  const badIdHome = path.join(w, 'bad-id-home');
  fs.mkdirSync(badIdHome, { mode: 0o700 });
  fs.writeFileSync(path.join(badIdHome, 'identity.key'), 'garbage');
  const peer = '12D3KooWMSj6p8VAeANtc4Jjfi8Ctgxk5kfviJAK3utLPZCdebxT';
  const W = (p: string): string => path.join(w, p);

  // [args, exit code, options]
  const cases: Array<[string[], number, { env?: Record<string, string>; home?: string }?]> = [
    // missing inputs and outputs (5, 6)
    [['archive', 'create', W('missing'), '-o', W('x1.warp')], 5],
    [['archive', 'create', dir, '-o', W('no/such/dir/x.warp')], 5],
    [['archive', 'create', dir, '-o', dir], 6],
    [['archive', 'create', dir, '-o', W('x2.warp'), '--password-file', W('missing')], 5],
    [['archive', 'create', dir, '-o', W('x3.warp'), '--password-file', dir], 5],
    [['archive', 'extract', W('missing.warp')], 5],
    [['archive', 'extract', archive, '-C', path.join(dir, 'a.txt')], 6],
    [['archive', 'info', W('missing.warp')], 5],
    [['send', W('missing'), '127.0.0.1:1:/x'], 5],
    [['listen', '--root', W('missing'), '--port', '0'], 5],
    [['sync', 'add', W('missing'), `${peer}@127.0.0.1:1:/x`], 5],
    // not archives (3), keys (4)
    [['archive', 'list', W('garbage.warp')], 3],
    [['archive', 'verify', W('garbage.warp')], 3],
    [['archive', 'extract', dir], 3],
    [['fetch', W('garbage.warp'), W('out1')], 3],
    [['archive', 'list', archive, '--key-file', W('short.key')], 4],
    [['id'], 4, { home: badIdHome }],
    // bad flags and arguments (2)
    [['archive', 'create', dir, '--bogus'], 2],
    [['archive', 'list'], 2],
    [['archive', 'create', dir, '-o', W('x4.warp'), '--level', 'ultra'], 2],
    [['archive', 'create', dir, '-o', W('x5.warp'), '--chunk-avg', '3'], 2],
    [['listen', '--root', dir, '--port', 'abc'], 2],
    [['daemon', '--port', '99999'], 2],
    [['daemon', '--host', '999.1.1.1', '--port', '0', '--no-listen'], 2],
    [['peers', 'add', 'notapeer'], 2],
    [['peers', 'remove', 'notapeer'], 2],
    [['resume', 'nosuchsession'], 2],
    [['sim', '--edges', 'abc'], 2],
    [['nonsense-command'], 2],
    // bad addresses (2 when malformed, 8 when nothing answers)
    [['fetch', '127.0.0.1:99999:/x', W('out2')], 2],
    [['send', dir, `${peer}@127.0.0.1:1:/x`], 8],
    [['probe', 'no-such-host.invalid'], 8],
    // bad config: file, values, environment (2), a config file that is not there (5)
    [['--config', W('bad.toml'), 'archive', 'create', dir, '-o', W('x6.warp')], 2],
    [['--config', W('badval.toml'), 'send', dir, '127.0.0.1:1:/x'], 2],
    [['--config', W('bad.toml'), 'config', 'check'], 2],
    [['--config', W('missing.toml'), 'archive', 'create', dir, '-o', W('x7.warp')], 5],
    [['send', dir, '127.0.0.1:1:/x'], 2, { env: { WARP_TRANSFER_STREAMS: 'lots' } }],
  ];

  it('each exits with its documented code, with a message and no stack trace', { timeout: 300_000 }, async () => {
    const made = await run(home, ['archive', 'create', dir, '-o', archive]);
    expect(made.status, made.stderr).toBe(0);
    const failures: string[] = [];
    // A few at a time: each is a real process start.
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4);
      const results = await Promise.all(batch.map(([args, , o]) => run(o?.home ?? home, args, { env: o?.env })));
      batch.forEach(([args, code], j) => {
        const r = results[j];
        const where = `warp ${args.join(' ')} -> ${r.status}: ${r.stderr.slice(0, 300)}`;
        if (r.status !== code) failures.push(`expected ${code}: ${where}`);
        if (STACK.test(r.stderr)) failures.push(`stack trace: ${where}`);
        if (!/^(warp: error \[E_[A-Z_]+\]|error: )/m.test(r.stderr)) failures.push(`no error line: ${where}`);
      });
    }
    expect(failures).toEqual([]);
  });

  it('unreadable inputs exit 5 (as an unprivileged user when run as root)', { timeout: 120_000 }, async () => {
    const u = tmpDir('warp-exit-unreadable-');
    fs.chmodSync(u, 0o755);
    const src = path.join(u, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'secret.txt'), 'secret');
    fs.chmodSync(path.join(src, 'secret.txt'), 0o000);
    const locked = path.join(u, 'locked.warp');
    fs.copyFileSync(archive, locked);
    fs.chmodSync(locked, 0o000);
    const uhome = path.join(u, 'home');
    fs.mkdirSync(uhome, { mode: 0o700 });
    if (IS_ROOT) fs.chownSync(uhome, NOBODY, NOBODY);
    const out = path.join(u, 'out');
    fs.mkdirSync(out, { mode: 0o777 });
    fs.chmodSync(out, 0o777);
    for (const args of [
      ['archive', 'create', path.join(src, 'secret.txt'), '-o', path.join(out, 'a.warp')],
      ['archive', 'list', locked],
      ['archive', 'extract', locked, '-C', path.join(out, 'x')],
    ]) {
      const r = await run(uhome, args, { asNobody: true });
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(5);
      expect(r.stderr).toMatch(/E_INPUT_UNREADABLE.*permission denied/);
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it(
    'tightens an existing WARP_HOME with mode 0755 to 0700, and warns where it cannot',
    { timeout: 60_000 },
    async () => {
      const open = tmpDir('warp-exit-home-');
      fs.chmodSync(open, 0o755);
      const r = await run(open, ['id']);
      expect(r.status, r.stderr).toBe(0);
      expect(fs.statSync(open).mode & 0o777).toBe(0o700);
      expect(r.stderr).not.toMatch(/warning/);
      if (!IS_ROOT) return; // the cannot-tighten case needs a home owned by someone else
      const foreign = tmpDir('warp-exit-foreign-');
      fs.chmodSync(foreign, 0o755);
      const w2 = await run(foreign, ['config', 'path'], { asNobody: true });
      expect(w2.status).toBe(0);
      expect(w2.stderr).toMatch(
        /warning: .* is readable by other users \(mode 755\) and could not be made private \(EPERM\)/,
      );
      expect(fs.statSync(foreign).mode & 0o777).toBe(0o755);
    },
  );
});
