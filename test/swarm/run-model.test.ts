/**
 * The swarm's scheduler model as a download starts (swarm/run-model.ts): in-flight depth per edge, availability
 * from the `have` bitmaps, and the error when a chunk has no source, which must say why the sources are missing.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import { ErrorCodes, WarpError } from '../../src/engine/core/errors.ts';
import { CpuBackend, Scheduler } from '../../src/engine/sched/index.ts';
import { SwarmEdge } from '../../src/engine/swarm/edge.ts';
import { EdgeRegistry } from '../../src/engine/swarm/registry.ts';
import { PIPE_MIN_BYTES, buildModel, pipeDepth } from '../../src/engine/swarm/run-model.ts';
import { buildTree } from '../../src/engine/transfer/tree.ts';
import { tmpDir, writeTree } from '../helpers/tmp.ts';

function tree(): ReturnType<typeof buildTree>['manifest'] {
  const root = tmpDir();
  const spec: Record<string, Buffer> = {};
  for (let i = 0; i < 40; i++) spec[`t/f${i}.bin`] = crypto.randomBytes(3000 + i * 101);
  writeTree(root, spec);
  return buildTree(path.join(root, 't'), paramsForAverage(16 * 1024)).manifest;
}

const holdsAll = (n: number): Uint8Array => new Uint8Array(Math.ceil(n / 8)).fill(0xff);

describe('swarm run model', () => {
  it('in flight: bandwidth x 0.3 s, and 2 s of it up to 1 MiB, so the window does not cap what is measured', () => {
    // 12 KB chunks (the Linux tree) on an edge measured at 0.3 MB/s: 0.3 s of it would be 7 slots; 2 s is 50.
    expect(pipeDepth(0.3e6, 12_000, 256)).toBe(50);
    // Measured at 2 MB/s: 0.3 s is 600 KB, 2 s would be 4 MB; 1 MiB of 12 KB chunks is 87 slots.
    expect(pipeDepth(2e6, 12_000, 256)).toBe(Math.round(PIPE_MIN_BYTES / 12_000));
    // 1 MiB chunks at 25 MB/s: 0.3 s is ~7 chunks, more than the floor's one.
    expect(pipeDepth(25e6, 1 << 20, 256)).toBe(Math.round((25e6 * 0.3) / (1 << 20)));
    // A really slow peer (60 KB/s, 64 KiB chunks) holds the minimum of 4, not 1 MiB; never above the cap.
    expect(pipeDepth(60e3, 64 * 1024, 256)).toBe(4);
    expect(pipeDepth(1e9, 1000, 64)).toBe(64);
  });

  it('adds every edge and the chunks with their holders', () => {
    const m = tree();
    const sched = new Scheduler({ backend: new CpuBackend() });
    const edges = [0, 1].map((e) => new SwarmEdge(e, `peer${e}`));
    edges[0].holds = holdsAll(m.chunkCount);
    edges[1].holds = new Uint8Array(Math.ceil(m.chunkCount / 8)); // holds nothing
    const need = Array.from({ length: m.chunkCount }, (_, c) => c);
    const reg = new EdgeRegistry(tmpDir());
    const r = buildModel(sched, edges, m, need, {} as never, reg);
    expect(sched.model.edgeCount).toBe(2);
    expect(sched.model.chunkCount).toBe(m.chunkCount);
    expect(r.bytes).toBe(need.reduce((a, c) => a + m.chunkRawSize(c), 0));
    expect(sched.model.edgeDegree(0)).toBe(m.chunkCount);
    expect(sched.model.edgeDegree(1)).toBe(0);
  });

  it('a chunk no source holds stops the download and names each silent source with its error', () => {
    const m = tree();
    const sched = new Scheduler({ backend: new CpuBackend() });
    const edges = [0, 1].map((e) => new SwarmEdge(e, `peer${e}@127.0.0.1:${4000 + e}`));
    edges[0].lastError = "no answer to 'have': the connection was closed";
    const need = [0, 1, 2];
    let err: unknown;
    try {
      buildModel(sched, edges, m, need, {} as never, new EdgeRegistry(tmpDir()));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WarpError);
    expect((err as WarpError).code).toBe(ErrorCodes.CHUNK_UNAVAILABLE);
    expect((err as WarpError).message).toContain('3 of the 3 missing chunks');
    expect((err as WarpError).message).toContain(
      "peer0@127.0.0.1:4000: no answer to 'have': the connection was closed",
    );
    expect((err as WarpError).message).toContain('peer1@127.0.0.1:4001: not reached');
  });
});
