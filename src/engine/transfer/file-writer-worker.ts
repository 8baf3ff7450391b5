/**
 * Worker-thread entry of the receiver's whole-file writer (file-writer.ts). It takes batches of complete small
 * files (their bytes in one transferred buffer) and, for each, checks the whole-file hash when asked, creates the
 * part file (never through a planted link), writes it, sets mode and mtime, reads its stat and closes it; then
 * it renames the batch's written parts to their final names and answers with one message per batch. Synchronous
 * calls in a thread of their own: one message per batch instead of seven libuv round trips per file on the
 * thread that verifies chunks.
 */
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { blake3 } from '../codec/blake3.ts';
import { fileTime } from '../core/file-time.ts';

export interface WriteJob {
  part: string;
  final: string;
  /** The file's bytes: [off, off + len) of the batch's buffer. */
  off: number;
  len: number;
  mode: number;
  mtimeMs: number;
  /** Checked before anything is written (files assembled from several chunks); absent when already verified. */
  hash?: Uint8Array;
}

export interface WriteBatch {
  id: number;
  jobs: WriteJob[];
  /** A slab the writer reuses (shared), or a buffer of its own for a file larger than a slab (transferred). */
  data: ArrayBuffer | SharedArrayBuffer;
}

/** A failed file: a system error's fields (rebuilt into a WarpError by the caller) or a hash mismatch. */
export interface JobFailure {
  message: string;
  code?: string;
  path: string;
  hashMismatch?: true;
}

export type JobResult = { size: number; mtimeMs: number; ino: number } | { failed: JobFailure };

export interface BatchDone {
  id: number;
  results: JobResult[];
}

const FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | (fs.constants.O_NOFOLLOW ?? 0);

function openPart(part: string): number {
  try {
    return fs.openSync(part, FLAGS, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ELOOP' && code !== 'EISDIR') throw e;
    fs.rmSync(part, { recursive: true, force: true }); // a planted link or folder: never written through
    return fs.openSync(part, FLAGS, 0o600);
  }
}

function failure(e: unknown, path: string): { failed: JobFailure } {
  const err = e as NodeJS.ErrnoException;
  return { failed: { message: String(err?.message ?? e), code: err?.code, path } };
}

function writeOne(j: WriteJob, bytes: Uint8Array): JobResult {
  if (j.hash && !blake3(bytes).equals(j.hash))
    return { failed: { message: 'hash mismatch', path: j.part, hashMismatch: true } };
  let fd: number;
  try {
    fd = openPart(j.part);
  } catch (e) {
    return failure(e, j.part);
  }
  try {
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off, off);
    fs.fchmodSync(fd, j.mode & 0o7777);
    fs.futimesSync(fd, fileTime(j.mtimeMs), fileTime(j.mtimeMs));
    const st = fs.fstatSync(fd); // inode and mtime survive the rename
    return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch (e) {
    return failure(e, j.part);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes every part first, then renames the written ones: no final name is ever given to an incomplete file. */
export function writeBatch(b: WriteBatch): JobResult[] {
  const results = b.jobs.map((j) => writeOne(j, new Uint8Array(b.data, j.off, j.len)));
  b.jobs.forEach((j, k) => {
    if ('failed' in results[k]) return;
    try {
      fs.renameSync(j.part, j.final);
    } catch (e) {
      results[k] = failure(e, j.final);
    }
  });
  return results;
}

parentPort?.on('message', (b: WriteBatch) => {
  parentPort!.postMessage({ id: b.id, results: writeBatch(b) } satisfies BatchDone);
});
