/**
 * The receiver's chunk store: chunks of an old version that a transfer replaced are kept (bounded), so
 * undoing the edit on the sender moves nothing; with transfer.store_max = 0 nothing is kept and the undo
 * moves the edited region again.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';
import { peerIdOf, startListener } from './peers.ts';

const ENV = { WARP_TRANSFER_CHUNK_AVG: '16KiB' };
const sha = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

/** Bytes of chunk files in a home's store. */
function storedBytes(home: string): number {
  const chunks = path.join(home, 'store', 'chunks');
  let stored = 0;
  if (fs.existsSync(chunks))
    for (const s of fs.readdirSync(chunks))
      for (const n of fs.readdirSync(path.join(chunks, s))) stored += fs.statSync(path.join(chunks, s, n)).size;
  return stored;
}

async function editThenUndo(
  storeMax: string | undefined,
): Promise<{ undoFetched: number; editFetched: number; stored: number }> {
  const dir = tmpDir('warp-keep-');
  const homeA = path.join(dir, 'homeA');
  const homeB = path.join(dir, 'homeB');
  const root = path.join(dir, 'root');
  const src = path.join(dir, 'src', 'data');
  fs.mkdirSync(root, { recursive: true });
  const original = crypto.randomBytes(2_000_000);
  writeTree(src, { 'a.bin': original, 'other.txt': 'unchanged\n' });
  const idA = peerIdOf(homeA);
  const envB = storeMax === undefined ? ENV : { ...ENV, WARP_TRANSFER_STORE_MAX: storeMax };
  const l = await startListener(homeB, root, ['--allow', idA], envB);
  try {
    const send = (): Record<string, unknown> => {
      const r = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA, env: ENV });
      expect(r.status, r.stderr).toBe(0);
      expect(sha(path.join(root, 'in', 'data', 'a.bin'))).toBe(sha(path.join(src, 'a.bin')));
      return r.json.at(-1)!;
    };
    send();
    const edited = Buffer.from(original);
    crypto.randomBytes(100_000).copy(edited, 900_000);
    fs.writeFileSync(path.join(src, 'a.bin'), edited);
    const editFetched = send().fetchedBytes as number;
    // What the edit replaced, measured before the undo (which stores the chunks it replaces in turn).
    const stored = storedBytes(homeB);
    fs.writeFileSync(path.join(src, 'a.bin'), original); // undo
    const undoFetched = send().fetchedBytes as number;
    return { undoFetched, editFetched, stored };
  } finally {
    await l.stop();
  }
}

describe('chunk store on the receiver', () => {
  it('keeps the chunks an edit replaced: undoing the edit moves nothing', async () => {
    const r = await editThenUndo(undefined);
    expect(r.editFetched).toBeGreaterThan(100_000);
    // The replaced region: the 100 kB edit plus the chunks around it that CDC cut differently. Those differ
    // from the chunks fetched for the new version by at most a few chunks at each end (max chunk 64 KiB).
    expect(r.stored).toBeGreaterThan(100_000);
    expect(r.stored).toBeLessThan(r.editFetched + 4 * 65_536);
    expect(r.undoFetched).toBe(0);
  });

  it('with transfer.store_max = 0 nothing is kept and the undo moves the region again', async () => {
    const r = await editThenUndo('0');
    expect(r.stored).toBe(0);
    expect(r.undoFetched).toBeGreaterThan(100_000);
  });
});
