/**
 * The contract's archive shapes (operations `archive.*` and `library.*`): requests with their secret (password
 * or key file), listings and summaries of a `.warp` archive, a finished create's and verify's results (a job's
 * result), browser uploads to archive, and the library of archives created or opened on the engine's machine.
 * Plain JSON types only (see bridge.ts for the rules).
 */
// ---- archive ----

export type CompressionLevel = 'fast' | 'balanced' | 'max';

/** Either a password or a key file on the engine's machine; omit both for an unencrypted archive. */
export interface ArchiveSecret {
  password?: string;
  keyFile?: string;
}

export interface ArchiveCreateRequest extends ArchiveSecret {
  /** Files or folders to archive. */
  inputs: string[];
  /** The .warp file to write. */
  output: string;
  level?: CompressionLevel;
  overwrite?: boolean;
}

export interface ArchiveExtractRequest extends ArchiveSecret {
  archive: string;
  target: string;
  /** Only these paths (and what is under them); all when omitted. */
  paths?: string[];
  existing?: 'error' | 'skip' | 'overwrite';
}

export interface ArchiveVerifyRequest extends ArchiveSecret {
  archive: string;
}

export interface ArchiveListRequest extends ArchiveSecret {
  archive: string;
  /** Only entries under this path. */
  prefix?: string;
  offset?: number;
  /** At most this many entries (default 1000, max 100000: a page of 100k entries is about 12 MB of JSON). */
  limit?: number;
}

export type ArchiveEntryType = 'file' | 'dir' | 'symlink';

export interface ArchiveEntryDto {
  path: string;
  type: ArchiveEntryType;
  size: number;
  mode: number;
  /** Milliseconds since the epoch. */
  mtimeMs: number;
  target?: string;
}

export interface ArchiveListResult {
  archive: string;
  total: number;
  offset: number;
  entries: ArchiveEntryDto[];
}

export interface ArchiveInfoRequest extends ArchiveSecret {
  archive: string;
}

export interface ArchiveInfoDto {
  archive: string;
  archiveBytes: number;
  formatVersion: number;
  encrypted: boolean;
  files: number;
  dirs: number;
  symlinks: number;
  /** Sum of file sizes. */
  bytes: number;
  chunks: number;
  merkleRoot: string;
  contentId: string;
  createdAt?: string;
}

/** Summary of a finished create (JobDto.result of an archive.create or archive.upload job). */
export interface ArchiveCreateResultDto {
  archive: string;
  bytesIn: number;
  files: number;
  uniqueChunks: number;
  archiveBytes: number;
  dedupRatio: number;
  compressionRatio: number;
  encrypted: boolean;
  merkleRoot: string;
  contentId: string;
  elapsedSeconds: number;
}

export interface VerifyReportDto {
  ok: boolean;
  chunks: number;
  files: number;
  bytes: number;
  merkleRootOk: boolean;
  badChunks: Array<{ chunk: number; id: string; reason: string; files: string[] }>;
  badFiles: Array<{ path: string; reason: string }>;
  elapsedSeconds: number;
}

/** One file picked or dropped in a browser, with its path relative to the dropped folder ("a/b.txt"). */
export interface UploadFile {
  path: string;
  blob: Blob;
  /** The file's modification time (File.lastModified), kept in the archive. */
  mtimeMs?: number;
}

/** A folder in a browser drop, so empty ones are archived too; its time when the browser tells it. */
export interface UploadDir {
  path: string;
  mtimeMs?: number;
}

export interface ArchiveUploadRequest extends ArchiveSecret {
  files: UploadFile[];
  /** Folders of the drop (empty ones included); files' parent folders need not be listed. */
  dirs?: UploadDir[];
  /** Archive name (no folders); written to `<WARP_HOME>/archives/<name>.warp` unless `output` is given. */
  name: string;
  output?: string;
  level?: CompressionLevel;
  overwrite?: boolean;
}

// ---- archive library ----

/** One archive Warp created or opened on this machine (the library, kept in `<WARP_HOME>/library.json`). */
export interface LibraryEntryDto {
  /** Absolute path of the .warp file on the engine's machine. */
  archive: string;
  /** Size on disk when last seen. */
  archiveBytes: number;
  files: number;
  /** Sum of file sizes. */
  bytes: number;
  encrypted: boolean;
  /** How it came into the library. */
  source: 'created' | 'opened';
  /** ISO 8601: when it was first added, and last created or opened through Warp. */
  addedAt: string;
  usedAt: string;
  /** The archive file's modification time (ISO 8601) when last seen. */
  modifiedAt?: string;
  /** The last verify through Warp: when, whether it was intact, how many files were damaged. */
  verified?: { at: string; ok: boolean; damagedFiles: number };
  /** The file is gone (or unreadable) now; it stays listed until removed. */
  missing?: boolean;
}

export interface LibraryRemoveRequest {
  archive: string;
}
