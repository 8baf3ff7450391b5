/**
 * Terminal and log injection, with real CLI processes on crafted names: ANSI/OSC escape sequences, CR, newlines,
 * C1 controls and bidi overrides in entry names, remote paths and peer error messages must reach the terminal
 * and the listener's log as visible escapes, never raw; JSON output keeps the exact strings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeControl, escapeTerminal } from '../../src/engine/core/safe-text.ts';
import { formatJson, formatText } from '../../src/engine/telemetry/format.ts';
import { warp } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { peerIdOf, spawnWarp, startListener } from '../transfer/peers.ts';

/** Names a hostile sender or archive could carry (Linux allows all but '/' and NUL). */
const CRAFTED = [
  'osc\x1b]0;pwned\x07title.txt',
  'csi\x1b[2J\x1b[31mred.txt',
  'forged\nwarp: error [E_INTERNAL]: fake.txt',
  'cr\roverwrite.txt',
  'c1\u009b31mcsi.txt',
  'bidi\u202etxt.exe',
  'del\u007fbell\u0007.txt',
];
/** What must never appear raw on a terminal: ESC, BEL, CR, C1 CSI, DEL, RLO. */
// eslint-disable-next-line no-control-regex -- these control characters are what the tests look for
const RAW = /[\u001b\u0007\r\u009b\u007f\u202e]/;

describe('escapeControl / escapeTerminal', () => {
  it('escapes every control character visibly and keeps JSON lines parseable to the exact strings', () => {
    expect(escapeControl('a\x1b[31mb\nc\rd\te\u009bf\u202eg\u0000')).toBe(
      'a\\x1b[31mb\\nc\\rd\\te\\u009bf\\u202eg\\x00',
    );
    expect(escapeTerminal('line1\n\tline2\x1b]0;x\x07')).toBe('line1\n\tline2\\x1b]0;x\\x07');
    expect(escapeControl('plain/path ünïcödé 名前 😀')).toBe('plain/path ünïcödé 名前 😀');
    for (const name of CRAFTED) {
      const line = escapeTerminal(JSON.stringify({ path: name }));
      expect(line).not.toMatch(RAW);
      expect((JSON.parse(line) as { path: string }).path).toBe(name);
    }
  });
});

describe('log records', () => {
  it('keep one record per line with crafted messages and fields, and exact strings in JSON', () => {
    const rec = {
      time: new Date(0),
      level: 'warn' as const,
      message: 'peer said\n2026-01-01T00:00:00.000Z ERROR forged\x1b[2J',
      fields: { component: 'net', path: 'a\x1b]0;t\x07b', other: 'x\u009by z' },
    };
    const text = formatText(rec);
    expect(text).not.toMatch(RAW);
    expect(text.split('\n')).toHaveLength(2); // the record and the final newline
    const json = formatJson(rec);
    expect(json).not.toMatch(RAW);
    expect(JSON.parse(json)).toMatchObject({ msg: rec.message, path: rec.fields.path, other: rec.fields.other });
  });
});

describe('crafted names through real CLI processes', () => {
  const work = tmpDir('warp-escape-');
  const home = path.join(work, 'home');
  const src = path.join(work, 'src');
  fs.mkdirSync(src, { recursive: true });
  for (const n of CRAFTED) fs.writeFileSync(path.join(src, n), `content of ${JSON.stringify(n)}\n`);
  const archive = path.join(work, 'crafted.warp');

  it('archive list prints one escaped line per entry; --json keeps the exact names', () => {
    expect(warp(['archive', 'create', src, '-o', archive], { home }).status).toBe(0);
    const human = warp(['archive', 'list', archive], { home });
    expect(human.status).toBe(0);
    expect(human.stdout).not.toMatch(RAW);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(CRAFTED.length + 1); // the root folder and each file: no forged extra line
    expect(human.stdout).toContain('osc\\x1b]0;pwned\\x07title.txt');
    expect(human.stdout).toContain('forged\\nwarp: error [E_INTERNAL]: fake.txt');
    expect(human.stdout).toContain('bidi\\u202etxt.exe');
    const json = warp(['--json', 'archive', 'list', archive], { home });
    expect(json.stdout).not.toMatch(RAW);
    const names = json.json
      .filter((e) => e.type === 'entry' && e.kind === 'file')
      .map((e) => path.basename(String(e.path)));
    expect(names.sort()).toEqual([...CRAFTED].sort());
  });

  it('CLI errors print a crafted path escaped on one line', () => {
    const missing = path.join(work, 'no\x1b[2Jsuch\nwarp: fake line.warp');
    const r = warp(['archive', 'list', missing], { home });
    expect(r.status).toBe(5); // I/O: input missing
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no\\x1b[2Jsuch\\nwarp: fake line.warp');
    const j = warp(['--json', 'archive', 'list', missing], { home });
    const err = j.json.find((e) => e.type === 'error') as { error: { message: string } };
    expect(err.error.message).toContain('no\x1b[2Jsuch\nwarp: fake line.warp'); // exact in JSON
  });

  it('the listener log and the errors relayed to fetch and send escape remote paths and peer messages', async () => {
    const listenerHome = path.join(work, 'listener-home');
    const clientHome = path.join(work, 'client-home');
    const root = path.join(work, 'root');
    fs.mkdirSync(root, { recursive: true });
    fs.cpSync(src, path.join(root, 'shared'), { recursive: true });
    const l = await startListener(listenerHome, root, ['--allow', peerIdOf(clientHome)]);
    try {
      // A fetch of a crafted path that does not exist: the listener logs it and relays its error.
      const bad = '/ghost\x1b]0;pwned\x07\nwarp listen: forged\u009b2J';
      const f = await spawnWarp(clientHome, ['fetch', `${l.addr}:${bad}`, path.join(work, 'out1')]).done;
      expect(f.status).not.toBe(0);
      expect(f.status).not.toBe(1);
      expect(f.stderr).not.toMatch(RAW);
      expect(f.stderr).toContain('ghost\\x1b]0;pwned\\x07\\nwarp listen: forged\\u009b2J');
      // A fetch of the crafted tree works, and a send to a crafted destination is logged escaped.
      const ok = await spawnWarp(clientHome, ['fetch', `${l.addr}:/shared`, path.join(work, 'out2')]).done;
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stderr).not.toMatch(RAW);
      expect(fs.readdirSync(path.join(work, 'out2', 'shared')).sort()).toEqual([...CRAFTED].sort());
      const s = await spawnWarp(clientHome, ['send', src, `${l.addr}:/in\x1b[31mbox\nwarp listen: forged`]).done;
      expect(s.status, s.stderr).toBe(0);
      expect(s.stderr).not.toMatch(RAW);
      const log = l.stderr();
      expect(log).not.toMatch(RAW);
      expect(log).toContain('ghost\\x1b]0;pwned\\x07\\nwarp listen: forged');
      expect(log).toContain('in\\x1b[31mbox\\nwarp listen: forged');
      // Each log record is one line starting with the listener's prefix: no forged line.
      for (const line of log.trimEnd().split('\n')) expect(line).toMatch(/^(warp listen: |listening as | {2})/);
    } finally {
      await l.stop();
    }
  });
});
