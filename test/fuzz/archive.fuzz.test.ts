/**
 * Fuzzes the archive reader, verify and extract with structure-aware mutations of valid archives (every
 * checksum and MAC recomputed, see archive-model.ts / mutate-archive.ts), plain and encrypted. Invariants
 * (harness.ts): no crash (only WarpErrors with archive codes, never exit 1), nothing written outside the
 * target, no temporary file left, bounded memory. Unmutated archives must extract to exactly their tree.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArchive } from '../../src/engine/archive/index.ts';
import { createChunkPool } from '../../src/engine/codec/chunk-pool.ts';
import { readTree } from '../helpers/tmp.ts';
import { buildArchive, cloneArchive, seal, FILE, DIR, SYMLINK, type TreeEntry } from './archive-model.ts';
import { checkArchiveBytes, fuzzTimeout, prepareOutside, removeOutside, runFuzz } from './harness.ts';
import { mutations, trees } from './mutate-archive.ts';

const pool = createChunkPool(2);
/** Format 1, format 2 with one chunk per unit, format 2 with units of several chunks. */
const layouts = fc.constantFrom(
  { version: 1 },
  { version: 2 },
  { version: 2, unitChunks: 3 },
  { version: 2, unitChunks: 64 },
);
const MASTER = crypto.randomBytes(32);
beforeAll(prepareOutside);
afterAll(async () => {
  await pool.close();
  removeOutside();
});

describe('archive fuzzing', () => {
  it(
    'valid generated archives extract to exactly their tree (plain and encrypted, raw and zstd chunks)',
    async () => {
      await runFuzz(
        'archive-valid',
        fc.asyncProperty(
          trees,
          fc.boolean(),
          fc.boolean(),
          layouts,
          async (tree: TreeEntry[], encrypted: boolean, compress: boolean, layout) => {
            const bytes = seal(buildArchive(tree, { masterKey: encrypted ? MASTER : undefined, compress, ...layout }));
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-fuzz-valid-'));
            try {
              fs.writeFileSync(path.join(dir, 'a.warp'), bytes);
              await extractArchive({
                archive: path.join(dir, 'a.warp'),
                target: path.join(dir, 't'),
                pool,
                key: encrypted ? { kind: 'key', key: MASTER } : undefined,
              });
              const got = readTree(path.join(dir, 't'));
              for (const e of tree) {
                const g = got[e.path];
                expect(g?.type, e.path).toBe(e.type === FILE ? 'file' : e.type === DIR ? 'dir' : 'symlink');
                if (e.type === FILE)
                  expect(Buffer.from(g.data!, 'base64').equals(Buffer.from(e.data!)), e.path).toBe(true);
                if (e.type === SYMLINK) expect(g.link).toBe(e.link);
                // Times go through seconds as a double: within a millisecond.
                if (e.type !== SYMLINK) expect(Math.abs(g.mtimeMs - e.mtimeMs)).toBeLessThanOrEqual(1);
              }
              expect(Object.keys(got).length).toBe(tree.length);
            } finally {
              fs.rmSync(dir, { recursive: true, force: true });
            }
          },
        ),
        150,
      );
    },
    fuzzTimeout(60_000),
  );

  it(
    'mutated archives (checksums and MACs recomputed) never crash, escape, leak temporaries or balloon',
    async () => {
      const outcomes = new Map<string, number>();
      await runFuzz(
        'archive-mutated',
        fc.asyncProperty(trees, fc.boolean(), layouts, mutations, async (tree, encrypted, layout, muts) => {
          const a = cloneArchive(
            buildArchive(tree, { masterKey: encrypted ? MASTER : undefined, compress: true, ...layout }),
          );
          let keepStoredSizes = false;
          for (const m of muts) keepStoredSizes = (m(a) ?? {}).keepStoredSizes === true || keepStoredSizes;
          const bytes = seal(a, { keepStoredSizes });
          const o = await checkArchiveBytes(bytes, pool, encrypted ? { kind: 'key', key: MASTER } : undefined);
          const k = `${o.open}/${o.verify ?? '-'}/${o.extract ?? '-'}`;
          outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
        }),
        1200,
      );
      // The mutations reach past the first check: some archives open and then fail (or pass) later steps.
      const keys = [...outcomes.keys()];
      expect(keys.some((k) => k.startsWith('E_MANIFEST_CORRUPT'))).toBe(true);
      expect(keys.some((k) => k.startsWith('ok/'))).toBe(true);
      console.log('outcomes', Object.fromEntries([...outcomes].sort((x, y) => y[1] - x[1])));
    },
    fuzzTimeout(100_000),
  );
});
