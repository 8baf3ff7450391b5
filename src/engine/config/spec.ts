/**
 * The vocabulary of the config schema: what a key can be. A key is plain data (type, default, description,
 * limits) so docs, `config init`, `config show` and validation are all generated from one place.
 *
 * Naming: section and key names are snake_case everywhere a user types them (TOML, `WARP_<SECTION>_<KEY>`,
 * overrides); the typed `WarpConfig` the engine reads is camelCase (`archive.chunk_avg` → `config.archive.chunkAvg`).
 */

/** Every key type. Byte sizes resolve to bytes, durations to milliseconds, paths to absolute paths (or ''). */
export const KeyTypes = [
  'string',
  'path',
  'integer',
  'number',
  'boolean',
  'bytes',
  'enum',
  'duration',
  'list',
] as const;
export type KeyType = (typeof KeyTypes)[number];

interface BaseSpec {
  readonly description: string;
}

/** Optional extra rule for strings and paths: returns what is wrong, or undefined when fine. */
export type StringRule = (value: string) => string | undefined;

export interface StringSpec extends BaseSpec {
  readonly type: 'string';
  readonly default: string;
  readonly rule?: { readonly check: StringRule; readonly allowed: string };
}
/** A file-system path or '' (meaning "none"). Relative paths in the file are resolved against the file's folder. */
export interface PathSpec extends BaseSpec {
  readonly type: 'path';
  readonly default: string;
}
export interface IntegerSpec extends BaseSpec {
  readonly type: 'integer';
  readonly default: number;
  readonly min: number;
  readonly max: number;
}
export interface NumberSpec extends BaseSpec {
  readonly type: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
}
export interface BooleanSpec extends BaseSpec {
  readonly type: 'boolean';
  readonly default: boolean;
}
/** Bytes; users write `4MiB`, `25MB` or a plain integer. Bounds are bytes. */
export interface BytesSpec extends BaseSpec {
  readonly type: 'bytes';
  readonly default: number;
  readonly min: number;
  readonly max: number;
}
export interface EnumSpec<V extends string = string> extends BaseSpec {
  readonly type: 'enum';
  readonly values: readonly V[];
  readonly default: V;
}
/** Milliseconds; users write `30s`, `1m30s`, `250ms`. Bounds are milliseconds. */
export interface DurationSpec extends BaseSpec {
  readonly type: 'duration';
  readonly default: number;
  readonly min: number;
  readonly max: number;
}
/** A list of strings: a TOML array, or comma-separated in the environment. */
export interface ListSpec extends BaseSpec {
  readonly type: 'list';
  readonly default: readonly string[];
}

export type KeySpec =
  StringSpec | PathSpec | IntegerSpec | NumberSpec | BooleanSpec | BytesSpec | EnumSpec | DurationSpec | ListSpec;

export interface SectionSpec {
  readonly description: string;
  readonly keys: Readonly<Record<string, KeySpec>>;
}

export type Schema = Readonly<Record<string, SectionSpec>>;

/** The typed value a key resolves to. */
export type ValueOf<S extends KeySpec> =
  S extends EnumSpec<infer V>
    ? V
    : S extends BooleanSpec
      ? boolean
      : S extends ListSpec
        ? readonly string[]
        : S extends StringSpec | PathSpec
          ? string
          : number;

/** `chunk_avg` → `chunkAvg` at the type level. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The typed config for a schema: `{ archive: { chunkAvg: number, level: 'fast' | … } }`. */
export type ConfigOf<S extends Schema> = {
  readonly [Sec in keyof S]: {
    readonly [K in keyof S[Sec]['keys'] as CamelCase<K & string>]: ValueOf<S[Sec]['keys'][K]>;
  };
};

/*
 * Builders: they keep literal types (enum values) without `as const` at every call site, and make a
 * schema entry read like documentation.
 */
type Without<T, K extends keyof T> = Omit<T, K>;

export const key = {
  string: (s: Without<StringSpec, 'type'>): StringSpec => ({ type: 'string', ...s }),
  path: (s: Without<PathSpec, 'type'>): PathSpec => ({ type: 'path', ...s }),
  integer: (s: Without<IntegerSpec, 'type'>): IntegerSpec => ({ type: 'integer', ...s }),
  number: (s: Without<NumberSpec, 'type'>): NumberSpec => ({ type: 'number', ...s }),
  boolean: (s: Without<BooleanSpec, 'type'>): BooleanSpec => ({ type: 'boolean', ...s }),
  bytes: (s: Without<BytesSpec, 'type'>): BytesSpec => ({ type: 'bytes', ...s }),
  enum: <const V extends string>(s: {
    values: readonly V[];
    default: NoInfer<V>;
    description: string;
  }): EnumSpec<V> => ({ type: 'enum', ...s }),
  duration: (s: Without<DurationSpec, 'type'>): DurationSpec => ({ type: 'duration', ...s }),
  list: (s: Without<ListSpec, 'type'>): ListSpec => ({ type: 'list', ...s }),
};
