/** The .warp archive: create, read, extract, verify. */
export { createArchive, type CreateOptions, type CreateResult } from './create.ts';
export { extractArchive, type ExtractOptions, type ExtractResult, type ExistingPolicy } from './extract.ts';
export { verifyArchive, type VerifyOptions, type VerifyReport } from './verify.ts';
export { ArchiveReader } from './reader.ts';
export { Manifest, ManifestBuilder, EntryType, ENTRY_TYPE_NAMES, type Entry } from '../model/manifest.ts';
export { keySourceFromFiles, type KeySource } from './keys.ts';
export type { ArchiveEvent, ArchiveEventListener, ArchiveOp } from './archive-events.ts';
