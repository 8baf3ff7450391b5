import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blake3 } from '../../src/engine/codec/blake3.ts';
import { FastCdc, paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import { FileHashThread } from '../../src/engine/store/file-hash-thread.ts';
import { hashThreadUse } from '../../src/engine/store/chunk-file.ts';
import { chunkFile } from '../../src/engine/store/index.ts';
import { tmpDir } from '../helpers/tmp.ts';

describe('whole-file hash on a second core', () => {
  it('hashes posted ranges of the shared buffer in order, file after file', () => {
    const t = new FileHashThread(1 << 20);
    try {
      t.waitReady(10_000);
      expect(t.ready).toBe(true);
      for (const sizes of [[1], [300_000, 5, 700_000], [1 << 20, 1 << 20, 17]]) {
        const parts = sizes.map((n) => crypto.randomBytes(n));
        parts.forEach((p, i) => {
          t.idle(); // the buffer is reused: wait until the previous range is hashed
          p.copy(t.data, 0);
          t.update(0, p.length, i === 0);
        });
        expect(t.digest().toString('hex')).toBe(blake3(Buffer.concat(parts)).toString('hex'));
      }
    } finally {
      t.close();
    }
  });

  it('chunkFile gives the same chunks and file hash with and without the thread, across buffer refills', () => {
    const dir = tmpDir('hash-thread');
    const params = paramsForAverage(16 * 1024);
    // 40 MiB: over the 32 MiB mark where the scan waits for the thread, and over the 16 MiB read buffer (refills).
    const big = path.join(dir, 'big');
    const data = crypto.randomBytes(40 * 1024 * 1024);
    fs.writeFileSync(big, data);
    const small = path.join(dir, 'small'); // 2 MiB: the thread if it is up, this thread otherwise
    fs.writeFileSync(small, data.subarray(0, 2 * 1024 * 1024));
    const before = hashThreadUse.files;
    const withThread = [chunkFile(big, params), chunkFile(small, params)];
    expect(hashThreadUse.files - before).toBeGreaterThanOrEqual(1); // the big file waited for the thread
    process.env.WARP_HASH_THREAD = '0';
    let inThread;
    try {
      inThread = [chunkFile(big, params), chunkFile(small, params)];
    } finally {
      delete process.env.WARP_HASH_THREAD;
    }
    expect(hashThreadUse.files - before).toBeLessThanOrEqual(2);
    for (let i = 0; i < 2; i++) {
      expect(Buffer.from(withThread[i].hash).toString('hex')).toBe(Buffer.from(inThread[i].hash).toString('hex'));
      expect(Buffer.from(withThread[i].ids).equals(Buffer.from(inThread[i].ids))).toBe(true);
    }
    expect(Buffer.from(withThread[0].hash).toString('hex')).toBe(blake3(data).toString('hex'));
    // And the chunks are FastCDC's cuts, their ids BLAKE3 of their bytes.
    const lens = new FastCdc(params).chunkLengths(data.subarray(0, 2 * 1024 * 1024));
    expect(Array.from(withThread[1].lens)).toEqual(lens);
    expect(Buffer.from(withThread[1].ids.subarray(0, 32)).equals(blake3(data.subarray(0, lens[0])))).toBe(true);
  });
});
