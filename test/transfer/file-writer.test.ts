/**
 * The receiver's whole-file writer (file-writer.ts and its worker): real files in a temporary folder, written
 * by the real worker thread in batches; the worker's batch step (`writeBatch`) alone for what a kill mid-batch
 * can leave.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blake3 } from '../../src/engine/codec/blake3.ts';
import { WholeFileWriter, type WrittenFile } from '../../src/engine/transfer/file-writer.ts';
import { writeBatch, type WriteJob } from '../../src/engine/transfer/file-writer-worker.ts';
import { partName } from '../../src/engine/transfer/part-files.ts';
import { listFiles, tmpDir } from '../helpers/tmp.ts';

const SID = 'ab12cd34';

/** Adds a file and resolves with its outcome. */
function write(w: WholeFileWriter, final: string, data: Buffer, extra: { hash?: Uint8Array; mode?: number } = {}) {
  return new Promise<WrittenFile>((resolve, reject) =>
    w.add(
      { part: partName(final, SID), final, mode: extra.mode ?? 0o640, mtimeMs: 1_600_000_000_500, hash: extra.hash },
      data,
      resolve,
      reject,
    ),
  );
}

describe('WholeFileWriter', () => {
  it('writes many files in batches: bytes, mode and mtime under the final name, no part file left', async () => {
    const dir = tmpDir('warp-writer-');
    const w = new WholeFileWriter();
    const files = Array.from({ length: 700 }, (_, i) => ({
      final: path.join(dir, `d${i % 7}`, `f${i}.bin`),
      data: crypto.randomBytes(1 + ((i * 997) % 50_000)),
    }));
    for (let d = 0; d < 7; d++) fs.mkdirSync(path.join(dir, `d${d}`));
    const results = await Promise.all(
      files.map((f, i) => write(w, f.final, f.data, i % 2 ? { hash: blake3(f.data) } : {})),
    );
    await w.drain();
    await w.close();
    files.forEach((f, i) => {
      expect(fs.readFileSync(f.final).equals(f.data)).toBe(true);
      const st = fs.statSync(f.final);
      expect(st.mode & 0o777).toBe(0o640);
      expect(Math.floor(st.mtimeMs)).toBe(1_600_000_000_500);
      expect(results[i]).toEqual({ size: f.data.length, mtimeMs: st.mtimeMs, ino: st.ino });
    });
    expect(listFiles(dir).filter((p) => p.includes('.warp-part-'))).toEqual([]);
  });

  it('a file whose bytes do not match its hash fails with E_FILE_HASH_MISMATCH and nothing is written; the others land', async () => {
    const dir = tmpDir('warp-writer-');
    const w = new WholeFileWriter();
    const good = crypto.randomBytes(20_000);
    const bad = crypto.randomBytes(30_000);
    const wrongHash = blake3(Buffer.concat([bad, Buffer.from('x')]));
    const [a, b] = await Promise.allSettled([
      write(w, path.join(dir, 'good'), good, { hash: blake3(good) }),
      write(w, path.join(dir, 'bad'), bad, { hash: wrongHash }),
    ]);
    await w.close();
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect((b as PromiseRejectedResult).reason.code).toBe('E_FILE_HASH_MISMATCH');
    expect(fs.readdirSync(dir)).toEqual(['good']);
  });

  it('a planted link at the part name is replaced, never written through; a missing folder is E_OUTPUT_UNWRITABLE', async () => {
    const dir = tmpDir('warp-writer-');
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'keep me');
    const final = path.join(dir, 'f');
    fs.symlinkSync(victim, partName(final, SID));
    const w = new WholeFileWriter();
    await write(w, final, Buffer.from('new bytes'));
    const missing = write(w, path.join(dir, 'no', 'such', 'f'), Buffer.from('x'));
    await expect(missing).rejects.toMatchObject({ code: 'E_OUTPUT_UNWRITABLE' });
    await w.close();
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
    expect(fs.readFileSync(final, 'utf8')).toBe('new bytes');
  });

  it('holds back a caller while its byte bound is reached, and lets it go on as batches finish', async () => {
    const dir = tmpDir('warp-writer-');
    const w = new WholeFileWriter();
    const big = crypto.randomBytes(1024 * 1024);
    const all: Promise<WrittenFile>[] = [];
    let waited = 0;
    for (let i = 0; i < 40; i++) {
      all.push(write(w, path.join(dir, `f${i}`), big));
      if (w.full) {
        waited++;
        await w.room();
        expect(w.full).toBe(false);
      }
    }
    await Promise.all(all);
    await w.close();
    expect(waited).toBeGreaterThan(0);
    expect(fs.readdirSync(dir).length).toBe(40);
  });

  it('writes every part of a batch before any rename: a file whose rename fails keeps only its complete part', () => {
    const dir = tmpDir('warp-writer-');
    const data = crypto.randomBytes(9_000);
    const jobs: WriteJob[] = [0, 1, 2].map((i) => ({
      part: partName(path.join(dir, `f${i}`), SID),
      final: path.join(dir, `f${i}`),
      off: i * 3000,
      len: 3000,
      mode: 0o644,
      mtimeMs: Date.now(),
    }));
    jobs[2].final = path.join(dir, 'x'.repeat(300)); // ENAMETOOLONG at the rename
    const buf = new ArrayBuffer(9_000);
    new Uint8Array(buf).set(data);
    const results = writeBatch({ id: 1, jobs, data: buf });
    expect(results[2]).toMatchObject({ failed: { code: 'ENAMETOOLONG', path: jobs[2].final } });
    for (const i of [0, 1])
      expect(fs.readFileSync(jobs[i].final).equals(data.subarray(i * 3000, i * 3000 + 3000))).toBe(true);
    expect(fs.readFileSync(jobs[2].part).equals(data.subarray(6000))).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['f0', 'f1', path.basename(jobs[2].part)].sort());
  });
});
