/**
 * The contract's config shapes (operations `config.*`): every key with its value, default and source, and a set
 * of new values. Plain JSON types only (see bridge.ts for the rules).
 */
// ---- config ----

export interface ConfigEntryDto {
  /** "section.key", e.g. "transfer.port". */
  key: string;
  value: unknown;
  default: unknown;
  /** Where the value came from. */
  source: 'default' | 'file' | 'env' | 'override';
  type: string;
  description: string;
  /** Allowed values when restricted. */
  allowed?: string;
  /** The value and the default as a user writes them in config.toml ("4MiB", "30s", "a, b"). */
  text?: string;
  defaultText?: string;
  /** What the key accepts, in words ("an integer from 1 to 256"). */
  accepts?: string;
}

export interface ConfigDto {
  /** The config file (may not exist yet). */
  file: string;
  entries: ConfigEntryDto[];
}

export interface ConfigSetRequest {
  /** "section.key" -> new value (string forms as in config.toml are accepted: "64MiB", "30s"). */
  values: Record<string, unknown>;
}
