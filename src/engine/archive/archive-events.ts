/** Events emitted by archive operations; the CLI, daemon and UI render the same stream. */
import type { ProgressSnapshot } from '../core/progress.ts';

export type ArchiveOp = 'create' | 'extract' | 'verify';

export type ArchiveEvent =
  | { type: 'archive.start'; op: ArchiveOp; archive: string; totalBytes: number; totalFiles: number }
  | ({ type: 'archive.progress'; op: ArchiveOp } & ProgressSnapshot)
  | { type: 'archive.warning'; op: ArchiveOp; path: string; message: string }
  | { type: 'archive.file'; op: ArchiveOp; path: string; size: number }
  | { type: 'archive.bad-chunk'; chunk: number; reason: string; files: string[] }
  | { type: 'archive.done'; op: ArchiveOp; archive: string; elapsedSeconds: number; bytes: number };

export type ArchiveEventListener = (e: ArchiveEvent) => void;
