/**
 * The one contract between the renderer and the engine host. Two implementations: the preload (Electron IPC to
 * the main process) and the web client (HTTP + SSE against `warp daemon`, routes in api-routes.ts). Both hosts
 * run the same service facade (src/engine/service/warp-service.ts), so behaviour is the same in both.
 *
 * Rules: plain JSON in and out (no Buffers, no Dates: ISO strings); long operations return an id at once
 * (`JobRef` / `TransferRef`) and report through `onEvent` (events.ts); failures reject with a `BridgeError`
 * carrying a stable code. Every call is one entry of the operation table (operations.ts). Paths are paths on the machine running the engine (in web mode: the daemon's).
 *
 * The request and result shapes live by domain in dto/ (common, archive, transfer, peers, sync, config, shares,
 * files) and are re-exported here, so `bridge.ts` stays the one name importers use for the contract.
 */
import type { WarpEventListener } from './events.ts';
import type { BridgeOperations } from './operations.ts';
import type { ArchiveUploadRequest } from './dto/archive.ts';
import type { JobRef } from './dto/common.ts';
import type { ShareCreatedDto, ShareUploadRequest } from './dto/shares.ts';

export type * from './dto/common.ts';
export type * from './dto/archive.ts';
export type * from './dto/transfer.ts';
export type * from './dto/peers.ts';
export type * from './dto/sync.ts';
export type * from './dto/config.ts';
export type * from './dto/shares.ts';
export type * from './dto/files.ts';

/** What a rejected bridge call carries (an Error whose `code` is a WarpError code or an HTTP-level code). */
export interface BridgeError extends Error {
  code: string;
  /** HTTP status in web mode. */
  status?: number;
}

// ---- the bridge ----

/**
 * The contract's call methods come from the operation table (operations.ts); this adds what is not a plain call.
 */
export interface WarpBridge extends BridgeOperations {
  archive: BridgeOperations['archive'] & {
    /** Web mode only (browsers give no paths): streams the files to the daemon, which archives them. */
    upload?(
      req: ArchiveUploadRequest,
      onUploadProgress?: (sentBytes: number, totalBytes: number) => void,
      /** Aborting stops the upload and discards what was sent (rejects with code E_CANCELLED). */
      signal?: AbortSignal,
    ): Promise<JobRef>;
    /** Web mode only: a URL the browser can open to download an archive from the daemon's machine. */
    downloadUrl?(archive: string): string;
  };

  shares: BridgeOperations['shares'] & {
    /** Web mode only: streams dropped files to the daemon, which shares them (the staging copy is removed). */
    upload?(
      req: ShareUploadRequest,
      onUploadProgress?: (sentBytes: number, totalBytes: number) => void,
    ): Promise<ShareCreatedDto>;
  };

  /** Subscribes to every event; returns the unsubscribe function. */
  onEvent(listener: WarpEventListener): () => void;
}
