/**
 * Typed transfer events: the CLI renders them (bars, --json lines); the daemon and UI will stream the same.
 */
import type { ProgressSnapshot } from '../core/progress.ts';

export type TransferRole = 'fetch' | 'send' | 'receive' | 'serve' | 'stream';

export type TransferEvent =
  | { type: 'transfer.start'; session: string; role: TransferRole; peer: string; transport: string; path: string }
  | {
      type: 'transfer.manifest';
      session: string;
      files: number;
      bytes: number;
      chunks: number;
      haveChunks: number;
      haveBytes: number;
      needChunks: number;
      needBytes: number;
      merkleRoot: string;
    }
  | ({
      type: 'transfer.progress';
      session: string;
      chunks: number;
      totalChunks: number;
      wireBytes: number;
    } & ProgressSnapshot)
  | { type: 'transfer.chunk'; session: string; chunk: number; bytes: number; wireBytes: number; source: string }
  | { type: 'transfer.chunk-rejected'; session: string; chunk: number; source: string; reason: string }
  | { type: 'transfer.file'; session: string; path: string; size: number }
  | { type: 'transfer.warning'; session: string; path: string; message: string }
  /** Paused (no more chunks asked for; the connection stays open) or resumed. */
  | { type: 'transfer.paused'; session: string; paused: boolean }
  | { type: 'transfer.error'; session: string; error: { code: string; message: string } }
  | {
      type: 'transfer.done';
      session: string;
      files: number;
      bytes: number;
      wireBytes: number;
      fetchedChunks: number;
      localChunks: number;
      elapsedSeconds: number;
      merkleRoot: string;
    };

export type TransferEventListener = (e: TransferEvent) => void;

type DoneEvent = Extract<TransferEvent, { type: 'transfer.done' }>;

/** The `transfer.done` event of a finished receive: the same on the fetching, sending and listening side. */
export function doneEvent(session: string, r: Omit<DoneEvent, 'type' | 'session'>): DoneEvent {
  return {
    type: 'transfer.done',
    session,
    files: r.files,
    bytes: r.bytes,
    wireBytes: r.wireBytes,
    fetchedChunks: r.fetchedChunks,
    localChunks: r.localChunks,
    elapsedSeconds: r.elapsedSeconds,
    merkleRoot: r.merkleRoot,
  };
}
