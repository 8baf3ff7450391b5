/**
 * The renderer's scheduler backend: WebGPU when Chromium exposes a real (non-fallback, non-software) adapter,
 * the CPU backend otherwise — the same rule `createSchedulerBackend` applies in Node (src/engine/sched/select.ts).
 * Created once, on first use; the status bar and Settings show which one runs and why.
 */
import { createSchedulerBackend, type GpuLike, type SchedBackend, type SchedulerBackendReport } from '../../engine/sched/index.ts';
import { useApp } from '../store/app.ts';

let pending: Promise<SchedBackend> | undefined;
let report: SchedulerBackendReport | undefined;

function navigatorGpu(): GpuLike | undefined {
  const gpu = (navigator as Navigator & { gpu?: unknown }).gpu;
  return gpu ? (gpu as GpuLike) : undefined;
}

export function schedulerBackend(): Promise<SchedBackend> {
  pending ??= (async () => {
    try {
      const r = await createSchedulerBackend({ gpu: navigatorGpu(), preference: 'auto', requestMaxLimits: false });
      report = r.report;
      const a = r.report.adapter;
      useApp.getState().setScheduler({
        state: 'ready', kind: r.backend.description.kind, label: r.backend.description.label, reason: r.report.reason,
        adapter: a ? [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' · ') + (a.isFallbackAdapter ? ' (fallback)' : '') : undefined,
      });
      return r.backend;
    } catch (err) {
      // A broken WebGPU stack must not take the page down: fall back to the CPU backend and say why.
      const r = await createSchedulerBackend({ preference: 'cpu' });
      report = r.report;
      useApp.getState().setScheduler({ state: 'ready', kind: 'cpu', label: r.backend.description.label, reason: `WebGPU failed: ${err instanceof Error ? err.message : String(err)}` });
      return r.backend;
    }
  })();
  return pending;
}

export function schedulerReport(): SchedulerBackendReport | undefined {
  return report;
}
