/**
 * WebGPU for the equivalence tests: the Node `webgpu` package (Dawn) over Mesa. In CI (CI=true) a missing
 * adapter is a failure, not a skip; locally the tests skip with a message saying what to install.
 */
import { nodeGpu } from '../../src/cli/commands/sched.ts';
import { requestSchedulerAdapter } from '../../src/engine/sched/select.ts';
import type { GpuAdapterLike } from '../../src/engine/sched/webgpu/gpu-types.ts';
import type { AdapterSummary } from '../../src/engine/sched/backend.ts';

export const GPU_HELP =
  'no WebGPU adapter: run `bash scripts/ci-apt.sh` (Mesa EGL/GLES for Dawn) or set WARP_WEBGPU_BACKEND';

export async function findAdapter(): Promise<{ adapter: GpuAdapterLike; summary: AdapterSummary } | undefined> {
  const gpu = await nodeGpu();
  return gpu ? requestSchedulerAdapter(gpu) : undefined;
}

export const requireGpu = process.env.CI === 'true' || process.env.CI === '1';
