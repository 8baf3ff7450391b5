/**
 * The archive library through a real daemon: archives created and opened are listed with their facts, a verify
 * records its outcome (a damaged archive is listed as damaged), the list survives a restart, a deleted file is
 * shown as missing, and remove forgets an entry without touching the file. A damaged library file is set aside.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir, writeTree } from '../helpers/tmp.ts';
import { startDaemon, until, type Daemon, type Json } from './daemon-proc.ts';

describe('archive library', () => {
  let dir: string;
  let home: string;
  let d: Daemon;
  beforeAll(async () => {
    dir = tmpDir('warp-daemon-library-');
    home = path.join(dir, 'home');
    d = await startDaemon(home, ['--no-listen']);
  });
  afterAll(async () => {
    await d?.stop();
  });

  const finished = (job: string): Promise<Record<string, Json>> =>
    until(async () => {
      const r = await d.api('GET', `/api/jobs/${job}`);
      return ['done', 'failed', 'cancelled'].includes(r.body.status) ? r.body : undefined;
    }, `job ${job}`);
  const create = async (name: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const src = path.join(dir, 'src', name);
    writeTree(src, { 'a.bin': crypto.randomBytes(200_000), 'b/c.txt': `${name}\n`.repeat(3000) });
    const output = path.join(dir, 'out', `${name}.warp`);
    const c = await d.api('POST', '/api/archive/create', { inputs: [src], output, ...extra });
    expect((await finished(c.body.job)).status).toBe('done');
    return output;
  };
  const library = async (): Promise<Json[]> => {
    const r = await d.api('GET', '/api/library');
    expect(r.status).toBe(200);
    return r.body;
  };

  it('lists created and opened archives, records verifies, and keeps them across a restart', async () => {
    const plain = await create('plain');
    const locked = await create('locked', { password: 'pw' });
    let lib = await library();
    expect(lib.map((e: Json) => e.archive)).toEqual([locked, plain]);
    expect(lib[0]).toMatchObject({ encrypted: true, files: 2, source: 'created' });
    expect(lib[1]).toMatchObject({ encrypted: false, files: 2, bytes: 200_000 + 6 * 3000 });
    expect(lib[1].archiveBytes).toBe(fs.statSync(plain).size);
    expect(lib[1].verified).toBeUndefined();

    // A good verify, then a damaged copy opened and verified.
    const v = await d.api('POST', '/api/archive/verify', { archive: plain });
    expect((await finished(v.body.job)).status).toBe('done');
    const damaged = path.join(dir, 'out', 'damaged.warp');
    const bytes = fs.readFileSync(plain);
    // A third of the way in lies chunk data (the manifest is at the end).
    for (let i = 0; i < 16; i++) bytes[Math.floor(bytes.length / 3) + i] ^= 0xff;
    fs.writeFileSync(damaged, bytes);
    const opened = await d.api('POST', '/api/archive/info', { archive: damaged });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    const dv = await d.api('POST', '/api/archive/verify', { archive: damaged });
    await finished(dv.body.job);
    lib = await library();
    expect(lib[0]).toMatchObject({ archive: damaged, source: 'opened', verified: { ok: false } });
    expect(lib[0].verified.damagedFiles).toBeGreaterThan(0);
    expect(lib.find((e: Json) => e.archive === plain).verified).toMatchObject({ ok: true, damagedFiles: 0 });

    await d.stop();
    d = await startDaemon(home, ['--no-listen']);
    const after = await library();
    expect(after.map((e: Json) => e.archive)).toEqual([damaged, locked, plain]);
    expect(after.find((e: Json) => e.archive === plain).verified.ok).toBe(true);
  });

  it('shows a deleted archive as missing; remove forgets it and leaves files alone', async () => {
    const gone = await create('gone');
    fs.rmSync(gone);
    expect((await library()).find((e: Json) => e.archive === gone)).toMatchObject({ missing: true });
    const keep = path.join(dir, 'out', 'plain.warp');
    const r = await d.api('POST', '/api/library/remove', { archive: keep });
    expect(r.body).toEqual({ removed: true });
    expect(fs.existsSync(keep)).toBe(true);
    const lib = await library();
    expect(lib.some((e: Json) => e.archive === keep)).toBe(false);
    expect((await d.api('POST', '/api/library/remove', { archive: keep })).body).toEqual({ removed: false });
  });

  it('a damaged library file is set aside and the library starts again', async () => {
    fs.writeFileSync(path.join(home, 'library.json'), '{ not json');
    expect(await library()).toEqual([]);
    expect(fs.existsSync(path.join(home, 'library.json.bad'))).toBe(true);
    await create('fresh');
    expect((await library()).map((e: Json) => path.basename(e.archive))).toEqual(['fresh.warp']);
  });

  it('fs.browse lists one folder: folders first, files when asked, parent, and clear errors', async () => {
    const root = path.join(dir, 'browse');
    writeTree(root, { 'b.txt': 'bb', 'a.warp': 'a', 'zdir/x': 'x', 'Adir/y': 'y', '.hidden/z': 'z' });
    const q = (p: string, files = false) =>
      d.api('GET', `/api/fs/browse?path=${encodeURIComponent(p)}${files ? '&files=true' : ''}`);
    const dirs = await q(root);
    expect(dirs.status).toBe(200);
    expect(dirs.body).toMatchObject({ path: root, parent: dir, sep: path.sep, truncated: false });
    expect(dirs.body.entries.map((e: Json) => e.name)).toEqual(['.hidden', 'Adir', 'zdir']);
    const all = await q(root, true);
    expect(all.body.entries.slice(3)).toEqual([
      { name: 'a.warp', type: 'file', size: 1 },
      { name: 'b.txt', type: 'file', size: 2 },
    ]);
    expect((await d.api('GET', '/api/fs/browse')).body.home).toBeTruthy();
    expect((await q(path.join(root, 'nope'))).body.error.code).toBe('E_INPUT_NOT_FOUND');
    expect((await q(path.join(root, 'b.txt'))).status).toBe(400);
  });
});
