/**
 * A transfer several times larger than the relay's per-connection byte cap finishes in one command: each time the
 * relay cuts the circuit at its cap, the fetch (or send) dials again and continues in the same session from the
 * chunks already verified in its part files, so the bytes the relay carries stay close to the tree's size.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { listFiles, tmpDir, writeTree } from '../helpers/tmp.ts';
import { startListener, type Listener } from '../transfer/peers.ts';
import { pairHomes, relayStatus, startRelay, type Relay } from './relay-peers.ts';

const CHUNKS = { WARP_TRANSFER_CHUNK_AVG: '64KiB', WARP_TRANSFER_STREAMS: '2' };
const CAP = 3_000_000;

function sameTree(a: string, b: string): void {
  const files = (d: string): string[] => listFiles(d).filter((p) => fs.lstatSync(path.join(d, p)).isFile());
  expect(files(a)).toEqual(files(b));
  for (const f of files(a))
    expect(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f).toBe(true);
}

function circuitOf(l: Listener): string {
  const first = JSON.parse(l.stdout().split('\n')[0]) as { addresses: string[] };
  const a = first.addresses.find((x) => x.includes('/p2p-circuit') && x.includes('/quic-v1/'));
  if (!a) throw new Error(`no relayed address in ${l.stdout().split('\n')[0]}`);
  return a;
}

/**
 * The relay's byte count once its status lines caught up (it prints one every 500 ms; `warp()` blocks this
 * process's event loop while a command runs, so the lines are read afterwards).
 */
async function carriedBytes(relay: Relay): Promise<number> {
  await new Promise((r) => setTimeout(r, 1500));
  return relayStatus(relay).bytes ?? 0;
}

describe('transfers through a byte-capped relay', () => {
  it('a fetch and a send of 4x the cap finish in one command each, byte-identical, moving little more than the tree', async () => {
    const dir = tmpDir('warp-relay-cap-');
    const root = path.join(dir, 'root');
    const tree = { 'a.bin': 5_000_000, 'b/c.bin': 4_000_000, 'b/d.bin': 3_000_000 };
    const total = Object.values(tree).reduce((x, y) => x + y, 0);
    writeTree(
      path.join(root, 'data'),
      Object.fromEntries(Object.entries(tree).map(([k, n]) => [k, crypto.randomBytes(n)])),
    );
    const homeA = path.join(dir, 'A');
    const homeB = path.join(dir, 'B');
    await pairHomes(homeA, homeB);
    const relay = await startRelay(path.join(dir, 'R'), ['--data-limit', String(CAP)]);
    const l = await startListener(homeB, root, ['--relay', relay.addr], CHUNKS);
    const via = circuitOf(l);

    const out = path.join(dir, 'out');
    const f = warp(['--json', 'fetch', `${via}:/data`, out], { home: homeA, env: CHUNKS });
    expect(f.status, f.stderr).toBe(0);
    sameTree(path.join(out, 'data'), path.join(root, 'data'));
    const cuts = f.json.filter(
      (x) => x.type === 'transfer.warning' && /cut the connection at its cap/.test(String(x.message)),
    );
    expect(cuts.length).toBeGreaterThanOrEqual(3); // 12 MB through 3 MB connections
    // One session, resumed in place: every chunk arrived once, give or take those in flight at each cut.
    const carried = await carriedBytes(relay);
    expect(carried).toBeGreaterThan(total);
    expect(carried).toBeLessThan(total * 2);
    expect(listFiles(out).filter((p) => p.includes('.warp-part-'))).toEqual([]);

    // The other way: a tree the listener has no chunk of (nothing to take from its own files).
    const src = path.join(dir, 'src', 'up');
    writeTree(src, { 'x.bin': crypto.randomBytes(7_000_000), 'y/z.bin': crypto.randomBytes(5_000_000) });
    const before = carried;
    const s = warp(['--json', 'send', src, `${via}:/incoming`], { home: homeA, env: CHUNKS });
    expect(s.status, s.stderr).toBe(0);
    sameTree(path.join(root, 'incoming', 'up'), src);
    const sent = (await carriedBytes(relay)) - before;
    expect(sent).toBeGreaterThan(12_000_000);
    expect(sent).toBeLessThan(12_000_000 * 2);
    await l.stop();
    await relay.kill();
  }, 300_000);
});
