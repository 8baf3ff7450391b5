/** Background sync of folders to a paired peer: see manager.ts (behaviour), conflict.ts (the rule) and docs/SYNC.md. */
export { SyncManager, SYNC_DEFAULTS } from './manager.ts';
export {
  addJob,
  confirmDeletions,
  jobVersionsPolicy,
  normalizeSpec,
  removeJob,
  setJobPaused,
  setJobSettings,
} from './job-file.ts';
export { checkGuard, GUARD_DEFAULTS, type GuardReport } from './guard.ts';
export type { SyncEvent, SyncEventListener } from './sync-events.ts';
export {
  CONFLICT_POLICIES,
  SYNC_MODES,
  SYNC_STATES,
  type ConflictPolicy,
  type FileFacts,
  type FileMap,
  type PowerState,
  type PushSummary,
  type SyncJob,
  type SyncJobSpec,
  type SyncJobStatus,
  type SyncManagerOptions,
  type SyncMode,
  type SyncGuard,
  type SyncIgnore,
  type SyncVersions,
  type SyncSettings,
  type SyncStateName,
  type SyncWindow,
} from './sync-types.ts';
export { planSync, conflictName, conflictWinner, isTemporaryName, type SyncAction, type SyncPlan } from './conflict.ts';
export { planForMode, type ModePlan } from './modes.ts';
export { insideSchedule, parseWindow, formatWindow, validateSchedule } from './schedule.ts';
export { Debouncer, type Timers } from './debounce.ts';
export { readState, writeState, updateState, stateFilePath, type JobRecord, type SyncStateData } from './state-file.ts';
