/**
 * The swarm: downloads fed by several peers through the scheduler, with live auto-reconciliation.
 * Entry point for the CLI and the daemon: `swarmFetch(env, { sources, remotePath | contentId, dest, onEvent, signal })`;
 * it emits the `swarm.*` events of swarm-events.ts alongside the usual `transfer.*` events.
 * Listener side: `swarmRequests` (extra control requests) and `EdgeEmulator` (warp listen's edge emulation).
 */
export { swarmFetch, type SwarmFetchOptions, type SwarmFetchResult } from './fetch.ts';
export { swarmRequests, type SwarmListenerOptions } from './listener.ts';
export { EdgeEmulator, parseEmulation, type EmulationOptions } from './emulate.ts';
export { currentPower, type PeerPower, type PowerOverrides } from './peer-power.ts';
export { EdgeRegistry, type EdgeRecord } from './registry.ts';
export { BandwidthEma, HealthScore, RttEstimator } from './estimators.ts';
export { DriftDetector, DEFAULT_DRIFT, type DriftConfig, type DriftReading } from './drift.ts';
export {
  TriggerGenerator,
  DEFAULT_TRIGGERS,
  type Trigger,
  type TriggerConfig,
  type Observation,
  type EdgeObservation,
} from './triggers.ts';
export { ReoptEvaluator, DEFAULT_EVALUATOR, type ReoptDecision, type EvaluatorConfig } from './evaluator.ts';
export type { SwarmEvent, SwarmEdgeSnapshot, SwarmTriggerKind, EdgeState } from './swarm-events.ts';
export { parsePeerRules, type PeerRules } from './peer-rules.ts';
export { AccessLog, predictRefetch, type Prediction } from './predict.ts';
export {
  DEFAULT_PREPOSITION,
  PrepositionLedger,
  type PrepositionOptions,
  type PrepositionResult,
} from './preposition.ts';
