/**
 * Resolving the config: defaults < config file < environment (`WARP_<SECTION>_<KEY>`) < overrides (flags).
 * Every value remembers where it came from so `warp config show` can say, and every problem is reported with
 * the key, where the bad value came from, what was given and what is allowed. All problems are collected and
 * thrown together as one E_CONFIG_INVALID so a user fixes them in one pass.
 */
import path from 'node:path';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { warpHome } from '../core/warp-home.ts';
import { CONFIG_CHECKS, type CrossCheck } from './checks.ts';
import { CONFIG_SCHEMA, type WarpConfig } from './schema.ts';
import { camelCase, type ConfigOf, type KeySpec, type Schema } from './spec.ts';
import { didYouMean } from './suggest.ts';
import { readTomlFile, type TomlFile } from './toml-file.ts';
import { coerce, describeAllowed, formatValue, showGiven } from './values.ts';

export const CONFIG_FILE_NAME = 'config.toml';

export type ConfigSource = 'default' | 'file' | 'env' | 'flag';

export interface ResolvedEntry {
  /** The typed value (bytes and milliseconds as numbers, paths absolute). */
  readonly value: unknown;
  readonly source: ConfigSource;
  /** `/path/config.toml:12`, `WARP_LOG_LEVEL` or `flag`; absent for defaults. */
  readonly origin?: string;
}

export interface ResolvedConfig<C = WarpConfig> {
  readonly config: C;
  /** section → key (snake_case, as written in TOML) → value and source, in schema order. */
  readonly entries: Readonly<Record<string, Readonly<Record<string, ResolvedEntry>>>>;
  readonly file: { readonly path: string; readonly exists: boolean; readonly explicit: boolean };
  /** Not fatal: e.g. a `WARP_ARCHIVE_*` variable that matches no key. */
  readonly warnings: readonly string[];
}

/** section → key → value. Keys may be snake_case or camelCase (so commander's option names fit); undefined is skipped. */
export type ConfigOverrides = Readonly<Record<string, Readonly<Record<string, unknown>> | undefined>>;

export interface LoadConfigOptions {
  /** Defaults to process.env. WARP_HOME in it picks the default file's folder. */
  readonly env?: NodeJS.ProcessEnv;
  /** An explicit config file (`--config`); it must exist. Defaults to `$WARP_HOME/config.toml`, which may be absent. */
  readonly configPath?: string;
  /** Values from command-line flags; they win over everything. */
  readonly overrides?: ConfigOverrides;
  /** Resolves relative paths from the environment and flags (default process.cwd()). */
  readonly cwd?: string;
}

export function envVarName(section: string, key: string): string {
  return `WARP_${section}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(warpHome(env), CONFIG_FILE_NAME);
}

export function configFilePath(options: Pick<LoadConfigOptions, 'env' | 'configPath' | 'cwd'> = {}): string {
  return options.configPath
    ? path.resolve(options.cwd ?? process.cwd(), options.configPath)
    : defaultConfigPath(options.env);
}

export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig<WarpConfig> {
  return resolveConfig(CONFIG_SCHEMA, CONFIG_CHECKS, options);
}

/** The built-in defaults, without reading any file or environment. */
export function defaultConfig(): WarpConfig {
  return resolveConfig(CONFIG_SCHEMA, CONFIG_CHECKS, { env: {}, configPath: undefined, overrides: {} }, false).config;
}

interface Problem {
  message: string;
  key: string;
  source: ConfigSource;
  origin?: string;
}

/** Generic over the schema so tests (and future embedders) can resolve any schema. */
export function resolveConfig<S extends Schema>(
  schema: S,
  checks: readonly CrossCheck<ConfigOf<S>>[],
  options: LoadConfigOptions = {},
  readFile = true,
): ResolvedConfig<ConfigOf<S>> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const filePath = configFilePath({ env, configPath: options.configPath, cwd });
  const explicit = Boolean(options.configPath);
  const file: TomlFile = readFile
    ? readTomlFile(filePath, explicit)
    : { path: filePath, exists: false, data: {}, lines: new Map() };
  const r = new Resolution(schema);
  // Later sources win: defaults, then the file, the environment, the flags.
  applyFile(r, file);
  applyEnv(r, env, cwd);
  applyOverrides(r, options.overrides ?? {}, cwd);
  if (r.problems.length === 0) {
    const config = buildTyped(schema, r.entries);
    crossCheck(r, checks, config);
    if (r.problems.length === 0)
      return {
        config,
        entries: r.entries,
        file: { path: file.path, exists: file.exists, explicit },
        warnings: r.warnings,
      };
  }
  throw invalid(r.problems);
}

/** The entries resolved so far (each key's value and where it came from) and the problems found. */
class Resolution {
  readonly problems: Problem[] = [];
  readonly warnings: string[] = [];
  readonly entries: Record<string, Record<string, ResolvedEntry>> = {};
  readonly sections: string[];
  readonly schema: Schema;

  constructor(schema: Schema) {
    this.schema = schema;
    this.sections = Object.keys(schema);
    for (const [section, spec] of Object.entries(schema)) {
      this.entries[section] = {};
      for (const [name, keySpec] of Object.entries(spec.keys))
        this.entries[section][name] = { value: keySpec.default, source: 'default' };
    }
  }

  /** The schema's section, or undefined for an unknown (or inherited) name. */
  section(name: string): Schema[string] | undefined {
    return Object.hasOwn(this.schema, name) ? this.schema[name] : undefined;
  }

  set(
    section: string,
    name: string,
    keySpec: KeySpec,
    raw: unknown,
    source: ConfigSource,
    origin: string,
    fromText: boolean,
    baseDir: string,
  ): void {
    const result = coerce(keySpec, raw, fromText, baseDir);
    if (result.ok) this.entries[section][name] = { value: result.value, source, origin };
    else
      this.problems.push({
        key: `${section}.${name}`,
        source,
        origin,
        message: `invalid ${section}.${name} ${where(source, origin)}: got ${showGiven(raw)}; expected ${describeAllowed(keySpec)}`,
      });
  }
}

/** The file: every top-level entry must be a known section, every entry in it a known key. */
function applyFile(r: Resolution, file: TomlFile): void {
  for (const [section, table] of Object.entries(file.data)) {
    const line = file.lines.get(section);
    const origin = line ? `${file.path}:${line}` : file.path;
    const sectionSpec = r.section(section);
    if (!sectionSpec) {
      r.problems.push({
        key: section,
        source: 'file',
        origin,
        message: `unknown section [${section}] in ${origin}${didYouMean(section, r.sections, (s) => `[${s}]`)} (known sections: ${r.sections.join(', ')})`,
      });
      continue;
    }
    if (typeof table !== 'object' || table === null || Array.isArray(table)) {
      r.problems.push({
        key: section,
        source: 'file',
        origin,
        message: `${section} in ${origin} must be a table ([${section}] followed by key = value lines), not a single value`,
      });
      continue;
    }
    const known = Object.keys(sectionSpec.keys);
    for (const [name, raw] of Object.entries(table)) {
      const keyLine = file.lines.get(`${section}.${name}`);
      const keyOrigin = keyLine ? `${file.path}:${keyLine}` : file.path;
      const keySpec = Object.hasOwn(sectionSpec.keys, name) ? sectionSpec.keys[name] : undefined;
      if (!keySpec) {
        r.problems.push({
          key: `${section}.${name}`,
          source: 'file',
          origin: keyOrigin,
          message: `unknown key ${section}.${name} in ${keyOrigin}${didYouMean(name, known, (s) => `${section}.${s}`)} (keys in [${section}]: ${known.join(', ')})`,
        });
        continue;
      }
      r.set(section, name, keySpec, raw, 'file', keyOrigin, false, path.dirname(file.path));
    }
  }
}

/**
 * The environment. An empty variable counts only for text keys (so WARP_LOG_FILE= means stderr) and lists
 * (an empty list), and is otherwise treated as unset, as shells make it easy to leave one empty by accident.
 */
function applyEnv(r: Resolution, env: NodeJS.ProcessEnv, cwd: string): void {
  for (const [section, sectionSpec] of Object.entries(r.schema)) {
    const names = new Map(Object.keys(sectionSpec.keys).map((k) => [envVarName(section, k), k]));
    const prefix = envVarName(section, '');
    for (const [variable, raw] of Object.entries(env)) {
      if (raw === undefined || !variable.startsWith(prefix)) continue;
      const name = names.get(variable);
      if (name === undefined) {
        r.warnings.push(
          `environment variable ${variable} matches no config key${didYouMean(variable, [...names.keys()])}`,
        );
        continue;
      }
      const keySpec = sectionSpec.keys[name];
      if (raw === '' && keySpec.type !== 'string' && keySpec.type !== 'path' && keySpec.type !== 'list') continue;
      r.set(section, name, keySpec, raw, 'env', variable, true, cwd);
    }
  }
}

/** Flags (command-line overrides), by key name or its camelCase form. */
function applyOverrides(r: Resolution, overrides: ConfigOverrides, cwd: string): void {
  for (const [section, values] of Object.entries(overrides)) {
    const sectionSpec = r.section(section);
    if (!sectionSpec) {
      r.problems.push({
        key: section,
        source: 'flag',
        origin: 'flag',
        message: `unknown config section '${section}' in a command-line override${didYouMean(section, r.sections)}`,
      });
      continue;
    }
    for (const [given, raw] of Object.entries(values ?? {})) {
      if (raw === undefined) continue;
      const name = Object.keys(sectionSpec.keys).find((k) => k === given || camelCase(k) === given);
      if (name === undefined) {
        r.problems.push({
          key: `${section}.${given}`,
          source: 'flag',
          origin: 'flag',
          message: `unknown config key ${section}.${given} in a command-line override${didYouMean(given, Object.keys(sectionSpec.keys))}`,
        });
        continue;
      }
      r.set(section, name, sectionSpec.keys[name], raw, 'flag', 'flag', true, cwd);
    }
  }
}

/** The rules between keys, over the typed config; each failure names the keys' values and their sources. */
function crossCheck<C>(r: Resolution, checks: readonly CrossCheck<C>[], config: C): void {
  for (const rule of checks) {
    const failure = rule.check(config);
    if (failure === undefined) continue;
    const values = rule.keys.map((k) => {
      const [section, name] = k.split('.');
      const entry = r.entries[section][name];
      return `${k} = ${formatValue(r.schema[section].keys[name], entry.value)} ${entry.source === 'default' ? '(default)' : where(entry.source, entry.origin)}`;
    });
    r.problems.push({ key: rule.keys.join(','), source: 'default', message: `${failure}; got ${values.join(', ')}` });
  }
}

function where(source: ConfigSource, origin: string | undefined): string {
  switch (source) {
    case 'file':
      return `in ${origin}`;
    case 'env':
      return `in environment variable ${origin}`;
    case 'flag':
      return 'from a command-line flag';
    default:
      return '(default)';
  }
}

function invalid(problems: Problem[]): WarpError {
  const message =
    problems.length === 1
      ? problems[0].message
      : `${problems.length} problems in the config: ${problems.map((p) => p.message).join('; ')}`;
  return new WarpError(ErrorCodes.CONFIG_INVALID, message, {
    details: { problems: problems.map(({ key, source, origin, message: m }) => ({ key, source, origin, message: m })) },
  });
}

function buildTyped<S extends Schema>(schema: S, entries: Record<string, Record<string, ResolvedEntry>>): ConfigOf<S> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [section, sectionSpec] of Object.entries(schema)) {
    const typed: Record<string, unknown> = {};
    for (const name of Object.keys(sectionSpec.keys)) {
      const v = entries[section][name].value;
      typed[camelCase(name)] = Array.isArray(v) ? Object.freeze([...v]) : v;
    }
    out[section] = Object.freeze(typed);
  }
  return Object.freeze(out) as ConfigOf<S>;
}
