/** Names up to the file system's limit travel over the network (their part files used to overflow NAME_MAX). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { partName } from '../../src/engine/transfer/part-files.ts';
import { warp } from '../helpers/cli.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';
import { peerIdOf, startListener } from './peers.ts';

describe('long names over the network', () => {
  it('part names fit NAME_MAX for any legal name, stay distinct and stable', () => {
    const sid = 'ab'.repeat(16);
    for (const base of ['x', 'a'.repeat(211), 'a'.repeat(255), 'é'.repeat(127), '😀'.repeat(63)]) {
      const p = partName(path.join('/d', base), sid);
      expect(Buffer.byteLength(path.basename(p))).toBeLessThanOrEqual(255);
      expect(p).toBe(partName(path.join('/d', base), sid));
      expect(path.basename(p)).toContain('.warp-part-');
    }
    expect(partName('/d/' + 'a'.repeat(254) + 'b', sid)).not.toBe(partName('/d/' + 'a'.repeat(254) + 'c', sid));
  });

  it('fetch and send a file whose name is 255 bytes', async () => {
    const homeA = tmpDir();
    const homeB = tmpDir();
    const root = tmpDir();
    const long = 'n'.repeat(251) + '.txt';
    writeTree(root, { [`data/${long}`]: 'long name\n'.repeat(100) });
    const l = await startListener(homeB, root, ['--allow', peerIdOf(homeA)]);
    const out = tmpDir();
    const f = warp(['fetch', `${l.addr}:/data`, out], { home: homeA });
    expect(f.status, f.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'data', long), 'utf8')).toBe('long name\n'.repeat(100));
    const s = warp(['send', path.join(out, 'data'), `${l.addr}:/back`], { home: homeA });
    expect(s.status, s.stderr).toBe(0);
    expect(fs.readdirSync(path.join(root, 'back', 'data')).filter((n) => n.includes('warp-part'))).toEqual([]);
    expect(fs.existsSync(path.join(root, 'back', 'data', long))).toBe(true);
    await l.stop();
  }, 60_000);
});
