/**
 * The contract's share-link shapes (operations `shares.*`): a link's state and options, the link shown once at
 * creation (its key is stored nowhere else), and browser uploads to share. Plain JSON types only (see bridge.ts).
 */
import type { UploadFile } from './archive.ts';
// ---- shares ----

/** A share's state as a reader sees it: the owner's (active, paused, revoked) or a limit that ran out. */
export type ShareStatusDto = 'active' | 'paused' | 'revoked' | 'expired' | 'exhausted';

/** One share link (never its key: the link is the only copy of it). Times are ms since the epoch. */
export interface ShareDto {
  id: string;
  status: ShareStatusDto;
  createdAt: number;
  /** null: never expires. */
  expiresAt: number | null;
  maxDownloads: number | null;
  /** Whether the link needs a password too. */
  password: boolean;
  files: number;
  totalBytes: number;
  /** Ciphertext kept on this machine. */
  storedBytes: number;
  downloads: number;
  bytesServed: number;
  lastAccess: number | null;
}

export interface ShareOptionsDto {
  /** Stop serving after this many seconds (default: never). */
  expiresSeconds?: number;
  maxDownloads?: number;
  /** Also require this password (Argon2id); the link alone then opens nothing. */
  password?: string;
  /** The address the link names, as the opener will reach this host (default: the daemon's configured one). */
  base?: string;
}

export interface ShareCreateRequest extends ShareOptionsDto {
  /** Files or folders on the engine's machine. */
  paths: string[];
}

/** A new share and its link: shown once, since the key inside it is stored nowhere. */
export interface ShareCreatedDto {
  share: ShareDto;
  link: string;
}

export interface ShareExtendRequest {
  id: string;
  /** New expiry counted from now. */
  expiresSeconds?: number;
  never?: boolean;
  maxDownloads?: number;
}

export interface ShareUploadRequest extends ShareOptionsDto {
  files: UploadFile[];
}
