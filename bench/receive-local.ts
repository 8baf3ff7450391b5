/**
 * `node bench/receive-local.ts <tree> [rounds]`: the receiver alone (receiveTree, real part files, renames, modes,
 * mtimes) fed by an in-memory ChunkPuller, so the receiving side's file creation is timed without a network or a
 * sender. Each round receives the whole tree into a fresh folder beside the tree's copy in the OS temp dir.
 * Prints wall time, user + system CPU and the load average. Compare settings (UV_THREADPOOL_SIZE, ...) by running
 * it interleaved within one session: figures on a shared machine swing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { paramsForAverage } from '../src/engine/codec/fastcdc.ts';
import { Codec } from '../src/engine/codec/compress.ts';
import { checkChunkReply } from '../src/engine/transfer/chunk-reply.ts';
import type { ChunkPuller, PullContext } from '../src/engine/transfer/puller.ts';
import { receiveTree } from '../src/engine/transfer/receive.ts';
import { buildTree } from '../src/engine/transfer/tree.ts';

const [treeArg, roundsArg] = process.argv.slice(2);
if (!treeArg) throw new Error('usage: node bench/receive-local.ts <tree> [rounds]');
const tree = buildTree(path.resolve(treeArg), paramsForAverage(64 * 1024));
const m = tree.manifest;
const chunks: Buffer[] = [];
for (let c = 0; c < m.chunkCount; c++) {
  const place = tree.locate(m.chunkId(c))!;
  const fd = fs.openSync(place.abs, 'r');
  const b = Buffer.allocUnsafe(place.length);
  fs.readSync(fd, b, 0, place.length, place.offset);
  fs.closeSync(fd);
  chunks.push(b);
}

/** Replies from memory, each judged by the shared check, written as a real puller writes (awaiting back-pressure). */
const puller: ChunkPuller = {
  async pull(ctx: PullContext) {
    for (const c of ctx.need) {
      const data = chunks[c];
      const v = checkChunkReply({ ok: true, codec: Codec.RAW, rawSize: data.length, data }, m.chunkId(c), data.length);
      if (!v.ok) throw new Error(v.reason);
      const w = ctx.write(c, v.data, data.length, 'memory');
      if (w) await w;
    }
  },
};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-recv-bench-'));
const rounds = Number(roundsArg ?? 3);
for (let r = 0; r < rounds; r++) {
  const target = path.join(work, `r${r}`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await receiveTree({ manifest: m, sources: [], puller, target, sid: `ab12cd${r}0` });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `receive ${res.files} files ${(res.bytes / 1e6).toFixed(0)} MB: ${wall.toFixed(2)} s wall, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, pool ${process.env.UV_THREADPOOL_SIZE ?? 4}, load ${os.loadavg()[0].toFixed(2)}`,
  );
  fs.rmSync(target, { recursive: true, force: true });
}
fs.rmSync(work, { recursive: true, force: true });
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
