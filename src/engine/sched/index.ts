/**
 * The chunk scheduler: which source serves each chunk. Browser-safe (no Node imports): the renderer runs the
 * WebGPU backend in Chromium, Node runs either backend. Drive it through `Scheduler` and a `SchedBackend`.
 */
export * from './constants.ts';
export type { AdapterSummary, BackendDescription, BackendKind, SchedBackend, ScoreInput } from './backend.ts';
export {
  resolveConfig,
  DEFAULT_CONFIG,
  type SchedulerConfig,
  type SchedulerConfigInput,
  type BalanceConfig,
  type DispatchConfig,
} from './config.ts';
export { computeEdgeParams, EdgeParams, pairCost, transferSeconds, type CostSettings } from './cost.ts';
export { SchedModel, type ChunkBatch, type EdgeSpec, type SchedModelOptions } from './model.ts';
export { POLICIES, POLICY_NAMES, resolveWeights, type CostWeights, type PolicyName } from './policies.ts';
export { Scheduler, type SchedulerOptions, type TickOptions, type TickResult, type TickTimings } from './scheduler.ts';
export type { SchedEvent } from './sched-events.ts';
export type { Dispatch } from './phases/dispatch.ts';
export {
  REOPT_STRATEGIES,
  type ReoptRequest,
  type ReoptScope,
  type ReoptStatus,
  type ReoptStrategy,
} from './phases/reopt.ts';
export {
  evaluateConstraints,
  validateConstraints,
  type ConstraintVerdict,
  type EdgeConstraints,
  type EdgeEnvironment,
} from './constraints/evaluate.ts';
export { inWindow, localTime, WINDOW_KINDS, type TimeWindow, type WindowKind } from './constraints/time-windows.ts';
export { CpuBackend, type CpuBackendOptions, type ParallelScorer } from './cpu/backend.ts';
export { WebGpuBackend, type WebGpuBackendOptions } from './webgpu/backend.ts';
export { KBEST_WGSL } from './webgpu/kbest-wgsl.ts';
export type { GpuAdapterLike, GpuDeviceLike, GpuLike } from './webgpu/gpu-types.ts';
export {
  adapterLabel,
  createSchedulerBackend,
  describeSchedulerBackends,
  requestSchedulerAdapter,
  type BackendPreference,
  type CreateBackendOptions,
  type SchedulerBackendReport,
} from './select.ts';
export { Prng } from './sim/prng.ts';
export { randomModel, type RandomModelSpec } from './sim/random-model.ts';
export { runSchedBench, type SchedBenchResult, type SchedBenchSpec } from './bench.ts';
export {
  runSimulation,
  SIM_EPOCH,
  type SimEdgeReport,
  type SimProgress,
  type SimReport,
  type SimSpec,
} from './sim/simulator.ts';
export type { SimEdgeSpec } from './sim/traces.ts';
