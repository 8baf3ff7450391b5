/**
 * The engine's structured logger: levels, key/value fields, child loggers with bound fields (`component`),
 * text or JSON lines, to stderr or a file. A disabled level costs one comparison; pass fields as a function
 * when building them is expensive. Logging never throws into the engine.
 *
 *   const log = createLoggerFromConfig(config.log).child({ component: 'archive' });
 *   log.debug('chunked', { file, chunks: n });
 */
import type { WarpConfig } from '../config/schema.ts';
import { formatRecord, type LogFields, type LogFormat } from './format.ts';
import { levelRank, LOG_LEVELS, type LogLevel } from './levels.ts';
import { fileSink, processStderr, stderrSink, type LogSink, type WriteLine } from './sink.ts';

/** Fields, or a function returning them, called only when the level is enabled. */
export type LogFieldsArg = LogFields | (() => LogFields);

export interface Logger {
  readonly level: LogLevel;
  isEnabled(level: LogLevel): boolean;
  error(message: string, fields?: LogFieldsArg): void;
  warn(message: string, fields?: LogFieldsArg): void;
  info(message: string, fields?: LogFieldsArg): void;
  debug(message: string, fields?: LogFieldsArg): void;
  trace(message: string, fields?: LogFieldsArg): void;
  log(level: LogLevel, message: string, fields?: LogFieldsArg): void;
  /** A logger that adds `fields` to every record; shares level and output with its parent. */
  child(fields: LogFields): Logger;
  /** Changes the level for this logger, its parent and all their children. */
  setLevel(level: LogLevel): void;
  /** Closes the log file, if any. Later records go to stderr. */
  close(): void;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly format?: LogFormat;
  /** Append to this file; absent or '' means stderr. */
  readonly file?: string;
  /** Where stderr output goes (tests capture it). */
  readonly stderr?: WriteLine;
  /** Clock for timestamps (tests pin it). */
  readonly now?: () => Date;
}

interface Shared {
  rank: number;
  readonly format: LogFormat;
  readonly sink: LogSink;
  readonly now: () => Date;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'text';
  const now = options.now ?? (() => new Date());
  const stderr = options.stderr ?? processStderr;
  const sink = options.file
    ? fileSink(options.file, stderr, (reason) => {
        // Always shown, whatever the level: the user asked for a log file and is not getting one.
        stderr(
          formatRecord(
            {
              time: now(),
              level: 'warn',
              message: 'cannot write the log file; logging to stderr instead',
              fields: { component: 'log', file: options.file, reason },
            },
            format,
          ),
        );
      })
    : stderrSink(stderr);
  const shared: Shared = { rank: levelRank(options.level ?? 'warn'), format, sink, now };
  return makeLogger(shared, {});
}

/** The logger the `log` config section describes. */
export function createLoggerFromConfig(
  log: WarpConfig['log'],
  extra: Pick<LoggerOptions, 'stderr' | 'now'> = {},
): Logger {
  return createLogger({ level: log.level, format: log.format, file: log.file, ...extra });
}

/** Discards everything; for callers that were given no logger. */
export const silentLogger: Logger = (() => {
  const noop = (): void => {};
  const l: Logger = {
    level: 'error',
    isEnabled: () => false,
    error: noop,
    warn: noop,
    info: noop,
    debug: noop,
    trace: noop,
    log: noop,
    child: () => l,
    setLevel: noop,
    close: noop,
  };
  return l;
})();

function makeLogger(shared: Shared, bound: LogFields): Logger {
  const emit = (level: LogLevel, message: string, fields: LogFieldsArg | undefined): void => {
    if (levelRank(level) > shared.rank) return;
    try {
      const own = typeof fields === 'function' ? fields() : fields;
      const all = own ? { ...bound, ...own } : bound;
      shared.sink.write(formatRecord({ time: shared.now(), level, message, fields: all }, shared.format));
    } catch {
      // A throwing field function or sink must not take the engine down; the record is dropped.
    }
  };
  return {
    get level() {
      return LOG_LEVELS[shared.rank];
    },
    isEnabled: (level) => levelRank(level) <= shared.rank,
    error: (m, f) => emit('error', m, f),
    warn: (m, f) => emit('warn', m, f),
    info: (m, f) => emit('info', m, f),
    debug: (m, f) => emit('debug', m, f),
    trace: (m, f) => emit('trace', m, f),
    log: emit,
    child: (fields) => makeLogger(shared, { ...bound, ...fields }),
    setLevel: (level) => {
      shared.rank = levelRank(level);
    },
    close: () => shared.sink.close(),
  };
}
