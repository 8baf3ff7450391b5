/** serverLog: a server's line on stderr for people, and the same message as a record in [log] file when set. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverLog } from '../../src/cli/server-log.ts';
import type { CliContext } from '../../src/cli/context.ts';

function ctx(quiet = false): CliContext & { lines: string[] } {
  const lines: string[] = [];
  return { opts: () => ({ quiet }) as never, out: () => {}, err: (l) => lines.push(l), stderrIsTTY: false, lines };
}

describe('serverLog', () => {
  it('writes the escaped line on stderr and, with [log] file, a JSON record at info whatever the default level', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-serverlog-'));
    const file = path.join(dir, 'warp.log');
    const c = ctx();
    const log = serverLog(c, { level: 'warn', file, format: 'json' }, 'listen');
    log('refused a connection from 10.0.0.9\x1b[2J');
    expect(c.lines).toEqual(['warp listen: refused a connection from 10.0.0.9\\x1b[2J']);
    const records = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 'info',
      component: 'listen',
      msg: 'refused a connection from 10.0.0.9\x1b[2J',
    });
    expect(Date.parse(records[0].time)).not.toBeNaN();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--quiet silences stderr but not the file; level error keeps server messages out of the file; no file, no record', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-serverlog-'));
    const quietFile = path.join(dir, 'quiet.log');
    const q = ctx(true);
    serverLog(q, { level: 'warn', file: quietFile, format: 'text' }, 'daemon')('listening');
    expect(q.lines).toEqual([]);
    expect(fs.readFileSync(quietFile, 'utf8')).toMatch(/^\S+Z INFO daemon: listening\n$/);
    const errFile = path.join(dir, 'error.log');
    serverLog(ctx(), { level: 'error', file: errFile, format: 'text' }, 'relay')('slot reserved');
    expect(fs.existsSync(errFile) ? fs.readFileSync(errFile, 'utf8') : '').toBe('');
    const none = ctx();
    serverLog(none, { level: 'info', file: '', format: 'text' }, 'listen')('hello');
    expect(none.lines).toEqual(['warp listen: hello']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
