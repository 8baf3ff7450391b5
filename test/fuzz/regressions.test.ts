/**
 * Named regression cases for what the fuzzers in this folder found (see README "Fuzzing"). Each case is the
 * shrunk counterexample, replayed through the same model and harness as the fuzzer that found it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArchive } from '../../src/engine/archive/index.ts';
import { createChunkPool } from '../../src/engine/codec/chunk-pool.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { buildArchive, seal, DIR, FILE, type TreeEntry } from './archive-model.ts';
import { checkArchiveBytes, prepareOutside, removeOutside } from './harness.ts';

const pool = createChunkPool(2);
beforeAll(prepareOutside);
afterAll(async () => {
  await pool.close();
  removeOutside();
});

describe('archive fuzz regressions', () => {
  // archive-valid, seed 1575032361: a directory dated 1969 came back dated today (Node's utimes replaces a
  // negative number of seconds by the current time). Times are now passed as a Date when negative.
  it('mtime-before-1970: directories and files keep times before the epoch', async () => {
    const t = -86_400_000 * 365 - 1;
    const tree: TreeEntry[] = [
      { path: 'a', type: DIR, mode: 0o755, mtimeMs: t },
      { path: 'a/f', type: FILE, mode: 0o644, mtimeMs: t, data: crypto.randomBytes(100) },
      { path: 'a/big', type: FILE, mode: 0o644, mtimeMs: -1, data: crypto.randomBytes(5000) },
    ];
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'a.warp'), seal(buildArchive(tree)));
    await extractArchive({ archive: path.join(dir, 'a.warp'), target: path.join(dir, 't'), pool });
    for (const e of tree)
      expect(Math.abs(fs.statSync(path.join(dir, 't', e.path)).mtimeMs - e.mtimeMs), e.path).toBeLessThanOrEqual(1);
  });

  // Not a finding (the old decoder caught msgpackr's RangeError too), kept as a guard: the shape check walks
  // without recursion, so a value nested 200,000 deep is refused before msgpackr recurses into it.
  it('deep-msgpack-nesting: refused as a damaged manifest, not a stack overflow', async () => {
    const a = buildArchive([{ path: 'f', type: FILE, mode: 0o644, mtimeMs: 0, data: Buffer.from('x') }]);
    a.plainOverride = Buffer.concat([
      Buffer.from([0x81, 0xa1, 0x76]),
      Buffer.alloc(200_000, 0x91),
      Buffer.from([0x01]),
    ]);
    expect((await checkArchiveBytes(seal(a), pool)).open).toBe('E_MANIFEST_CORRUPT');
  });
});
