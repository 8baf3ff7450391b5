/** Archives through a real daemon: create -> list -> verify -> extract with identical files; uploads, including refused escapes. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTree, tmpDir, writeTree } from '../helpers/tmp.ts';
import { openEvents, startDaemon, until, type Daemon, type Json, type SseReader } from './daemon-proc.ts';

describe('archives through the daemon', () => {
  let dir: string;
  let d: Daemon;
  let ev: SseReader;
  beforeAll(async () => {
    dir = tmpDir('warp-daemon-archive-');
    d = await startDaemon(path.join(dir, 'home'), ['--no-listen']);
    ev = await openEvents(d.url, { token: d.token });
  });
  afterAll(async () => {
    ev?.close();
    await d?.stop();
  });

  const finished = (job: string): Promise<Record<string, Json>> =>
    until(async () => {
      const r = await d.api('GET', `/api/jobs/${job}`);
      return ['done', 'failed', 'cancelled'].includes(r.body.status) ? r.body : undefined;
    }, `job ${job}`);

  it('create -> list -> verify -> extract gives identical files, with events tagged by job', async () => {
    const src = path.join(dir, 'src', 'photos');
    writeTree(src, {
      'a.txt': 'hello\n'.repeat(1000),
      'sub/b.bin': crypto.randomBytes(300_000),
      'sub/empty': null,
      link: { link: 'a.txt' },
    });
    const output = path.join(dir, 'out', 'photos.warp');
    const c = await d.api('POST', '/api/archive/create', { inputs: [src], output, level: 'balanced' });
    expect(c.status).toBe(202);
    const created = await finished(c.body.job);
    expect(created.status, JSON.stringify(created.error)).toBe('done');
    expect(created.result.archive).toBe(output);
    expect(created.result.files).toBe(2);
    await ev.waitFor((e) => e.type === 'archive.done' && e.job === c.body.job && e.op === 'create');
    await ev.waitFor((e) => e.type === 'job.update' && e.job.id === c.body.job && e.job.status === 'done');

    const list = await d.api('POST', '/api/archive/list', { archive: output });
    expect(list.status).toBe(200);
    expect(list.body.entries.map((e: { path: string }) => e.path).sort()).toEqual([
      'photos',
      'photos/a.txt',
      'photos/link',
      'photos/sub',
      'photos/sub/b.bin',
      'photos/sub/empty',
    ]);
    expect(list.body.entries.find((e: { path: string }) => e.path === 'photos/link')).toMatchObject({
      type: 'symlink',
      target: 'a.txt',
    });
    const page = await d.api('POST', '/api/archive/list', { archive: output, prefix: 'photos/sub', limit: 1 });
    expect(page.body.total).toBe(3);
    expect(page.body.entries).toHaveLength(1);
    const info = await d.api('POST', '/api/archive/info', { archive: output });
    expect(info.body).toMatchObject({ files: 2, dirs: 3, symlinks: 1, encrypted: false, bytes: 6000 + 300_000 });

    const v = await d.api('POST', '/api/archive/verify', { archive: output });
    const verified = await finished(v.body.job);
    expect(verified.status, JSON.stringify(verified.error)).toBe('done');
    expect(verified.result.ok).toBe(true);

    const target = path.join(dir, 'extracted');
    const x = await d.api('POST', '/api/archive/extract', { archive: output, target });
    const extracted = await finished(x.body.job);
    expect(extracted.status, JSON.stringify(extracted.error)).toBe('done');
    expect(readTree(path.join(target, 'photos'))).toEqual(readTree(src));
    // Extracting again into the same place fails clearly (existing files) unless told otherwise.
    const again = await finished((await d.api('POST', '/api/archive/extract', { archive: output, target })).body.job);
    expect(again.status).toBe('failed');
    expect(again.error.code).toBe('E_OUTPUT_EXISTS');
    const skip = await finished(
      (await d.api('POST', '/api/archive/extract', { archive: output, target, existing: 'skip' })).body.job,
    );
    expect(skip.status).toBe('done');

    const dl = await fetch(`${d.url}/api/archive/download?archive=${encodeURIComponent(output)}`, {
      headers: { Authorization: `Bearer ${d.token}` },
    });
    expect(dl.status).toBe(200);
    expect(Buffer.from(await dl.arrayBuffer()).equals(fs.readFileSync(output))).toBe(true);
    // A plain link (what the UI's downloadUrl gives) carries the token in the query.
    const link = await fetch(`${d.url}/api/archive/download?archive=${encodeURIComponent(output)}&token=${d.token}`);
    expect(link.status).toBe(200);
    expect(link.headers.get('content-disposition')).toBe('attachment; filename="photos.warp"');
    expect((await fetch(`${d.url}/api/archive/download?archive=${encodeURIComponent(output)}&token=nope`)).status).toBe(
      401,
    );
    expect((await d.api('GET', `/api/archive/download?archive=${encodeURIComponent(src + '/a.txt')}`)).status).toBe(
      400,
    );
  });

  it('cancels a running archive job; no archive is left under the final name', async () => {
    const src = path.join(dir, 'big');
    writeTree(src, { 'r1.bin': crypto.randomBytes(40_000_000), 'r2.bin': crypto.randomBytes(40_000_000) });
    const output = path.join(dir, 'big.warp');
    const c = await d.api('POST', '/api/archive/create', { inputs: [src], output, level: 'max' });
    await ev.waitFor((e) => e.type === 'archive.progress' && e.job === c.body.job);
    const cancel = await d.api('POST', `/api/jobs/${c.body.job}/cancel`);
    expect(cancel.status).toBe(200);
    const job = await finished(c.body.job);
    expect(job.status).toBe('cancelled');
    expect(fs.existsSync(output)).toBe(false);
    expect(fs.readdirSync(dir).filter((n) => n.includes('big.warp'))).toEqual([]);
    // Cancelling a finished job changes nothing.
    expect((await d.api('POST', `/api/jobs/${c.body.job}/cancel`)).body.status).toBe('cancelled');
  });

  it('encrypted archives need the password; a wrong one is a clear 400', async () => {
    const src = path.join(dir, 'secret');
    writeTree(src, { 's.txt': 'secret stuff' });
    const output = path.join(dir, 'secret.warp');
    const job = await finished(
      (await d.api('POST', '/api/archive/create', { inputs: [src], output, password: 'correct horse' })).body.job,
    );
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    expect(job.result.encrypted).toBe(true);
    const wrong = await d.api('POST', '/api/archive/list', { archive: output, password: 'wrong' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('E_WRONG_KEY');
    const none = await d.api('POST', '/api/archive/info', { archive: output });
    expect(none.body.error.code).toBe('E_KEY_REQUIRED');
    const ok = await d.api('POST', '/api/archive/list', { archive: output, password: 'correct horse' });
    expect(ok.body.entries.map((e: { path: string }) => e.path)).toContain('secret/s.txt');
  });

  const put = (upload: string, rel: string, data: Buffer | string): Promise<Response> =>
    fetch(`${d.url}/api/uploads/${upload}/file?path=${encodeURIComponent(rel)}`, {
      method: 'PUT',
      body: typeof data === 'string' ? data : new Uint8Array(data),
      headers: { Authorization: `Bearer ${d.token}`, 'Content-Type': 'application/octet-stream' },
    });

  it('uploads a dropped tree file by file (streamed to staging), archives it, and removes the staging copy', async () => {
    const begin = await d.api('POST', '/api/uploads');
    expect(begin.status).toBe(201);
    const upload = begin.body.upload as string;
    const big = crypto.randomBytes(2_000_000);
    const files: Record<string, Buffer> = {
      'drop/a.txt': Buffer.from('A'),
      'drop/deep/er/b.bin': big,
      'drop/c d.txt': Buffer.from('spaces ok'),
    };
    for (const [rel, data] of Object.entries(files)) {
      const r = await put(upload, rel, data);
      expect(r.status, await r.clone().text()).toBe(200);
      expect(((await r.json()) as { bytes: number }).bytes).toBe(data.length);
    }
    const commit = await d.api('POST', `/api/uploads/${upload}/commit`, { name: 'dropped' });
    expect(commit.status).toBe(202);
    const job = await finished(commit.body.job);
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    expect(job.kind).toBe('archive.upload');
    const archive = job.result.archive as string;
    expect(archive).toBe(path.join(dir, 'home', 'archives', 'dropped.warp'));
    expect(fs.existsSync(path.join(dir, 'home', 'uploads', upload))).toBe(false);
    const target = path.join(dir, 'from-upload');
    expect((await finished((await d.api('POST', '/api/archive/extract', { archive, target })).body.job)).status).toBe(
      'done',
    );
    for (const [rel, data] of Object.entries(files))
      expect(fs.readFileSync(path.join(target, rel)).equals(data), rel).toBe(true);
    // A committed upload cannot take more files.
    expect((await put(upload, 'drop/late.txt', 'x')).status).toBe(404);
  });

  it("an upload keeps file times, the drop's folders (empty ones too) with their times, and ordinary modes", async () => {
    const upload = (await d.api('POST', '/api/uploads')).body.upload as string;
    const fileTime = Date.UTC(2020, 4, 17, 10, 30, 0);
    const dirTime = Date.UTC(2019, 0, 2, 3, 4, 5);
    const r = await fetch(`${d.url}/api/uploads/${upload}/file?path=kept/sub/f.txt&mtime=${fileTime}`, {
      method: 'PUT',
      body: 'dated',
      headers: { Authorization: `Bearer ${d.token}`, 'Content-Type': 'application/octet-stream' },
    });
    expect(r.status, await r.clone().text()).toBe(200);
    const commit = await d.api('POST', `/api/uploads/${upload}/commit`, {
      name: 'kept',
      dirs: [
        { path: 'kept', mtimeMs: dirTime },
        { path: 'kept/sub', mtimeMs: dirTime },
        { path: 'kept/empty', mtimeMs: dirTime },
        { path: 'kept/empty/deeper' },
      ],
    });
    expect(commit.status, JSON.stringify(commit.body)).toBe(202);
    const job = await finished(commit.body.job);
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    const list = await d.api('POST', '/api/archive/list', { archive: job.result.archive });
    const byPath = Object.fromEntries(list.body.entries.map((e: Json) => [e.path, e]));
    expect(Object.keys(byPath).sort()).toEqual([
      'kept',
      'kept/empty',
      'kept/empty/deeper',
      'kept/sub',
      'kept/sub/f.txt',
    ]);
    expect(byPath['kept/sub/f.txt']).toMatchObject({ type: 'file', mtimeMs: fileTime, mode: 0o644 });
    for (const p of ['kept', 'kept/sub', 'kept/empty'])
      expect(byPath[p], p).toMatchObject({ type: 'dir', mtimeMs: dirTime, mode: 0o755 });
    // A folder path that escapes is refused like a file path.
    const bad = (await d.api('POST', '/api/uploads')).body.upload as string;
    expect((await put(bad, 'x/a.txt', 'a')).status).toBe(200);
    const esc = await d.api('POST', `/api/uploads/${bad}/commit`, { name: 'bad', dirs: [{ path: '../out' }] });
    expect(esc.status).toBe(400);
    expect(fs.existsSync(path.join(dir, 'home', 'uploads', 'out'))).toBe(false);
  });

  it('streams uploads to disk with bounded memory (a 4x larger upload does not raise the daemon RSS)', async () => {
    const rss = async (): Promise<number> => {
      const text = await (await fetch(`${d.url}/metrics`)).text();
      return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)![1]);
    };
    const block = crypto.randomBytes(1024 * 1024);
    const put = async (mib: number): Promise<void> => {
      const upload = (await d.api('POST', '/api/uploads')).body.upload as string;
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent++ < mib) c.enqueue(new Uint8Array(block));
          else c.close();
        },
      });
      const r = await fetch(`${d.url}/api/uploads/${upload}/file?path=big/blob.bin`, {
        method: 'PUT',
        body,
        duplex: 'half',
        headers: { Authorization: `Bearer ${d.token}`, 'Content-Type': 'application/octet-stream' },
      } as RequestInit);
      expect(r.status).toBe(200);
      expect(((await r.json()) as { bytes: number }).bytes).toBe(mib * block.length);
      expect(fs.statSync(path.join(dir, 'home', 'uploads', upload, 'files', 'big', 'blob.bin')).size).toBe(
        mib * block.length,
      );
      expect((await d.api('DELETE', `/api/uploads/${upload}`)).body.removed).toBe(true);
    };
    await put(64); // warms the allocator up to its working set
    const before = await rss();
    await put(256);
    const growth = (await rss()) - before;
    // Buffered whole, 256 MiB would show; streamed, the working set stays where the 64 MiB upload left it.
    expect(growth, `RSS grew by ${(growth / 1048576).toFixed(1)} MiB for a 256 MiB upload`).toBeLessThan(
      96 * 1024 * 1024,
    );
  });

  it('refuses upload paths that escape the staging folder (../, absolute, backslashes, empty segments)', async () => {
    const upload = (await d.api('POST', '/api/uploads')).body.upload as string;
    for (const bad of [
      '../evil.txt',
      'a/../../evil.txt',
      '/etc/evil',
      '..\\evil.txt',
      'a//b.txt',
      './a.txt',
      'C:/evil',
      '',
    ]) {
      const r = await put(upload, bad, 'nope');
      expect(r.status, `path ${JSON.stringify(bad)}`).toBe(400);
      expect(((await r.json()) as { error: { code: string; message: string } }).error.message).toMatch(/query\.path/);
    }
    expect(fs.existsSync(path.join(dir, 'home', 'uploads', 'evil.txt'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'home', 'evil.txt'))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'home', 'uploads', upload, 'files'))).toEqual([]);
    // Nothing uploaded: committing is a 400, discarding removes it.
    expect((await d.api('POST', `/api/uploads/${upload}/commit`, { name: 'x' })).status).toBe(400);
    const gone = await d.api('DELETE', `/api/uploads/${upload}`);
    expect(gone.body.removed).toBe(true);
    const badName = await d.api('POST', `/api/uploads/${(await d.api('POST', '/api/uploads')).body.upload}/commit`, {
      name: '../x',
    });
    expect(badName.status).toBe(400);
  });
});
