/**
 * `warp config show | path | check | init`: see what is in effect and where it came from, find the file,
 * validate it, and write a commented starting point.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  CONFIG_SCHEMA,
  configFilePath,
  defaultConfigToml,
  didYouMean,
  formatValue,
  type ResolvedConfig,
  type Schema,
} from '../../engine/config/index.ts';
import { ErrorCodes, WarpError, fromSystemError } from '../../engine/core/errors.ts';
import { cliConfigPath, loadCliConfig } from '../config-loader.ts';
import type { CliContext } from '../context.ts';

/** Widened so sections can be looked up by name. */
const SCHEMA: Schema = CONFIG_SCHEMA;

const CONFIG_OPTION = ['--config <file>', 'config file to use (default: $WARP_HOME/config.toml)'] as const;

export function register(program: Command, ctx: CliContext): void {
  const config = program
    .command('config')
    .description('show, check and create the configuration (config.toml, WARP_* variables, flags)');

  config
    .command('show')
    .description('print every setting with its value and where it came from (default, file, env, flag)')
    .option('--section <name>', 'only this section')
    .option(...CONFIG_OPTION)
    .action((opts: { section?: string; config?: string }) => show(ctx, opts));

  config
    .command('path')
    .description('print the path of the config file in use (it may not exist yet)')
    .option(...CONFIG_OPTION)
    .action((opts: { config?: string }) => {
      const file = configFilePath({ configPath: cliConfigPath(ctx, opts.config) });
      if (ctx.opts().json) ctx.out(JSON.stringify({ path: file, exists: fs.existsSync(file) }));
      else ctx.out(file);
    });

  config
    .command('check')
    .description('validate the config file and WARP_* variables; exits non-zero with the problems')
    .option(...CONFIG_OPTION)
    .action((opts: { config?: string }) => check(ctx, opts));

  config
    .command('init')
    .description('write a commented config.toml with every default (never overwrites without --force)')
    .option(...CONFIG_OPTION)
    .option('--force', 'overwrite an existing file', false)
    .action((opts: { config?: string; force: boolean }) => init(ctx, opts));
}

function show(ctx: CliContext, opts: { section?: string; config?: string }): void {
  const sections = Object.keys(CONFIG_SCHEMA);
  if (opts.section !== undefined && !sections.includes(opts.section)) {
    throw new WarpError(
      ErrorCodes.USAGE,
      `unknown section '${opts.section}'${didYouMean(opts.section, sections)} (sections: ${sections.join(', ')})`,
    );
  }
  const { resolved } = loadCliConfig(ctx, {}, { configPath: opts.config });
  const wanted = opts.section === undefined ? sections : [opts.section];

  if (ctx.opts().json) {
    const out: Record<string, Record<string, { value: unknown; source: string; origin?: string }>> = {};
    for (const section of wanted) {
      out[section] = {};
      for (const [name, entry] of Object.entries(resolved.entries[section]))
        out[section][name] = { value: entry.value, source: entry.source, origin: entry.origin };
    }
    ctx.out(JSON.stringify(out));
    return;
  }
  ctx.out(describeFile(resolved));
  ctx.out(renderTable(resolved, wanted));
}

function describeFile(resolved: ResolvedConfig): string {
  return `config file: ${resolved.file.path}${resolved.file.exists ? '' : ' (not present; defaults apply)'}`;
}

function renderTable(resolved: ResolvedConfig, sections: readonly string[]): string {
  const rows: string[][] = [['KEY', 'VALUE', 'SOURCE']];
  for (const section of sections) {
    const keys = SCHEMA[section].keys;
    for (const [name, entry] of Object.entries(resolved.entries[section])) {
      const value = formatValue(keys[name], entry.value);
      const source =
        entry.source === 'default' || entry.source === 'flag' ? entry.source : `${entry.source} (${entry.origin})`;
      rows.push([`${section}.${name}`, value === '' ? '""' : value, source]);
    }
  }
  const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`).join('\n');
}

function check(ctx: CliContext, opts: { config?: string }): void {
  const { resolved } = loadCliConfig(ctx, {}, { configPath: opts.config, logWarnings: false });
  if (ctx.opts().json) {
    ctx.out(
      JSON.stringify({ ok: true, path: resolved.file.path, exists: resolved.file.exists, warnings: resolved.warnings }),
    );
    return;
  }
  for (const w of resolved.warnings) ctx.err(`warp: warning: ${w}`);
  if (!ctx.opts().quiet) ctx.out(`config OK: ${describeFile(resolved).replace(/^config file: /, '')}`);
}

function init(ctx: CliContext, opts: { config?: string; force: boolean }): void {
  const file = configFilePath({ configPath: cliConfigPath(ctx, opts.config) });
  if (fs.existsSync(file) && !opts.force) {
    throw new WarpError(
      ErrorCodes.OUTPUT_EXISTS,
      `${file} already exists; edit it, or run \`warp config init --force\` to replace it with the defaults`,
      { details: { path: file } },
    );
  }
  // Write a temporary file beside the target and rename it over, so a crash never leaves half a config.
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, defaultConfigToml(), { flag: 'wx', mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw fromSystemError(e, file, 'write');
  }
  if (ctx.opts().json) ctx.out(JSON.stringify({ path: file, written: true }));
  else if (!ctx.opts().quiet) ctx.out(`wrote ${file}`);
}
