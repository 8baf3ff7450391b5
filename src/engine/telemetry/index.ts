/** Diagnostics for the engine: the structured logger (log.ts). */
export {
  createLogger,
  createLoggerFromConfig,
  silentLogger,
  type Logger,
  type LoggerOptions,
  type LogFieldsArg,
} from './log.ts';
export { LOG_LEVELS, levelRank, moreVerbose, type LogLevel } from './levels.ts';
export { formatRecord, formatText, formatJson, type LogFields, type LogFormat, type LogRecord } from './format.ts';
