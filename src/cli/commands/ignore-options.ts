/**
 * The ignore flags every command that reads a tree takes (`archive create`, `send`, `plan`, `sync add`), and
 * `--dry-run`: the list of what the walk would take, through the same engine rules.
 */
import type { Command } from 'commander';
import { scanInputs } from '../../engine/archive/walk.ts';
import { ENTRY_TYPE_NAMES, EntryType } from '../../engine/archive/index.ts';
import { formatBytes } from '../../engine/core/bytes.ts';
import { IgnoreRules, PRESET_NAMES, type IgnoreSpec } from '../../engine/ignore/index.ts';
import type { CliContext } from '../context.ts';

export interface IgnoreCliOpts {
  exclude?: string[];
  excludeFrom?: string[];
  preset?: string[];
  warpignore?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
const collectList = (v: string, prev: string[] = []): string[] => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

export const ignoreOptions = (c: Command): Command =>
  c
    .option('--exclude <pattern>', 'leave out paths matching this gitignore pattern (repeatable)', collect)
    .option('--exclude-from <file>', 'read gitignore patterns from this file (repeatable)', collect)
    .option(
      '--preset <names>',
      `leave out common junk: ${PRESET_NAMES.join(', ')} (comma-separated, repeatable)`,
      collectList,
    )
    .option('--no-warpignore', 'do not read .warpignore files in the tree');

export function ignoreSpecFrom(o: IgnoreCliOpts): IgnoreSpec {
  return {
    presets: o.preset ?? [],
    patterns: o.exclude ?? [],
    patternFiles: o.excludeFrom ?? [],
    warpignore: o.warpignore !== false,
  };
}

export const ignoreRulesFrom = (o: IgnoreCliOpts): IgnoreRules => IgnoreRules.compile(ignoreSpecFrom(o));

/** Prints what a walk of `inputs` under `rules` takes (one line, or one JSON object, per entry) and a total. */
export function printDryRun(ctx: CliContext, inputs: string[], rules: IgnoreRules): void {
  const scan = scanInputs(inputs, undefined, rules);
  const json = Boolean(ctx.opts().json);
  for (let i = 0; i < scan.count; i++) {
    const type = scan.type(i);
    if (json)
      ctx.out(JSON.stringify({ type: 'entry', path: scan.rel(i), kind: ENTRY_TYPE_NAMES[type], size: scan.size(i) }));
    else ctx.out(type === EntryType.DIR ? `${scan.rel(i)}/` : scan.rel(i));
  }
  const total = { files: scan.fileCount, entries: scan.count, bytes: scan.totalBytes, ignored: scan.ignored };
  if (json) ctx.out(JSON.stringify({ type: 'result', dryRun: true, ...total }));
  else if (!ctx.opts().quiet)
    ctx.err(
      `dry run: ${total.files} files (${formatBytes(total.bytes)}) in ${total.entries} entries would be included; ${total.ignored} left out by ignore rules`,
    );
}
