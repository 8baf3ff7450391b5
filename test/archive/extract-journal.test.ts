/**
 * New files are extracted straight under their final names, each batch journalled first
 * (src/engine/archive/extract-journal.ts). What a killed extract leaves must never pass for complete: the next
 * extract into the target rolls the journal back (removes the files of unfinished batches), and a journal is
 * never a way to remove anything outside the target.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createArchive, extractArchive } from '../../src/engine/archive/index.ts';
import { ExtractJournal, isJournalName, recoverJournals } from '../../src/engine/archive/extract-journal.ts';
import { isTempName } from '../../src/engine/archive/sink.ts';
import { createChunkPool } from '../../src/engine/codec/chunk-pool.ts';
import { warp } from '../helpers/cli.ts';
import { listFiles, tmpDir } from '../helpers/tmp.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/warp.js');
const pool = createChunkPool(2);
afterAll(() => pool.close());

/** A tree of `n` files of 1-24 KiB in 10 folders (random bytes, so every byte counts), returned as path -> bytes. */
function makeTree(root: string, n: number): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (let i = 0; i < n; i++) {
    const rel = `d${i % 10}/f${i}.bin`;
    const data = crypto.randomBytes(1024 + ((i * 7919) % (23 * 1024)));
    fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data);
    files.set(rel, data);
  }
  return files;
}

function expectSameTree(dest: string, files: Map<string, Buffer>): void {
  const got = listFiles(dest).filter((p) => !p.endsWith('/'));
  expect(got.filter((p) => isJournalName(path.basename(p)) || isTempName(path.basename(p)))).toEqual([]);
  for (const [rel, data] of files) {
    const abs = path.join(dest, rel);
    expect(fs.existsSync(abs), rel).toBe(true);
    expect(fs.readFileSync(abs).equals(data), `${rel} byte-identical`).toBe(true);
  }
}

/** A journal as a process that is gone would have left it (same host, a pid that exited). */
function deadJournal(root: string, records: string): string {
  const j = ExtractJournal.create(root);
  const own = path.basename(j.file);
  j.close();
  const deadPid = spawnSync('true').pid!;
  const name = own.replace(/^(\.warp-extract-[0-9a-f]{4}-)[0-9a-z]+-/, `$1${deadPid.toString(36)}-`);
  fs.writeFileSync(path.join(root, name), records);
  return name;
}

describe('extract journal', () => {
  it('a normal extract leaves no journal and no temporary name behind', async () => {
    const dir = tmpDir();
    const files = makeTree(path.join(dir, 'src'), 300);
    const a = path.join(dir, 'a.warp');
    await createArchive({ inputs: [path.join(dir, 'src')], output: a, pool });
    await extractArchive({ archive: a, target: path.join(dir, 'out'), pool });
    expectSameTree(path.join(dir, 'out', 'src'), files);
    expect(fs.readdirSync(path.join(dir, 'out'))).toEqual(['src']);
  }, 60_000);

  it("rolls back a dead extract's open batches before anything else; --skip then finishes byte-identical", async () => {
    const dir = tmpDir();
    const files = makeTree(path.join(dir, 'src'), 200);
    const a = path.join(dir, 'a.warp');
    await createArchive({ inputs: [path.join(dir, 'src')], output: a, pool });
    const out = path.join(dir, 'out');
    await extractArchive({ archive: a, target: out, pool });
    // The state a kill mid-batch leaves: two truncated files of an open batch, one of a closed batch (complete).
    fs.truncateSync(path.join(out, 'src/d1/f1.bin'), 100);
    fs.truncateSync(path.join(out, 'src/d2/f2.bin'), 0);
    const records =
      JSON.stringify({ b: 0, p: ['src/d3/f3.bin'] }) +
      '\n' +
      JSON.stringify({ b: 1, p: ['src/d1/f1.bin', 'src/d2/f2.bin'] }) +
      '\n' +
      JSON.stringify({ d: 0 }) +
      '\n{"b":2,"p":["src/d4/f4'; // the record being written at the kill: its batch had not started
    const name = deadJournal(out, records);
    // The default policy refuses (files exist) but says how to finish; the rollback already happened.
    const err = await extractArchive({ archive: a, target: out, pool }).then(
      () => undefined,
      (e: { code?: string; message: string }) => e,
    );
    expect(err?.code).toBe('E_OUTPUT_EXISTS');
    expect(err?.message).toMatch(/interrupted extract, pass --skip/);
    expect(fs.existsSync(path.join(out, name))).toBe(false);
    expect(fs.existsSync(path.join(out, 'src/d1/f1.bin'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'src/d2/f2.bin'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'src/d3/f3.bin'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'src/d4/f4.bin'))).toBe(true);
    const r = await extractArchive({ archive: a, target: out, pool, existing: 'skip' });
    expect(r.files).toBe(2);
    expectSameTree(path.join(out, 'src'), files);
  }, 60_000);

  it('never removes through a journal: paths outside the target, through a symlink, or not a regular file', () => {
    const dir = tmpDir();
    const root = path.join(dir, 'target');
    const outside = path.join(dir, 'outside');
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'keep.txt'), 'precious');
    fs.symlinkSync(outside, path.join(root, 'link'));
    fs.mkdirSync(path.join(root, 'sub', 'dir'));
    fs.writeFileSync(path.join(root, 'sub', 'partial'), 'x');
    const paths = ['../outside/keep.txt', '/etc/hostname', 'link/keep.txt', 'sub/dir', 'sub/./partial', 'sub/partial'];
    const name = deadJournal(root, JSON.stringify({ b: 7, p: paths }) + '\n');
    // A journal of a live process (this one) is left alone.
    const live = ExtractJournal.create(root);
    live.begin(['sub/partial']);
    try {
      expect(recoverJournals(root)).toEqual(['sub/partial']);
      expect(fs.readFileSync(path.join(outside, 'keep.txt'), 'utf8')).toBe('precious');
      expect(fs.statSync(path.join(root, 'sub', 'dir')).isDirectory()).toBe(true);
      expect(fs.existsSync(path.join(root, name))).toBe(false);
      expect(fs.existsSync(live.file)).toBe(true);
    } finally {
      live.close();
    }
    expect(fs.existsSync(live.file)).toBe(false);
  });

  it('a real SIGKILL mid-extract, then a rerun with --skip: byte-identical, no truncated file kept', async () => {
    const dir = tmpDir();
    const files = makeTree(path.join(dir, 'src'), 6000);
    const a = path.join(dir, 'a.warp');
    await createArchive({ inputs: [path.join(dir, 'src')], output: a, pool });
    const out = path.join(dir, 'out');
    const home = path.join(dir, 'home');
    const child = spawn(process.execPath, [BIN, 'archive', 'extract', a, '-C', out, '--workers', '1'], {
      env: { ...process.env, WARP_HOME: home },
      stdio: 'ignore',
    });
    const exited = new Promise((res) => child.once('exit', res));
    let seen = 0;
    for (let k = 0; k < 3000 && seen < 50; k++) {
      await new Promise((res) => setTimeout(res, 5));
      seen = fs.existsSync(path.join(out, 'src/d0')) ? fs.readdirSync(path.join(out, 'src/d0')).length : 0;
    }
    child.kill('SIGKILL');
    await exited;
    const left = fs.readdirSync(out).filter(isJournalName);
    // Killed mid-way (the usual case) the journal is there; on a machine fast enough to finish first, it is not.
    if (listFiles(path.join(out, 'src')).length < files.size) expect(left.length).toBe(1);
    const r = warp(['archive', 'extract', a, '-C', out, '--skip'], { home, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expectSameTree(path.join(out, 'src'), files);
    expect(fs.readdirSync(out)).toEqual(['src']);
  }, 180_000);
});
