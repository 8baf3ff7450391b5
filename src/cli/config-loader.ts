/**
 * How a command gets its config and logger:
 *
 *   const { config, log } = loadCliConfig(ctx, { archive: { level: opts.level } });
 *
 * It honours the global `--config FILE` and `-v/--verbose` options, applies the command's own flag overrides
 * (undefined values are ignored, so commander's unset options can be passed straight through) and builds the
 * logger from the `log` section. Invalid config throws WarpError E_CONFIG_INVALID (exit code 2).
 */
import { loadConfig, type ConfigOverrides, type ResolvedConfig, type WarpConfig } from '../engine/config/index.ts';
import { createLoggerFromConfig, moreVerbose, type Logger, type LogLevel } from '../engine/telemetry/index.ts';
import type { CliContext, GlobalOptions } from './context.ts';

/** Global options this module reads; main.ts declares them, but a program without them still works. */
interface ConfigGlobals {
  config?: string;
  verbose?: number;
}

export interface CliConfig {
  readonly config: WarpConfig;
  /** Values with their sources, the file used, and non-fatal warnings. */
  readonly resolved: ResolvedConfig;
  readonly log: Logger;
}

export interface LoadCliConfigOptions {
  /** A command's own `--config` option; wins over the global one. */
  readonly configPath?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Log config warnings (default true); `warp config check` prints them itself. */
  readonly logWarnings?: boolean;
}

export function cliGlobals(ctx: CliContext): GlobalOptions & ConfigGlobals {
  return ctx.opts() as GlobalOptions & ConfigGlobals;
}

/** The config file a command uses: its own --config, the global --config, or the default under WARP_HOME. */
export function cliConfigPath(ctx: CliContext, own?: string): string | undefined {
  return own ?? cliGlobals(ctx).config;
}

const VERBOSITY: readonly LogLevel[] = ['warn', 'info', 'debug', 'trace'];

export function loadCliConfig(
  ctx: CliContext,
  flagOverrides: ConfigOverrides = {},
  options: LoadCliConfigOptions = {},
): CliConfig {
  const globals = cliGlobals(ctx);
  const configPath = cliConfigPath(ctx, options.configPath);
  let resolved = loadConfig({ configPath, env: options.env, overrides: flagOverrides });

  // -v raises the level and never lowers it; it counts as a flag, so `config show -vv` says so.
  const verbosity = Math.min(globals.verbose ?? 0, VERBOSITY.length - 1);
  if (verbosity > 0) {
    const raised = moreVerbose(resolved.config.log.level, VERBOSITY[verbosity]);
    if (raised !== resolved.config.log.level) {
      resolved = loadConfig({
        configPath,
        env: options.env,
        overrides: { ...flagOverrides, log: { ...flagOverrides.log, level: raised } },
      });
    }
  }

  const log = createLoggerFromConfig(resolved.config.log);
  // --quiet means "nothing but errors" on the terminal; a log file the user asked for keeps its level.
  if (globals.quiet && verbosity === 0 && resolved.config.log.file === '') log.setLevel('error');
  if (options.logWarnings ?? true) {
    const configLog = log.child({ component: 'config' });
    for (const w of resolved.warnings) configLog.warn(w);
  }
  return { config: resolved.config, resolved, log };
}
