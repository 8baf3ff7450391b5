import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { GpuLike } from '../../engine/sched/webgpu/gpu-types.ts';

/**
 * WebGPU in Node through the `webgpu` package (Dawn). Tries Vulkan, then OpenGL ES (stock Mesa: needs
 * EGL_PLATFORM=surfaceless, set here before Dawn loads EGL). WARP_WEBGPU_BACKEND=vulkan|opengles picks one.
 * Returns undefined when the package is not installed. Lives in the CLI because sched must stay browser-safe.
 */
export async function nodeGpu(): Promise<GpuLike | undefined> {
  if (cachedGpu !== undefined) return cachedGpu ?? undefined;
  process.env.EGL_PLATFORM ??= 'surfaceless';
  let mod: { create(options: string[]): unknown } | undefined;
  try {
    mod = (await import('webgpu')) as unknown as { create(options: string[]): unknown };
  } catch {
    cachedGpu = null;
    return undefined;
  }
  const wanted = process.env.WARP_WEBGPU_BACKEND;
  const attempts = wanted ? [[`backend=${wanted}`]] : [['backend=vulkan'], ['backend=opengles']];
  for (const options of attempts) {
    const gpu = mod.create(options) as GpuLike;
    const adapter = (await gpu.requestAdapter()) ?? (await gpu.requestAdapter({ featureLevel: 'compatibility' }));
    if (adapter) {
      cachedGpu = gpu;
      return gpu;
    }
  }
  cachedGpu = null;
  return undefined;
}
// Kept for the process lifetime: dropping the Dawn instance would invalidate devices made from it.
let cachedGpu: GpuLike | null | undefined;

/** Placeholder: filled in by the sched work. */
export function register(program: Command, ctx: CliContext): void {
  void program;
  void ctx;
}
