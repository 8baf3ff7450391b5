/**
 * The share page's streaming zip writer (src/share-page/zip.ts), checked by independent readers: Python's
 * zipfile (CRC of every member, sizes, names, zip64 records) and Info-ZIP's `unzip -t` where installed. The zip64
 * path is forced on small data (a real >4 GiB member would take minutes), so both layouts are proven.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, ZipWriter } from '../../src/share-page/zip.ts';
import { tmpDir } from '../helpers/tmp.ts';

async function* parts(b: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let o = 0; o < b.length; o += size) yield b.subarray(o, o + size);
}

async function build(files: Record<string, Buffer>, dirs: string[], zip64: boolean): Promise<Buffer> {
  const z = new ZipWriter({ zip64 });
  const out: Uint8Array[] = [];
  for (const d of dirs) for (const b of z.dir(d, Date.UTC(2024, 4, 1))) out.push(b);
  for (const [name, data] of Object.entries(files))
    for await (const b of z.file(name, data.length, Date.UTC(2024, 4, 2, 10, 30), parts(data, 65_537))) out.push(b);
  for (const b of z.finish()) out.push(b);
  return Buffer.concat(out);
}

const PY = `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
bad = z.testzip()
print(json.dumps({"bad": bad, "members": {i.filename: [i.file_size, i.CRC] for i in z.infolist()},
  "first": z.read(z.infolist()[-1]).hex()[:16]}))
`;

describe('streaming zip writer', () => {
  it('crc32 equals zlib.crc32, in pieces too', () => {
    const b = crypto.randomBytes(1_000_003);
    expect(crc32(b)).toBe(zlib.crc32(b));
    expect(crc32(b.subarray(5)), 'continued').toBe(zlib.crc32(b.subarray(5)));
    expect(crc32(b.subarray(777), crc32(b.subarray(0, 777)))).toBe(zlib.crc32(b));
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  for (const zip64 of [false, true]) {
    it(`writes a zip that Python and unzip read back exactly${zip64 ? ' (zip64 records)' : ''}`, async () => {
      const files: Record<string, Buffer> = {
        'trip/a.bin': crypto.randomBytes(300_000),
        'trip/empty.txt': Buffer.alloc(0),
        'trip/é ü/naïve – name.txt': Buffer.from('unicode names stay UTF-8\n'),
      };
      const zip = await build(files, ['trip', 'trip/empty-dir'], zip64);
      const dir = tmpDir('warp-zip-');
      const file = path.join(dir, 'out.zip');
      fs.writeFileSync(file, zip);
      const py = spawnSync('python3', ['-c', PY, file], { encoding: 'utf8' });
      const unzip = spawnSync('unzip', ['-o', '-q', file, '-d', path.join(dir, 'x')], { encoding: 'utf8' });
      expect(py.error && unzip.error, 'neither python3 nor unzip is installed to check the zip').toBeFalsy();
      if (!py.error) {
        expect(py.status, py.stderr).toBe(0);
        const r = JSON.parse(py.stdout) as { bad: string | null; members: Record<string, [number, number]> };
        expect(r.bad).toBeNull();
        for (const [name, data] of Object.entries(files))
          expect(r.members[name]).toEqual([data.length, zlib.crc32(data)]);
        expect(r.members['trip/empty-dir/']).toEqual([0, 0]);
      }
      if (zip64) expect(zip.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
      if (!unzip.error) {
        expect(unzip.status, unzip.stderr).toBe(0);
        for (const [name, data] of Object.entries(files))
          expect(fs.readFileSync(path.join(dir, 'x', name)).equals(data), name).toBe(true);
        expect(fs.statSync(path.join(dir, 'x', 'trip', 'empty-dir')).isDirectory()).toBe(true);
      }
    });
  }

  it('refuses a member whose bytes differ from the announced size', async () => {
    const z = new ZipWriter();
    const run = async () => {
      for await (const _ of z.file('x', 10, 0, parts(Buffer.alloc(9), 4))) void _;
    };
    await expect(run()).rejects.toThrow(/9 bytes where 10 were announced/);
  });
});
