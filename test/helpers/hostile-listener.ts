/**
 * A hostile listener as a real process (run with node, which strips the types), for `warp fetch` tests:
 * `node test/helpers/hostile-listener.ts <home> <kind>`. It answers hello like a listener, then answers `open`
 * with a crafted manifest: `deep` (one entry 30,000 directories deep), `object-path` (a header whose fields are
 * of the wrong type), or a good one whose chunk is answered by a batched `chunks` frame carrying one answer more
 * than was asked for (`extra-answers`), or a good manifest of which only the first half is sent before this process
 * kills itself (`half-manifest`: a sender dying while it sends the manifest). Prints `{"peerId","port"}` and serves
 * until killed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pack, unpack } from 'msgpackr';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import { encodeFrame } from '../../src/engine/net/frames.ts';
import { loadIdentity } from '../../src/engine/net/identity.ts';
import { WarpNode } from '../../src/engine/net/node.ts';
import { PROTOCOLS } from '../../src/engine/net/wire.ts';
import { localCaps } from '../../src/engine/transfer/protocol.ts';
import { buildTree } from '../../src/engine/transfer/tree.ts';

const [home, kind] = process.argv.slice(2);
const identity = await loadIdentity(home, { create: true });
const node = await WarpNode.create({ identity, listen: { host: '127.0.0.1', port: 0 }, isTrusted: () => true });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-hostile-l-'));
fs.writeFileSync(path.join(dir, 'f'), 'x');
// A manifest of some size, so that half of it is many frames' worth of bytes on the stream.
if (kind === 'half-manifest') for (let i = 0; i < 2000; i++) fs.writeFileSync(path.join(dir, `g${i}`), `file ${i}`);
const tree = buildTree(dir, paramsForAverage(16 * 1024));
fs.rmSync(dir, { recursive: true, force: true });
const raw = unpack(tree.manifest.encode()) as { entries: { paths: string[] } };
if (kind === 'deep') raw.entries.paths[0] = `${'d/'.repeat(30_000)}f`;
const manifest = pack(raw);
const root = tree.manifest.merkleRoot.toString('hex');

await node.handle(PROTOCOLS.control, async (ch) => {
  await ch.expect('hello', 'hello');
  await ch.write({ t: 'hello', ...localCaps({ streams: 2, window: 8, compress: false }) });
  await ch.expect('open', 'open');
  if (kind === 'object-path') ch.stream.send(encodeFrame({ t: 'manifest', sid: { a: 1 }, root: ['x'] }, manifest));
  else if (kind === 'half-manifest') {
    const frame = encodeFrame({ t: 'manifest', sid: 'ab'.repeat(16), root }, manifest);
    ch.stream.send(frame.subarray(0, frame.length - (manifest.length >> 1)));
    await new Promise((r) => setTimeout(r, 1000)); // the half is on its way
    process.kill(process.pid, 'SIGKILL');
  } else await ch.write({ t: 'manifest', sid: 'ab'.repeat(16), root }, manifest);
  await new Promise((r) => setTimeout(r, 5000));
});
if (kind === 'extra-answers')
  await node.handle(PROTOCOLS.chunks, async (ch) => {
    const f = await ch.read();
    if (f?.h.t !== 'get') return;
    const n = f.h.n + 1;
    const c = Array.from({ length: n }, () => 0);
    const r = Array.from({ length: n }, () => 1);
    ch.stream.send(encodeFrame({ t: 'chunks', i: 0, c, r, l: r }, Buffer.alloc(n, 'x')));
    await new Promise((res) => setTimeout(res, 5000));
  });
console.log(JSON.stringify({ peerId: node.peerId, port: node.port() }));
