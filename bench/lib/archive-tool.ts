/** The shape every archiver in the benchmark (Warp and the peers) fills in: how to detect it and run each op. */
import type { RunResult } from './archive-measure.ts';

export interface ToolContext {
  /** The data set's root directory. */
  data: string;
  /** This tool's scratch directory (repository, archive, caches); removed after the tool unless --keep. */
  work: string;
  /** A file holding a password, for tools that encrypt. */
  passwordFile: string;
}

export interface Step {
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Untimed preparation (e.g. `restic init`); throws on failure. */
  setup?: () => void;
  /** Pulls the tool's own figures out of its output (dedup ratio, stored bytes…). */
  parse?: (r: RunResult) => { dedupRatio?: number; details?: Record<string, unknown> };
}

export type Detected = { version: string } | { missing: string };

export interface Tool {
  name: string;
  /** Settings that matter for comparing figures (compression, encryption, threads), for the report. */
  settings: string;
  detect(): Detected;
  create(ctx: ToolContext): Step;
  /** What to measure as output size after create: an archive file or a repository directory. */
  output(ctx: ToolContext): string;
  extract(ctx: ToolContext, dest: string): Step;
  verify?(ctx: ToolContext): Step;
  /**
   * Where the extracted copy of the data set lies under dest, or a custom check; by default the orchestrator
   * compares dest (or the one directory inside it) with the data set, byte for byte.
   */
  checkExtract?(ctx: ToolContext, dest: string): { same: boolean; detail: string };
}
