/**
 * Shared constants of the scheduler model. Both backends read the same typed arrays, so these encodings are
 * part of the data layout (the WGSL kernel repeats the pair encoding; see webgpu/kbest-wgsl.ts).
 */

/** Lifecycle of a chunk. Stored in a Uint8Array; `as const` values instead of an enum (erasable syntax). */
export const ChunkStatus = {
  PENDING: 0,
  IN_FLIGHT: 1,
  DONE: 2,
  /** Reported failed (or detected by the failure scan); failover turns it back into PENDING in the same tick. */
  FAILED: 3,
  FAILED_PERMANENT: 4,
} as const;
export type ChunkStatus = (typeof ChunkStatus)[keyof typeof ChunkStatus];

/** Bits of the per-edge `flags` byte that the driver (swarm, simulator) sets. */
export const EdgeFlag = {
  METERED: 1,
  BATTERY_LOW: 2,
  UNAVAILABLE: 4,
} as const;

/** Edge ids are 16-bit (availability stays at 4 bytes per pair including the failure count). */
export const NO_EDGE = 0xffff;
export const MAX_EDGES = 0xffff; // ids 0..65534; 65535 is NO_EDGE
export const MAX_K = 8;

/**
 * One availability pair is one u32: bits 0-15 the edge id, bits 16-23 how many times this chunk failed on
 * this edge (saturating at 255), bits 24-31 zero. Keeping the failure count next to the edge id means the
 * "retries exhausted on this edge" test costs no extra memory read in either backend.
 */
export const PAIR_EDGE_MASK = 0xffff;
export const PAIR_FAIL_SHIFT = 16;
export const PAIR_FAIL_MAX = 0xff;

/** Why a chunk left the in-flight state without completing (failure scan and `markFailed`). */
export const FailureReason = {
  REPORTED: 'reported',
  DEADLINE: 'deadline',
  EDGE_UNAVAILABLE: 'edge-unavailable',
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];
