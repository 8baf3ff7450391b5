/**
 * What the manifest's chunk columns say about storage units (archive/units.ts, docs/FORMAT.md): the codec
 * value of a chunk that continues the unit an earlier chunk began, and the most raw bytes a unit of several
 * chunks may hold. Here, below the archive, because manifest validation (validate-manifest.ts) checks both.
 */

/** Codec value of a chunk stored inside the unit begun by an earlier chunk (version 2 only). */
export const IN_UNIT = 2;
/** Readers refuse a unit of several chunks above this raw size (writers stay under UNIT_TARGET + SOLO_CHUNK). */
export const UNIT_MAX_RAW = 16 * 1024 * 1024;
