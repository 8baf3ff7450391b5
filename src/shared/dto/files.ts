/**
 * The contract's path-picker shapes: the folder browser over the engine machine's file system (web mode) and
 * the native open dialog (desktop). Plain JSON types only (see bridge.ts for the rules).
 */
// ---- folder browser (path pickers in web mode: the daemon's file system) ----

export interface BrowseRequest {
  /** An absolute folder; the user's home folder when omitted. */
  path?: string;
  /** List files too (to pick a file such as a .warp); folders only when false. */
  files?: boolean;
}

export interface BrowseEntryDto {
  name: string;
  type: 'dir' | 'file';
  /** Files only. */
  size?: number;
}

export interface BrowseResult {
  /** The folder listed (absolute, resolved). */
  path: string;
  /** Its parent; absent at a root. */
  parent?: string;
  /** The user's home folder on the engine's machine. */
  home: string;
  /** Path separator of the engine's machine. */
  sep: string;
  /** Folders first, then files, each by name; hidden entries (dot names) included. */
  entries: BrowseEntryDto[];
  /** More than BROWSE_LIMIT entries: only the first ones are listed. */
  truncated: boolean;
}

/** A native open dialog (desktop only): a folder, or a file with these extensions. */
export interface PickPathRequest {
  kind: 'folder' | 'file';
  title?: string;
  /** Where the dialog starts (an absolute path). */
  defaultPath?: string;
  /** For files: the extensions to offer, without dots ("warp"). */
  extensions?: string[];
}
