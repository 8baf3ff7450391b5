/**
 * What the daemon answers for failures a client causes, against a real `warp daemon`: damaged archives are 422
 * (not 500), an upload path that clashes with an earlier one is 409 (either order), and the one status table
 * gives every engine error code a status.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/engine/core/errors.ts';
import { HTTP_STATUS, httpStatusFor } from '../../src/engine/http/http-status.ts';
import { warp } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { startDaemon, type Daemon } from './daemon-proc.ts';

describe('HTTP status of engine errors', () => {
  it("maps every code; only E_INTERNAL is a 500; an error's own status wins", () => {
    for (const code of Object.values(ErrorCodes)) {
      const s = HTTP_STATUS[code];
      expect(s, code).toBeGreaterThanOrEqual(400);
      expect(s, code).toBeLessThan(600);
      if (code !== ErrorCodes.INTERNAL) expect(s, code).not.toBe(500);
    }
    expect(httpStatusFor(ErrorCodes.USAGE, { status: 409 })).toBe(409);
    expect(httpStatusFor(ErrorCodes.USAGE, { status: 'x' })).toBe(400);
    expect(httpStatusFor(ErrorCodes.CHUNK_CORRUPT, {})).toBe(422);
  });
});

describe('daemon answers client-caused failures with 4xx', () => {
  let d: Daemon;
  let work: string;
  beforeAll(async () => {
    work = tmpDir('warp-daemon-status-');
    d = await startDaemon(path.join(work, 'home'), ['--no-listen']);
  });
  afterAll(async () => {
    await d?.stop();
  });

  it('a damaged or truncated archive is 422 with its integrity code', async () => {
    const src = path.join(work, 'src');
    fs.mkdirSync(src);
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(src, `f${i}.txt`), `file ${i} `.repeat(500));
    const good = path.join(work, 'good.warp');
    expect(warp(['archive', 'create', src, '-o', good], { home: path.join(work, 'home') }).status).toBe(0);
    const bytes = fs.readFileSync(good);
    const truncated = path.join(work, 'truncated.warp');
    fs.writeFileSync(truncated, bytes.subarray(0, bytes.length - 7));
    const tail = path.join(work, 'tail.warp');
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 40] ^= 0xff;
    fs.writeFileSync(tail, flipped);
    for (const archive of [truncated, tail]) {
      const r = await d.api('POST', '/api/archive/list', { archive });
      expect(r.status, `${archive}: ${JSON.stringify(r.body)}`).toBe(422);
      expect(r.body.error.code).toMatch(
        /^E_(ARCHIVE_TRUNCATED|ARCHIVE_TRAILER_CORRUPT|MANIFEST_CORRUPT|ARCHIVE_HEADER_CORRUPT)$/,
      );
      const info = await d.api('POST', '/api/archive/info', { archive });
      expect(info.status).toBe(422);
    }
    expect((await d.api('POST', '/api/archive/list', { archive: good })).status).toBe(200);
  });

  it('an upload path that clashes with an earlier one is 409, in either order, and nothing is left behind', async () => {
    const begin = await d.api('POST', '/api/uploads', {});
    expect(begin.status).toBe(201);
    const id = String(begin.body.upload);
    const put = (p: string): Promise<{ status: number; body: { error?: { code: string } } }> =>
      d.api('PUT', `/api/uploads/${id}/file?path=${encodeURIComponent(p)}`, undefined, {
        body: 'hello',
        headers: { 'Content-Type': 'application/octet-stream' },
      });
    expect((await put('a')).status).toBe(200);
    const under = await put('a/b'); // a parent that is a file
    expect(under.status).toBe(409);
    expect(under.body.error?.code).toBe('UPLOAD_PATH_CLASH');
    expect((await put('b/c')).status).toBe(200);
    const over = await put('b'); // a file where a folder is
    expect(over.status).toBe(409);
    expect(over.body.error?.code).toBe('UPLOAD_PATH_CLASH');
    const staged = path.join(work, 'home', 'uploads', id, 'files');
    const left = fs
      .readdirSync(staged, { recursive: true })
      .map(String)
      .filter((n) => n.includes('.part-'));
    expect(left).toEqual([]);
    expect(d.stderr()).not.toMatch(/ENOTDIR|EISDIR|at Uploads/);
  });
});
