import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FORMAT_VERSION, HEADER_BYTES } from '../../src/engine/archive/format.ts';
import {
  ArchiveReader,
  EntryType,
  createArchive,
  extractArchive,
  verifyArchive,
} from '../../src/engine/archive/index.ts';
import { IN_UNIT } from '../../src/engine/model/unit-codes.ts';
import { createChunkPool } from '../../src/engine/codec/chunk-pool.ts';
import { FIXTURE_KEY, FIXTURE_MTIME, fixtureTree, pattern } from '../fixtures/archive-v1/tree.ts';
import { rewriteManifest } from '../helpers/craft.ts';
import { listFiles, tmpDir, writeTree, type TreeSpec } from '../helpers/tmp.ts';

const pool = createChunkPool(2);
afterAll(() => pool.close());
const fixtures = path.join(import.meta.dirname, '../fixtures/archive-v1');

describe('format version 1 archives (written before units existed)', () => {
  for (const [name, key] of [
    ['tree.warp', undefined],
    ['tree-key.warp', { kind: 'key' as const, key: FIXTURE_KEY }],
  ] as const) {
    it(`${name}: opens, verifies and extracts byte-identical with today's reader`, async () => {
      const file = path.join(fixtures, name);
      const reader = await ArchiveReader.open(file, key);
      expect(reader.header.version).toBe(1);
      expect(reader.units.count).toBe(reader.manifest.chunkCount); // one unit per chunk
      expect(reader.manifest.refsOf(reader.manifest.indexOfPath('tree/big/multi.bin')).length).toBeGreaterThan(1);
      reader.close();

      const report = await verifyArchive({ archive: file, key, pool });
      expect(report.ok, JSON.stringify(report.badFiles)).toBe(true);
      expect(report.files).toBe(6);

      const out = tmpDir();
      const r = await extractArchive({ archive: file, target: out, key, pool });
      expect(r.files).toBe(6);
      for (const [rel, v] of Object.entries(fixtureTree())) {
        const abs = path.join(out, 'tree', rel);
        if (v === null) expect(fs.statSync(abs).isDirectory()).toBe(true);
        else if (typeof v === 'object' && !Buffer.isBuffer(v)) expect(fs.readlinkSync(abs)).toBe(v.link);
        else {
          expect(fs.readFileSync(abs).equals(Buffer.from(v)), rel).toBe(true);
          expect(Math.floor(fs.statSync(abs).mtimeMs)).toBe(FIXTURE_MTIME.getTime());
        }
      }
    });
  }

  it('selective extract of one file from a version-1 archive', async () => {
    const out = tmpDir();
    await extractArchive({
      archive: path.join(fixtures, 'tree.warp'),
      target: out,
      paths: ['tree/big/multi.bin'],
      pool,
    });
    expect(listFiles(out)).toEqual(['tree', 'tree/big', 'tree/big/multi.bin']);
    expect(fs.readFileSync(path.join(out, 'tree/big/multi.bin')).equals(fixtureTree()['big/multi.bin'] as Buffer)).toBe(
      true,
    );
  });

  it('a version-1 archive may not use the in-unit codec of version 2', async () => {
    const file = path.join(tmpDir(), 'v1.warp');
    fs.copyFileSync(path.join(fixtures, 'tree.warp'), file);
    rewriteManifest(file, (m) => {
      const ch = m.chunks as { codec: Uint8Array; stored: Uint8Array };
      ch.codec = Uint8Array.from(ch.codec, (c, i) => (i === 1 ? IN_UNIT : c));
    });
    await expect(ArchiveReader.open(file)).rejects.toMatchObject({
      code: 'E_MANIFEST_CORRUPT',
      message: /unknown codec 2/,
    });
  });
});

/** 1,200 small text files (~30 MB raw): several units of many files each. */
function smallFiles(): TreeSpec {
  const spec: TreeSpec = {};
  for (let i = 0; i < 1200; i++)
    spec[`src/d${i % 7}/f${String(i).padStart(4, '0')}.c`] = pattern(20_000 + (i % 13) * 1000, i + 1, true);
  spec['src/big.bin'] = pattern(3_000_000, 999, false);
  return spec;
}

async function bundled(key?: { kind: 'key'; key: Uint8Array }): Promise<{ dir: string; src: string; file: string }> {
  const dir = tmpDir();
  const src = path.join(dir, 'src');
  writeTree(dir, smallFiles());
  const file = path.join(dir, 'a.warp');
  await createArchive({ inputs: [src], output: file, pool, key });
  return { dir, src, file };
}

/** Files (relative to the archive root) that use a chunk of unit u. */
function filesInUnit(reader: ArchiveReader, u: number): string[] {
  const m = reader.manifest;
  const out: string[] = [];
  for (let i = 0; i < m.entryCount; i++) {
    if (m.entry(i).type !== EntryType.FILE) continue;
    if ([...m.refsOf(i)].some((c) => reader.units.unitOf(c) === u)) out.push(m.entry(i).path);
  }
  return out;
}

describe('format version 2: small files bundled into units', () => {
  it('many small files share units; the round trip is byte-identical', async () => {
    const { dir, src, file } = await bundled();
    const reader = await ArchiveReader.open(file);
    expect(reader.header.version).toBe(FORMAT_VERSION);
    expect(reader.units.count).toBeGreaterThan(2);
    expect(reader.units.count).toBeLessThan(reader.manifest.chunkCount / 10);
    const m = reader.manifest;
    let continuing = 0;
    for (let c = 0; c < m.chunkCount; c++) if (m.chunkCodec(c) === IN_UNIT) continuing++;
    expect(continuing).toBe(m.chunkCount - reader.units.count);
    reader.close();
    expect((await verifyArchive({ archive: file, pool })).ok).toBe(true);
    const out = path.join(dir, 'out');
    await extractArchive({ archive: file, target: out, pool });
    for (const rel of listFiles(src)) {
      const a = path.join(src, rel);
      if (fs.statSync(a).isFile())
        expect(fs.readFileSync(path.join(out, 'src', rel)).equals(fs.readFileSync(a)), rel).toBe(true);
    }
  });

  for (const encrypted of [false, true]) {
    it(`damage inside one unit${encrypted ? ' (encrypted)' : ''}: verify names its files, extract restores every other file`, async () => {
      const key = encrypted ? { kind: 'key' as const, key: Buffer.alloc(32, 3) } : undefined;
      const { dir, src, file } = await bundled(key);
      const reader = await ArchiveReader.open(file, key);
      // The second unit of several chunks: units before and after it stay readable.
      const multi = Array.from({ length: reader.units.count }, (_, k) => k).filter(
        (k) => reader.units.endChunk(k) - reader.units.firstChunk(k) > 1,
      );
      expect(multi.length).toBeGreaterThan(2);
      const u = multi[1];
      const hit = filesInUnit(reader, u);
      const at = HEADER_BYTES + reader.units.offset(u) + Math.floor(reader.units.storedSize(u) / 2);
      reader.close();
      const buf = fs.readFileSync(file);
      buf[at] ^= 0x5a;
      fs.writeFileSync(file, buf);

      const report = await verifyArchive({ archive: file, key, pool });
      expect(report.ok).toBe(false);
      expect(report.merkleRootOk).toBe(true);
      const named = new Set(report.badChunks.flatMap((b) => b.files));
      expect(named.size).toBeGreaterThan(0);
      for (const p of named) expect(hit).toContain(p);
      expect(new Set(report.badFiles.map((f) => f.path))).toEqual(named);

      const out = path.join(dir, 'out');
      const err = await extractArchive({ archive: file, target: out, key, pool }).then(
        () => undefined,
        (e) => e,
      );
      expect(err?.code).toBe('E_VERIFY_FAILED');
      const failed = new Set((err.details.failed as Array<{ path: string }>).map((f) => f.path));
      expect(failed).toEqual(named);
      for (const rel of listFiles(src)) {
        const a = path.join(src, rel);
        if (!fs.statSync(a).isFile()) continue;
        const p = `src/${rel}`;
        if (named.has(p)) expect(fs.existsSync(path.join(out, p)), p).toBe(false);
        else expect(fs.readFileSync(path.join(out, p)).equals(fs.readFileSync(a)), p).toBe(true);
      }
      expect(listFiles(out).filter((f) => f.includes('.warp-tmp-'))).toEqual([]);
    });
  }

  it('selective extract of a file in the middle of a unit', async () => {
    const { dir, src, file } = await bundled();
    const reader = await ArchiveReader.open(file);
    const m = reader.manifest;
    let pick = '';
    for (let i = 0; i < m.entryCount && !pick; i++) {
      const refs = m.refsOf(i);
      if (
        m.entry(i).type === EntryType.FILE &&
        refs.length === 1 &&
        m.chunkCodec(refs[0]) === IN_UNIT &&
        reader.units.endChunk(reader.units.unitOf(refs[0])) > refs[0] + 1
      )
        pick = m.entry(i).path;
    }
    reader.close();
    expect(pick).not.toBe('');
    const out = path.join(dir, 'one');
    const r = await extractArchive({ archive: file, target: out, paths: [pick], pool });
    expect(r.files).toBe(1);
    expect(listFiles(out).filter((f) => fs.statSync(path.join(out, f)).isFile())).toEqual([pick]);
    expect(
      fs.readFileSync(path.join(out, pick)).equals(fs.readFileSync(path.join(src, pick.slice('src/'.length)))),
    ).toBe(true);
  });
});
