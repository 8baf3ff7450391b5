/**
 * Backend selection. WebGPU is chosen only when a hardware (non-fallback, non-software) adapter exists, or
 * when configuration forces it; the CPU backend otherwise. Software adapters (SwiftShader, llvmpipe, lavapipe)
 * are correct but slower than the CPU backend, so `auto` treats them like fallback adapters.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { AdapterSummary, BackendKind, SchedBackend } from './backend.ts';
import { CpuBackend, type CpuBackendOptions } from './cpu/backend.ts';
import { WebGpuBackend, type WebGpuBackendOptions } from './webgpu/backend.ts';
import type { GpuAdapterLike, GpuLike } from './webgpu/gpu-types.ts';

export type BackendPreference = 'auto' | BackendKind;

export interface SchedulerBackendReport {
  preference: BackendPreference;
  selected: BackendKind;
  reason: string;
  /** Undefined when no WebGPU implementation was given or none answered. */
  adapter?: AdapterSummary;
  webgpuAvailable: boolean;
}

const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|software|microsoft basic render/i;

export function summarizeAdapter(adapter: GpuAdapterLike, featureLevel: 'core' | 'compatibility'): AdapterSummary {
  const info = adapter.info ?? {};
  const fallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const software = fallback || SOFTWARE_NAMES.test(`${vendor} ${architecture} ${device} ${description}`);
  return {
    vendor,
    architecture,
    device,
    description,
    software,
    isFallbackAdapter: fallback,
    featureLevel,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
  };
}

/** "llvmpipe-llvm-15 / OpenGL ES 3.2 Mesa 22.3.6 (software)". */
export function adapterLabel(a: AdapterSummary): string {
  const name = [a.device || a.architecture || a.vendor, a.description].filter(Boolean).join(' / ') || 'adapter';
  return `${name}${a.software ? ' (software)' : ''}`;
}

/** Asks for a core adapter first, then a compatibility-mode one (OpenGL ES Dawn, older GPUs). */
export async function requestSchedulerAdapter(
  gpu: GpuLike,
): Promise<{ adapter: GpuAdapterLike; summary: AdapterSummary } | undefined> {
  const tries: { featureLevel: 'core' | 'compatibility'; opts: Parameters<GpuLike['requestAdapter']>[0] }[] = [
    { featureLevel: 'core', opts: { powerPreference: 'high-performance' } },
    { featureLevel: 'compatibility', opts: { powerPreference: 'high-performance', featureLevel: 'compatibility' } },
  ];
  for (const t of tries) {
    let adapter: GpuAdapterLike | null = null;
    try {
      adapter = await gpu.requestAdapter(t.opts);
    } catch {
      adapter = null;
    }
    if (adapter)
      return {
        adapter,
        summary: summarizeAdapter(adapter, adapter.featureLevel === 'compatibility' ? 'compatibility' : t.featureLevel),
      };
  }
  return undefined;
}

/** What `warp info` shows: the adapter found (if any) and which backend `auto` (or the preference) picks. */
export async function describeSchedulerBackends(
  gpu?: GpuLike,
  preference: BackendPreference = 'auto',
): Promise<SchedulerBackendReport> {
  const found = gpu ? await requestSchedulerAdapter(gpu) : undefined;
  return decide(preference, found?.summary, gpu !== undefined);
}

function decide(
  preference: BackendPreference,
  adapter: AdapterSummary | undefined,
  hadGpu: boolean,
): SchedulerBackendReport {
  const base = { preference, adapter, webgpuAvailable: adapter !== undefined };
  const what = adapter ? adapterLabel(adapter) : '';
  if (preference === 'cpu') return { ...base, selected: 'cpu', reason: 'configured: cpu' };
  if (preference === 'webgpu') {
    return adapter
      ? { ...base, selected: 'webgpu', reason: `configured: webgpu (${what})` }
      : {
          ...base,
          selected: 'cpu',
          reason: hadGpu
            ? 'webgpu was forced but no adapter was found'
            : 'webgpu was forced but this runtime has no WebGPU',
        };
  }
  if (!adapter)
    return {
      ...base,
      selected: 'cpu',
      reason: hadGpu ? 'no WebGPU adapter found' : 'no WebGPU implementation in this runtime',
    };
  if (adapter.software)
    return {
      ...base,
      selected: 'cpu',
      reason: `only a software/fallback adapter (${what}): the CPU backend is faster`,
    };
  return { ...base, selected: 'webgpu', reason: `hardware adapter ${what}` };
}

export interface CreateBackendOptions {
  gpu?: GpuLike;
  preference?: BackendPreference;
  cpu?: CpuBackendOptions;
  webgpu?: Omit<WebGpuBackendOptions, 'adapter' | 'ownsDevice'>;
  /** Raise the device's binding limits to the adapter's (large runs need fewer batches). */
  requestMaxLimits?: boolean;
}

/** Picks and builds a backend. A forced 'webgpu' without an adapter throws E_GPU_UNAVAILABLE. */
export async function createSchedulerBackend(
  opts: CreateBackendOptions = {},
): Promise<{ backend: SchedBackend; report: SchedulerBackendReport }> {
  const preference = opts.preference ?? 'auto';
  const found = opts.gpu && preference !== 'cpu' ? await requestSchedulerAdapter(opts.gpu) : undefined;
  const report = decide(preference, found?.summary, opts.gpu !== undefined);
  if (preference === 'webgpu' && !found)
    throw new WarpError(
      ErrorCodes.GPU_UNAVAILABLE,
      `the webgpu scheduler backend was requested but ${report.reason.replace(/^webgpu was forced but /, '')}`,
    );
  if (report.selected === 'webgpu' && found) {
    const l = found.adapter.limits;
    const device = await found.adapter.requestDevice(
      opts.requestMaxLimits === false
        ? {}
        : {
            label: 'warp-scheduler',
            requiredLimits: {
              maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
              maxBufferSize: l.maxBufferSize,
            },
          },
    );
    return {
      backend: await WebGpuBackend.create(device, { ...opts.webgpu, adapter: found.summary, ownsDevice: true }),
      report,
    };
  }
  return { backend: new CpuBackend(opts.cpu), report };
}
