/**
 * The WebGPU backend: host code for the WGSL k-best kernel. It takes a device from the host (Chromium's
 * navigator.gpu in the renderer, the Node `webgpu` package in tests and the CLI) and never acquires one itself.
 *
 * Runs are split into batches that respect the device's binding-size limits (128 MiB storage bindings on
 * compatibility-mode adapters): a full run walks contiguous chunk ranges and uploads the model's pair slice
 * as is; an incremental run gathers the listed chunks into compact batches. Results are copied back into the
 * model's kEdge / kCost arrays, so everything after scoring is the same host code as with the CPU backend.
 */
import { ErrorCodes, WarpError } from '../../core/errors.ts';
import type { AdapterSummary, BackendDescription, SchedBackend, ScoreInput } from '../backend.ts';
import { EDGE_PARAM_STRIDE } from '../cost.ts';
import type { SchedModel } from '../model.ts';
import { BufferUsage, MapMode, type GpuBufferLike, type GpuDeviceLike } from './gpu-types.ts';
import { KBEST_WGSL, WORKGROUP_SIZE } from './kbest-wgsl.ts';

export interface WebGpuBackendOptions {
  /** What the adapter was (for labels and `warp info`); optional. */
  adapter?: AdapterSummary;
  /** Upper bounds per batch (tests lower them to exercise batching). Clamped to the device limits. */
  maxBatchChunks?: number;
  maxBatchPairs?: number;
  /** Destroy the device on dispose (when the backend created it). */
  ownsDevice?: boolean;
}

/** Default cap per batch: keeps the output and staging buffers at 64 MiB with k = 8. */
const DEFAULT_BATCH_CHUNKS = 1 << 20;

export class WebGpuBackend implements SchedBackend {
  readonly description: BackendDescription;
  private readonly device: GpuDeviceLike;
  private readonly pipeline: { getBindGroupLayout(index: number): unknown };
  private readonly maxBatchChunks: number;
  private readonly maxBatchPairs: number;
  private readonly uniform: GpuBufferLike;
  private chunkBuf: GpuBufferLike | undefined;
  private pairBuf: GpuBufferLike | undefined;
  private edgeBuf: GpuBufferLike | undefined;
  private outBuf: GpuBufferLike | undefined;
  private readBuf: GpuBufferLike | undefined;
  private scratchRecords = new Uint32Array(0);
  private scratchPairs = new Uint32Array(0);
  private disposed = false;
  private readonly ownsDevice: boolean;

  private constructor(
    device: GpuDeviceLike,
    pipeline: { getBindGroupLayout(index: number): unknown },
    opts: WebGpuBackendOptions,
  ) {
    this.device = device;
    this.pipeline = pipeline;
    const limits = device.limits;
    const binding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    const wgLimit = limits.maxComputeWorkgroupsPerDimension;
    // Output is 8 bytes per (chunk, slot) with k up to 8; the 2-D dispatch allows wgLimit² workgroups.
    const chunksByBinding = Math.floor(binding / (8 * 8)) - 1;
    const chunksByDispatch = wgLimit * wgLimit * WORKGROUP_SIZE;
    this.maxBatchChunks = Math.max(
      1,
      Math.min(opts.maxBatchChunks ?? DEFAULT_BATCH_CHUNKS, chunksByBinding, chunksByDispatch),
    );
    this.maxBatchPairs = Math.max(1, Math.min(opts.maxBatchPairs ?? Math.floor(binding / 4), Math.floor(binding / 4)));
    this.uniform = device.createBuffer({
      size: 16,
      usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
      label: 'sched-params',
    });
    const a = opts.adapter;
    const name = a
      ? [a.device || a.architecture || a.vendor, a.description].filter(Boolean).join(' / ') || 'adapter'
      : 'device';
    this.description = { kind: 'webgpu', label: `webgpu: ${name}${a?.software ? ' (software)' : ''}`, adapter: a };
    this.ownsDevice = opts.ownsDevice ?? false;
  }

  /** Compiles the kernel on `device`; throws E_GPU_UNAVAILABLE when the device rejects it. */
  static async create(device: GpuDeviceLike, opts: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code: KBEST_WGSL, label: 'sched-kbest' });
    const info = module.getCompilationInfo ? await module.getCompilationInfo() : undefined;
    const errors = info?.messages.filter((msg) => msg.type === 'error') ?? [];
    const pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module, entryPoint: 'main' },
      label: 'sched-kbest',
    });
    const err = await device.popErrorScope();
    if (errors.length > 0 || err) {
      const text = errors.map((e) => `line ${e.lineNum}: ${e.message}`).join('; ') || err?.message || 'unknown error';
      throw new WarpError(ErrorCodes.GPU_UNAVAILABLE, `the WebGPU device rejected the scheduler kernel: ${text}`);
    }
    return new WebGpuBackend(device, pipeline, opts);
  }

  async scoreAll(input: ScoreInput): Promise<void> {
    const m = input.model;
    this.uploadEdges(input);
    let c0 = 0;
    while (c0 < m.chunkCount) {
      let c1 = Math.min(m.chunkCount, c0 + this.maxBatchChunks);
      // Shrink the range until its pairs fit one binding (binary search on the CSR offsets).
      const base = m.availStart[c0];
      if (m.availStart[c1] - base > this.maxBatchPairs) {
        let lo = c0 + 1;
        let hi = c1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1;
          if (m.availStart[mid] - base <= this.maxBatchPairs) lo = mid;
          else hi = mid - 1;
        }
        c1 = lo;
        this.checkChunkFits(m, c0);
      }
      const n = c1 - c0;
      const records = this.records(n);
      const sizeBits = new Uint32Array(m.costSize.buffer, m.costSize.byteOffset, m.costSize.length);
      for (let i = 0; i < n; i++) {
        records[2 * i] = sizeBits[c0 + i];
        records[2 * i + 1] = m.availStart[c0 + i];
      }
      records[2 * n] = 0;
      records[2 * n + 1] = m.availStart[c1];
      const pairs = plainView(m.pairs.subarray(base, m.availStart[c1]), () =>
        this.pairScratch(m.availStart[c1] - base),
      );
      const out = await this.runBatch(input, n, records, pairs, base);
      this.scatterRange(m, c0, n, out);
      c0 = c1;
    }
  }

  async scoreChunks(input: ScoreInput, chunks: Uint32Array, count: number): Promise<void> {
    const m = input.model;
    this.uploadEdges(input);
    const sizeBits = new Uint32Array(m.costSize.buffer, m.costSize.byteOffset, m.costSize.length);
    let i = 0;
    while (i < count) {
      // Gather as many listed chunks as fit one batch into compact records and pairs.
      const records = this.records(Math.min(this.maxBatchChunks, count - i));
      let n = 0;
      let p = 0;
      const first = i;
      while (i < count && n < this.maxBatchChunks) {
        const c = chunks[i];
        const deg = m.availStart[c + 1] - m.availStart[c];
        if (p + deg > this.maxBatchPairs) {
          if (n === 0) this.checkChunkFits(m, c);
          break;
        }
        const pairs = this.pairScratch(p + deg, true);
        pairs.set(m.pairs.subarray(m.availStart[c], m.availStart[c + 1]), p);
        records[2 * n] = sizeBits[c];
        records[2 * n + 1] = p;
        p += deg;
        n++;
        i++;
      }
      records[2 * n] = 0;
      records[2 * n + 1] = p;
      const out = await this.runBatch(input, n, records, this.scratchPairs.subarray(0, Math.max(1, p)), 0);
      this.scatterList(m, chunks, first, n, out);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of [this.uniform, this.chunkBuf, this.pairBuf, this.edgeBuf, this.outBuf, this.readBuf]) b?.destroy();
    if (this.ownsDevice) this.device.destroy();
  }

  // ------------------------------------------------------------------ internals

  private async runBatch(
    input: ScoreInput,
    n: number,
    records: Uint32Array,
    pairs: Uint32Array,
    pairBase: number,
  ): Promise<Uint32Array> {
    const d = this.device;
    const k = input.model.k;
    const outBytes = n * k * 8;
    this.chunkBuf = ensureBuffer(
      d,
      this.chunkBuf,
      (n + 1) * 8,
      BufferUsage.STORAGE | BufferUsage.COPY_DST,
      'sched-chunks',
    );
    this.pairBuf = ensureBuffer(
      d,
      this.pairBuf,
      Math.max(4, pairs.byteLength),
      BufferUsage.STORAGE | BufferUsage.COPY_DST,
      'sched-pairs',
    );
    this.outBuf = ensureBuffer(d, this.outBuf, outBytes, BufferUsage.STORAGE | BufferUsage.COPY_SRC, 'sched-out');
    this.readBuf = ensureBuffer(d, this.readBuf, outBytes, BufferUsage.MAP_READ | BufferUsage.COPY_DST, 'sched-read');
    d.queue.writeBuffer(this.uniform, 0, new Uint32Array([n, k, input.maxFailuresPerEdge, pairBase]));
    d.queue.writeBuffer(this.chunkBuf, 0, records, 0, (n + 1) * 2);
    if (pairs.length > 0) d.queue.writeBuffer(this.pairBuf, 0, pairs);
    const group = d.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniform } },
        { binding: 1, resource: { buffer: this.chunkBuf, size: (n + 1) * 8 } },
        { binding: 2, resource: { buffer: this.pairBuf, size: Math.max(4, pairs.byteLength) } },
        {
          binding: 3,
          resource: { buffer: this.edgeBuf!, size: Math.max(1, input.params.count) * EDGE_PARAM_STRIDE * 4 },
        },
        { binding: 4, resource: { buffer: this.outBuf, size: outBytes } },
      ],
    });
    const enc = d.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    const groups = Math.ceil(n / WORKGROUP_SIZE);
    const x = Math.min(groups, d.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, Math.ceil(groups / x));
    pass.end();
    enc.copyBufferToBuffer(this.outBuf, 0, this.readBuf, 0, outBytes);
    d.queue.submit([enc.finish()]);
    await this.readBuf.mapAsync(MapMode.READ, 0, outBytes);
    const out = new Uint32Array(this.readBuf.getMappedRange(0, outBytes).slice(0));
    this.readBuf.unmap();
    return out;
  }

  private uploadEdges(input: ScoreInput): void {
    const words = input.params.words();
    this.edgeBuf = ensureBuffer(
      this.device,
      this.edgeBuf,
      words.byteLength,
      BufferUsage.STORAGE | BufferUsage.COPY_DST,
      'sched-edges',
    );
    this.device.queue.writeBuffer(this.edgeBuf, 0, words);
  }

  private scatterRange(m: SchedModel, c0: number, n: number, out: Uint32Array): void {
    const k = m.k;
    const costBits = new Uint32Array(m.kCost.buffer, m.kCost.byteOffset, m.kCost.length);
    const o = c0 * k;
    for (let i = 0; i < n * k; i++) {
      m.kEdge[o + i] = out[2 * i];
      costBits[o + i] = out[2 * i + 1];
    }
  }

  private scatterList(m: SchedModel, chunks: Uint32Array, first: number, n: number, out: Uint32Array): void {
    const k = m.k;
    const costBits = new Uint32Array(m.kCost.buffer, m.kCost.byteOffset, m.kCost.length);
    for (let i = 0; i < n; i++) {
      const o = chunks[first + i] * k;
      for (let s = 0; s < k; s++) {
        m.kEdge[o + s] = out[2 * (i * k + s)];
        costBits[o + s] = out[2 * (i * k + s) + 1];
      }
    }
  }

  private records(n: number): Uint32Array {
    if (this.scratchRecords.length < (n + 1) * 2) this.scratchRecords = new Uint32Array((n + 1) * 2);
    return this.scratchRecords;
  }

  private pairScratch(n: number, keep = false): Uint32Array {
    if (this.scratchPairs.length < n) {
      const next = new Uint32Array(Math.max(n, this.scratchPairs.length * 2, 1024));
      if (keep) next.set(this.scratchPairs);
      this.scratchPairs = next;
    }
    return this.scratchPairs.subarray(0, n);
  }

  private checkChunkFits(m: SchedModel, c: number): void {
    const deg = m.availStart[c + 1] - m.availStart[c];
    if (deg > this.maxBatchPairs)
      throw new WarpError(
        ErrorCodes.INTERNAL,
        `chunk ${c} has ${deg} replicas, more than one GPU batch holds (${this.maxBatchPairs})`,
      );
  }
}

function ensureBuffer(
  d: GpuDeviceLike,
  buf: GpuBufferLike | undefined,
  bytes: number,
  usage: number,
  label: string,
): GpuBufferLike {
  const size = Math.ceil(Math.max(16, bytes) / 16) * 16;
  if (buf && buf.size >= size) return buf;
  buf?.destroy();
  // Grow geometrically so a run of slightly larger batches does not reallocate every time.
  return d.createBuffer({
    size: Math.max(size, buf ? Math.min(buf.size * 2, d.limits.maxBufferSize) : 0),
    usage,
    label,
  });
}

/** writeBuffer wants plain ArrayBuffer-backed data on some implementations: copy views of shared memory. */
function plainView(view: Uint32Array, scratch: () => Uint32Array): Uint32Array {
  if (typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer) {
    const s = scratch();
    s.set(view);
    return s;
  }
  return view;
}
