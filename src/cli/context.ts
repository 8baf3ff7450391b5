/** What every command gets: output mode and the writers, so commands never touch process.stdout directly. */
export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
  color: boolean;
}

export interface CliContext {
  readonly opts: () => GlobalOptions;
  /** Machine output (--json lines) and command results go to stdout. */
  readonly out: (line: string) => void;
  /** Progress and human diagnostics go to stderr so stdout stays pipeable. */
  readonly err: (line: string) => void;
  readonly stderrIsTTY: boolean;
}
