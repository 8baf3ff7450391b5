/** The pure parts of background sync: debouncer, schedule windows, the conflict rule, the state file. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Debouncer, type Timers } from '../../src/engine/sync/debounce.ts';
import {
  conflictName,
  conflictStamp,
  isTemporaryName,
  planSync,
  type SyncAction,
} from '../../src/engine/sync/conflict.ts';
import { checkGuard } from '../../src/engine/sync/guard.ts';
import { planForMode } from '../../src/engine/sync/modes.ts';
import { IgnoreRules } from '../../src/engine/ignore/matcher.ts';
import { formatWindow, insideSchedule, parseWindow } from '../../src/engine/sync/schedule.ts';
import { readState, stateFilePath, updateState, writeState } from '../../src/engine/sync/state-file.ts';
import type { FileMap, SyncJob } from '../../src/engine/sync/sync-types.ts';
import { readLinuxOnBattery } from '../../src/engine/core/power-supply.ts';
import { fileMapOf } from '../../src/engine/sync/remote.ts';
import { buildTree } from '../../src/engine/transfer/tree.ts';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import { tmpDir } from '../helpers/tmp.ts';

/** A manual clock: timers fire only when the test advances time. */
function fakeTimers(): Timers & { advance(ms: number): void } {
  let t = 0;
  let next = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    set: (fn, ms) => {
      const id = next++;
      pending.set(id, { at: t + ms, fn });
      return id;
    },
    clear: (h) => {
      pending.delete(h as number);
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        t = due[1].at;
        due[1].fn();
      }
      t = end;
    },
  };
}

describe('Debouncer', () => {
  it('fires once, waitMs after the last trigger of a burst', () => {
    const timers = fakeTimers();
    let fired = 0;
    const d = new Debouncer(() => fired++, 1000, 10_000, timers);
    for (let i = 0; i < 5; i++) {
      d.trigger();
      timers.advance(300);
    }
    expect(fired).toBe(0);
    expect(d.pending).toBe(true);
    timers.advance(699);
    expect(fired).toBe(0);
    timers.advance(1);
    expect(fired).toBe(1);
    expect(d.pending).toBe(false);
    timers.advance(5000);
    expect(fired).toBe(1);
  });

  it('fires at maxWait while changes never stop, then starts a new burst', () => {
    const timers = fakeTimers();
    const at: number[] = [];
    const d = new Debouncer(() => at.push(timers.now()), 1000, 3000, timers);
    for (let i = 0; i < 20; i++) {
      d.trigger();
      timers.advance(500);
    }
    expect(at[0]).toBe(3000);
    expect(at.length).toBeGreaterThanOrEqual(3);
    for (let k = 1; k < at.length; k++) expect(at[k] - at[k - 1]).toBeLessThanOrEqual(3500);
  });

  it('cancel forgets a burst and flush fires it now', () => {
    const timers = fakeTimers();
    let fired = 0;
    const d = new Debouncer(() => fired++, 1000, 3000, timers);
    d.trigger();
    d.cancel();
    timers.advance(5000);
    expect(fired).toBe(0);
    d.trigger();
    d.flush();
    expect(fired).toBe(1);
    d.flush();
    expect(fired).toBe(1);
  });
});

describe('schedule windows', () => {
  // 2026-11-23 is a Monday.
  const mon = (hh: number, mm = 0): number => Date.UTC(2026, 10, 23, hh, mm);

  it('parses [days] HH:MM-HH:MM [zone] and prints it back', () => {
    expect(parseWindow('22:00-06:00')).toEqual({ start: '22:00', end: '06:00' });
    expect(parseWindow('mon-fri 09:00-17:30')).toEqual({ start: '09:00', end: '17:30', days: [1, 2, 3, 4, 5] });
    expect(parseWindow('sat,sun 00:00-24:00 Europe/Berlin')).toEqual({
      start: '00:00',
      end: '24:00',
      days: [0, 6],
      timeZone: 'Europe/Berlin',
    });
    expect(parseWindow('fri-mon 01:00-02:00').days).toEqual([0, 1, 5, 6]);
    expect(formatWindow(parseWindow('mon-fri 09:00-17:30 Europe/Berlin'))).toBe(
      'mon,tue,wed,thu,fri 09:00-17:30 Europe/Berlin',
    );
    for (const bad of ['9-5', 'someday 10:00-11:00', '10:00-11:00 Mars/Olympus', '25:00-26:00', '']) {
      expect(() => parseWindow(bad), bad).toThrow(/E_USAGE|invalid|unknown time zone|use/);
    }
  });

  it('no windows means any time; otherwise inside any window', () => {
    expect(insideSchedule([], mon(12))).toBe(true);
    const nights = [parseWindow('22:00-06:00')];
    expect(insideSchedule(nights, mon(23))).toBe(true);
    expect(insideSchedule(nights, mon(5, 59))).toBe(true);
    expect(insideSchedule(nights, mon(6))).toBe(false);
    expect(insideSchedule(nights, mon(12))).toBe(false);
    const weekend = [parseWindow('sat,sun 00:00-24:00')];
    expect(insideSchedule(weekend, mon(12))).toBe(false);
    expect(insideSchedule([...nights, parseWindow('mon 11:00-13:00')], mon(12))).toBe(true);
    // Time zones: 12:00 UTC is 13:00 in Berlin (winter).
    expect(insideSchedule([parseWindow('13:00-14:00 Europe/Berlin')], mon(12, 30))).toBe(true);
    expect(insideSchedule([parseWindow('13:00-14:00')], mon(12, 30))).toBe(false);
  });
});

describe('the conflict rule (planSync)', () => {
  const f = (hash: string, mtimeMs = 1000): { hash: string; size: number; mtimeMs: number } => ({
    hash,
    size: 1,
    mtimeMs,
  });

  it('pushes local changes, pulls changes made only on the peer, and skips equal files', () => {
    const S: FileMap = { same: f('a'), mine: f('b'), theirs: f('c') };
    const L: FileMap = { same: f('a'), mine: f('b2'), theirs: f('c'), fresh: f('n') };
    const R: FileMap = { same: f('a'), mine: f('b'), theirs: f('c2', 5000), peerOwn: f('p') };
    const p = planSync(S, L, R, 'newer-wins');
    expect(p.actions).toEqual([
      { kind: 'push', path: 'fresh' },
      { kind: 'push', path: 'mine' },
      { kind: 'pull', path: 'peerOwn' },
      { kind: 'pull', path: 'theirs' },
    ]);
    expect(p.needsPush).toBe(true);
  });

  it('a file changed on both sides is a conflict; newer mtime wins, ties go to the local copy', () => {
    const S: FileMap = { x: f('old', 1000) };
    expect(planSync(S, { x: f('L', 3000) }, { x: f('R', 2000) }, 'newer-wins').actions).toEqual([
      { kind: 'conflict', path: 'x', winner: 'local' },
    ]);
    expect(planSync(S, { x: f('L', 2000) }, { x: f('R', 3000) }, 'newer-wins').actions).toEqual([
      { kind: 'conflict', path: 'x', winner: 'remote' },
    ]);
    expect(planSync(S, { x: f('L', 2000) }, { x: f('R', 2000) }, 'newer-wins').actions[0]).toMatchObject({
      winner: 'local',
    });
    expect(planSync(S, { x: f('L', 2000) }, { x: f('R', 3000) }, 'local-wins').actions[0]).toMatchObject({
      winner: 'local',
    });
    expect(planSync(S, { x: f('L', 3000) }, { x: f('R', 2000) }, 'remote-wins').actions[0]).toMatchObject({
      winner: 'remote',
    });
    // Both changed to the same content: nothing to do.
    expect(planSync(S, { x: f('N', 3000) }, { x: f('N', 2000) }, 'newer-wins')).toEqual({
      actions: [],
      needsPush: false,
    });
    // First sync onto a peer that already has a different file: a conflict too (nothing is overwritten unseen).
    expect(planSync({}, { x: f('L') }, { x: f('R') }, 'newer-wins').actions[0].kind).toBe('conflict');
  });

  it('deletions propagate both ways (only the content both sides agreed on); an edit wins over a deletion', () => {
    const S: FileMap = { gone: f('g'), edited: f('e'), lost: f('l'), both: f('b'), mineEdited: f('m') };
    const L: FileMap = { lost: f('l'), mineEdited: f('m2') };
    const R: FileMap = { gone: f('g'), edited: f('e2') };
    const p = planSync(S, L, R, 'newer-wins');
    expect(p.actions).toEqual([
      { kind: 'pull', path: 'edited' }, // deleted here, edited there: the edit comes back
      { kind: 'delete-remote', path: 'gone', hash: 'g' }, // deleted here, unchanged there
      { kind: 'delete-local', path: 'lost', hash: 'l' }, // deleted there, unchanged here
      { kind: 'push', path: 'mineEdited' }, // deleted there, edited here: pushed again
    ]);
    expect(planSync({ gone: f('g') }, {}, {}, 'newer-wins')).toEqual({ actions: [], needsPush: false });
    expect(planSync({ gone: f('g') }, {}, { gone: f('g') }, 'newer-wins').needsPush).toBe(false);
  });

  it('a deletion plus a new file with the same content is a rename, on either side', () => {
    const S: FileMap = { 'a/old.txt': f('x'), 'theirs.txt': f('y'), keep: f('k') };
    const L: FileMap = { 'b/new.txt': f('x'), 'theirs.txt': f('y'), keep: f('k') };
    const R: FileMap = { 'a/old.txt': f('x'), 'moved/theirs.txt': f('y'), keep: f('k') };
    const p = planSync(S, L, R, 'newer-wins');
    expect(p.actions).toEqual([
      { kind: 'rename-remote', from: 'a/old.txt', to: 'b/new.txt', hash: 'x' },
      { kind: 'rename-local', from: 'theirs.txt', to: 'moved/theirs.txt', hash: 'y' },
    ]);
    expect(p.needsPush).toBe(false);
    // Two deletions of the same content and one new copy: one rename, one deletion.
    const q = planSync({ d1: f('z'), d2: f('z') }, { n: f('z') }, { d1: f('z'), d2: f('z') }, 'newer-wins');
    expect(q.actions.map((a) => a.kind).sort()).toEqual(['delete-remote', 'rename-remote']);
  });

  it('the deletion guard asks above a share of the folder or a number of files, always for an emptied folder, and takes a confirmation', () => {
    const job = { guard: undefined } as unknown as SyncJob;
    const snap: FileMap = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, f(`h${i}`)]));
    const del = (n: number): SyncAction[] =>
      Array.from({ length: n }, (_, i) => ({ kind: 'delete-remote', path: `f${i}`, hash: `h${i}` }));
    const rest = (n: number): FileMap => Object.fromEntries(Object.entries(snap).slice(n));
    expect(checkGuard(del(4), snap, rest(4), job)).toBeUndefined(); // 40 %
    expect(checkGuard(del(5), snap, rest(5), job)).toMatchObject({
      deletions: 5,
      deleteThere: 5,
      files: 10,
      reason: expect.stringContaining('5 of 10 files (50 %'),
    });
    expect(checkGuard(del(5), snap, rest(5), job, 5)).toBeUndefined(); // confirmed
    expect(checkGuard(del(5), snap, rest(5), job, 4)).toBeDefined(); // confirmed fewer than now
    expect(checkGuard(del(2), { f0: f('h0'), f1: f('h1') }, {}, job)).toMatchObject({
      reason: expect.stringContaining('unmounted disk'),
    });
    expect(checkGuard(del(3), snap, rest(3), { guard: { maxFiles: 3 } } as unknown as SyncJob)).toMatchObject({
      reason: expect.stringContaining('the limit is 3'),
    });
  });

  it('only pulls: no push needed', () => {
    expect(planSync({ a: f('1') }, { a: f('1') }, { a: f('2') }, 'newer-wins').needsPush).toBe(false);
  });

  it('conflict names: <name>.conflict-<UTC stamp>, a counter when taken', () => {
    const t = Date.UTC(2026, 10, 24, 3, 50, 12, 345);
    expect(conflictStamp(t)).toBe('20261124T035012Z');
    expect(conflictName('docs/report.txt', t)).toBe('docs/report.txt.conflict-20261124T035012Z');
    const taken = new Set(['a.conflict-20261124T035012Z', 'a.conflict-20261124T035012Z-2']);
    expect(conflictName('a', t, (n) => taken.has(n))).toBe('a.conflict-20261124T035012Z-3');
  });

  it('temporary names of the engine are recognised', () => {
    expect(isTemporaryName('/x/.big.bin.warp-part-0123abcd')).toBe(true);
    expect(isTemporaryName('/x/.a.warp.warp-tmp-1a')).toBe(true);
    expect(isTemporaryName('/x/.warp-sync-stage-abc123')).toBe(true);
    expect(isTemporaryName('/x/notes.txt')).toBe(false);
    expect(isTemporaryName('/x/report.txt.conflict-20261124T035012Z')).toBe(false);
  });
});

describe('sync modes (planForMode)', () => {
  const f = (hash: string, mtimeMs = 1000): { hash: string; size: number; mtimeMs: number } => ({
    hash,
    size: 1,
    mtimeMs,
  });
  // One of each: pushed, pulled, conflict, deleted here/there, renamed here/there.
  const S: FileMap = {
    mine: f('m'),
    theirs: f('t'),
    both: f('b'),
    goneHere: f('g'),
    goneThere: f('h'),
    mv: f('v'),
    pmv: f('w'),
  };
  const L: FileMap = { mine: f('m2'), theirs: f('t'), both: f('b2'), goneThere: f('h'), moved: f('v'), pmv: f('w') };
  const R: FileMap = {
    mine: f('m'),
    theirs: f('t2'),
    both: f('b3', 9999),
    goneHere: f('g'),
    mv: f('v'),
    pmoved: f('w'),
  };
  const plan = planSync(S, L, R, 'newer-wins');

  it('two-way keeps every action', () => {
    const p = planForMode(plan, 'two-way');
    expect(p.actions).toEqual(plan.actions);
    expect(p.held).toEqual([]);
  });

  it("send-only keeps this side's pushes, deletions and renames; holds the peer's changes and conflicts", () => {
    const p = planForMode(plan, 'send-only');
    expect(p.actions.map((a) => a.kind).sort()).toEqual(['delete-remote', 'push', 'rename-remote']);
    expect(p.held.sort()).toEqual(['both', 'goneThere', 'pmoved', 'pmv', 'theirs']);
    expect(p.needsPush).toBe(true);
  });

  it("receive-only keeps the peer's changes, gives conflicts to the peer's copy, holds this side's changes, never pushes", () => {
    const p = planForMode(plan, 'receive-only');
    expect(p.actions.map((a) => a.kind).sort()).toEqual(['conflict', 'delete-local', 'pull', 'rename-local']);
    expect(p.actions.find((a) => a.kind === 'conflict')).toMatchObject({ path: 'both', winner: 'remote' });
    expect(p.held.sort()).toEqual(['goneHere', 'mine', 'moved', 'mv']);
    expect(p.needsPush).toBe(false);
  });

  it('restricted ignore rules: only the chosen folders (and those above them), never the held paths', () => {
    const m = IgnoreRules.compile({ patterns: ['*.tmp'] })
      .restrict({ only: ['docs/2024'], without: ['docs/2024/held.txt'] })
      .forRoot('/nowhere');
    expect(m.excludesPath('docs/2024/a.txt', false)).toBe(false);
    expect(m.excludes('docs', true)).toBe(false);
    expect(m.excludes('docs/2023', true)).toBe(true);
    expect(m.excludes('top.txt', false)).toBe(true);
    expect(m.excludesPath('docs/2024/held.txt', false)).toBe(true);
    expect(m.excludesPath('docs/2024/x.tmp', false)).toBe(true);
    expect(m.excludesPath('docs/20245/x.txt', false)).toBe(true);
  });
});

describe('state file', () => {
  it('round-trips, starts empty, writes atomically and rejects garbage with a clear error', () => {
    const home = tmpDir('warp-sync-state-');
    const file = stateFilePath(home);
    expect(readState(file)).toEqual({ version: 1, jobs: [] });
    const job = {
      id: 'j1',
      folder: '/f',
      peer: 'p',
      remotePath: '/',
      schedule: [],
      pauseOnBattery: false,
      pauseOnMetered: false,
      conflict: 'newer-wins' as const,
      paused: false,
      createdAt: 'now',
    };
    writeState(file, { version: 1, jobs: [{ job, snapshot: { 'a.txt': { hash: 'ff', size: 1, mtimeMs: 5 } } }] });
    updateState(file, (d) => {
      d.jobs[0].lastSyncAt = 'then';
    });
    const back = readState(file);
    expect(back.jobs[0]).toMatchObject({
      job,
      lastSyncAt: 'then',
      snapshot: { 'a.txt': { hash: 'ff', size: 1, mtimeMs: 5 } },
    });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json']); // no temporary left
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.writeFileSync(file, '{"version":1,');
    expect(() => readState(file)).toThrow(/not valid JSON.*move it away/);
    fs.writeFileSync(file, '{"version":99,"jobs":[]}');
    expect(() => readState(file)).toThrow(/version 99/);
  });
});

describe('readLinuxOnBattery', () => {
  it('reads /sys/class/power_supply layouts: battery discharging without mains online means on battery', () => {
    const dir = tmpDir('warp-power-');
    const supply = (name: string, files: Record<string, string>): void => {
      fs.mkdirSync(path.join(dir, name));
      for (const [k, v] of Object.entries(files)) fs.writeFileSync(path.join(dir, name, k), `${v}\n`);
    };
    expect(readLinuxOnBattery(path.join(dir, 'missing'))).toBeUndefined();
    expect(readLinuxOnBattery(dir)).toBe(false); // a desktop: no supplies at all
    supply('BAT0', { type: 'Battery', status: 'Discharging' });
    supply('AC', { type: 'Mains', online: '0' });
    expect(readLinuxOnBattery(dir)).toBe(true);
    fs.writeFileSync(path.join(dir, 'AC', 'online'), '1\n');
    expect(readLinuxOnBattery(dir)).toBe(false);
    fs.writeFileSync(path.join(dir, 'AC', 'online'), '0\n');
    fs.writeFileSync(path.join(dir, 'BAT0', 'status'), 'Charging\n');
    expect(readLinuxOnBattery(dir)).toBe(false);
  });
});

describe('fileMapOf', () => {
  it("leaves out the engine's temporaries on either side (a part file a killed push left on the peer is never pulled)", () => {
    const dir = tmpDir('warp-filemap-');
    const folder = path.join(dir, 'data');
    fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'f10.bin'), 'whole');
    fs.writeFileSync(path.join(folder, '.f10.bin.warp-part-3ff57ae520fac935c1f3614bb4d56e1d'), 'half');
    fs.writeFileSync(path.join(folder, 'sub', '.a.txt.warp-part-00aa'), 'half');
    fs.writeFileSync(path.join(folder, 'sub', 'a.txt'), 'whole');
    const m = buildTree(folder, paramsForAverage(16 * 1024)).manifest;
    expect(Object.keys(fileMapOf(m)).sort()).toEqual(['f10.bin', 'sub/a.txt']);
  });
});
