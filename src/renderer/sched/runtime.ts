/**
 * The renderer's scheduler backend: WebGPU when Chromium exposes a real (non-fallback, non-software) adapter,
 * the CPU backend otherwise — the same rule `createSchedulerBackend` applies in Node (src/engine/sched/select.ts).
 * Created once, on first use; the status bar and Settings show which one runs and why. The plan panel may
 * also force one backend (e.g. WebGPU on a software adapter) to compare them: the simulator is deterministic
 * and both backends give identical k-best, so their plans must match.
 */
import {
  createSchedulerBackend,
  type BackendPreference,
  type GpuLike,
  type SchedBackend,
} from '../../engine/sched/index.ts';
import { useApp } from '../store/app.ts';

const backends = new Map<BackendPreference, Promise<SchedBackend>>();

function navigatorGpu(): GpuLike | undefined {
  const gpu = (navigator as Navigator & { gpu?: unknown }).gpu;
  return gpu ? (gpu as GpuLike) : undefined;
}

async function createAuto(): Promise<SchedBackend> {
  try {
    const r = await createSchedulerBackend({ gpu: navigatorGpu(), preference: 'auto', requestMaxLimits: false });
    const a = r.report.adapter;
    useApp.getState().setScheduler({
      state: 'ready',
      kind: r.backend.description.kind,
      label: r.backend.description.label,
      reason: r.report.reason,
      adapter: a
        ? [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' · ') +
          (a.isFallbackAdapter ? ' (fallback)' : '')
        : undefined,
      webgpuAvailable: r.report.webgpuAvailable,
    });
    return r.backend;
  } catch (err) {
    // A broken WebGPU stack must not take the page down: fall back to the CPU backend and say why.
    const r = await createSchedulerBackend({ preference: 'cpu' });
    useApp.getState().setScheduler({
      state: 'ready',
      kind: 'cpu',
      label: r.backend.description.label,
      reason: `WebGPU failed: ${err instanceof Error ? err.message : String(err)}`,
      webgpuAvailable: false,
    });
    return r.backend;
  }
}

/** The backend `auto` picks (default), or a forced one; 'webgpu' rejects when this browser has no adapter. */
export function schedulerBackend(preference: BackendPreference = 'auto'): Promise<SchedBackend> {
  let p = backends.get(preference);
  if (!p) {
    p =
      preference === 'auto'
        ? createAuto()
        : createSchedulerBackend({ gpu: navigatorGpu(), preference, requestMaxLimits: false }).then((r) => r.backend);
    // A failed forced backend may be retried later (e.g. after the user enables WebGPU).
    p.catch(() => backends.delete(preference));
    backends.set(preference, p);
  }
  return p;
}
