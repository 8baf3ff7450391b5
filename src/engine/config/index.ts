/**
 * Warp's configuration: one schema (schema.ts), resolved from defaults < `$WARP_HOME/config.toml` <
 * `WARP_<SECTION>_<KEY>` environment variables < flag overrides. Start with `loadConfig()`.
 */
export {
  CONFIG_SCHEMA,
  CHUNK_SIZE_MIN,
  CHUNK_SIZE_MAX,
  type WarpConfig,
  type WarpSchema,
  type SectionName,
} from './schema.ts';
export {
  loadConfig,
  resolveConfig,
  defaultConfig,
  defaultConfigPath,
  configFilePath,
  envVarName,
  CONFIG_FILE_NAME,
  type ConfigOverrides,
  type ConfigSource,
  type LoadConfigOptions,
  type ResolvedConfig,
  type ResolvedEntry,
} from './load.ts';
export { CONFIG_CHECKS, type CrossCheck } from './checks.ts';
export { defaultConfigToml } from './template.ts';
export { describeAllowed, formatValue, tomlLiteral } from './values.ts';
export { parseDuration, formatDuration, formatByteSize } from './units.ts';
export { closest, didYouMean } from './suggest.ts';
export {
  key,
  camelCase,
  KeyTypes,
  type KeySpec,
  type KeyType,
  type Schema,
  type SectionSpec,
  type ConfigOf,
} from './spec.ts';
