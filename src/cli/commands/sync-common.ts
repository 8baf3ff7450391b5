/**
 * What the `warp sync` subcommands share: the job file, --json and --quiet (syncHelpers), a job by its id, and
 * the deletion guard's and versions folder's settings as options (the same on `sync add` and `sync settings`),
 * parsed into the job's guard and versions and worded back as one line.
 */
import type { Command } from 'commander';
import { formatBytes, parseByteSize } from '../../engine/core/bytes.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { warpHome } from '../../engine/core/warp-home.ts';
import { parseDuration } from '../../engine/config/index.ts';
import { VERSION_POLICIES } from '../../engine/transfer/versions-keep.ts';
import {
  GUARD_DEFAULTS,
  jobVersionsPolicy,
  readState,
  stateFilePath,
  type SyncGuard,
  type SyncJob,
  type SyncVersions,
} from '../../engine/sync/index.ts';
import type { CliContext } from '../context.ts';

export interface SettingsOpts {
  guardShare?: string;
  guardFiles?: string;
  guardMin?: string;
  versions?: string;
  versionsMaxAge?: string;
  versionsMaxSize?: string;
  versionsCount?: string;
}

export function versionsSpec(o: SettingsOpts): { versions?: SyncVersions } {
  if (
    o.versions === undefined &&
    o.versionsMaxAge === undefined &&
    o.versionsMaxSize === undefined &&
    o.versionsCount === undefined
  )
    return {};
  const v: SyncVersions = {};
  if (o.versionsCount !== undefined) v.count = Number(o.versionsCount);
  if (o.versions !== undefined) v.policy = o.versions as SyncVersions['policy'];
  if (o.versionsMaxAge !== undefined) {
    const ms = parseDuration(o.versionsMaxAge);
    if (ms === undefined)
      throw new WarpError(
        ErrorCodes.USAGE,
        `--versions-max-age must be a duration such as 30d or 12h (got '${o.versionsMaxAge}')`,
      );
    v.maxAgeMs = ms;
  }
  if (o.versionsMaxSize !== undefined) v.maxBytes = parseByteSize(o.versionsMaxSize, '--versions-max-size');
  return { versions: v };
}

export function guardSpec(o: SettingsOpts): { guard?: SyncGuard } {
  if (o.guardShare === undefined && o.guardFiles === undefined && o.guardMin === undefined) return {};
  return {
    guard: {
      ...(o.guardShare !== undefined ? { share: Number(o.guardShare) } : {}),
      ...(o.guardFiles !== undefined ? { maxFiles: Number(o.guardFiles) } : {}),
      ...(o.guardMin !== undefined ? { minFiles: Number(o.guardMin) } : {}),
    },
  };
}

/** The deletion guard's and the versions folder's options, the same on `sync add` and `sync settings`. */
export function settingsOptions(cmd: Command): Command {
  return cmd
    .option(
      '--guard-share <fraction>',
      'pause and ask when a sync would delete at least this share of the files (default 0.5)',
    )
    .option('--guard-files <n>', 'pause and ask when a sync would delete at least this many files (default 1000)')
    .option('--guard-min <n>', 'the share rule applies from this many deletions up (default 5)')
    .option(
      '--versions <policy>',
      `how long deleted and replaced files stay in .warp-versions/: ${VERSION_POLICIES.join(' | ')} (default trash-can)`,
    )
    .option('--versions-max-age <duration>', 'drop versions older than this, e.g. 30d (default 30d)')
    .option(
      '--versions-max-size <bytes>',
      'keep at most this much in .warp-versions/, oldest dropped first, e.g. 5GiB (default 10GiB)',
    )
    .option('--versions-count <n>', 'simple policy: versions kept per file (default 5)');
}

/** What every subcommand uses: the job file, --json, and a line on stderr unless --quiet. */
export function syncHelpers(ctx: CliContext): { file: () => string; json: () => boolean; say: (line: string) => void } {
  return {
    file: (): string => stateFilePath(warpHome()),
    json: (): boolean => ctx.opts().json,
    say: (line: string): void => {
      if (!ctx.opts().quiet) ctx.err(line);
    },
  };
}

/** "guard 50 % from 5 files or 1000 files; versions trash-can, 30 days, 10 GiB": the settings in effect. */
export function settingsLine(job: SyncJob): string {
  const g = { ...GUARD_DEFAULTS, ...job.guard };
  const v = jobVersionsPolicy(job);
  const days = Math.round(v.maxAgeMs / 86_400_000);
  return `guard ${Math.round(g.share * 100)} % from ${g.minFiles} files or ${g.maxFiles} files; versions ${v.kind}${v.kind === 'simple' ? ` (${v.count} per file)` : ''}, ${days} days, ${formatBytes(v.maxBytes)}`;
}

export function jobById(id: string): SyncJob {
  const r = readState(stateFilePath(warpHome())).jobs.find((j) => j.job.id === id);
  if (!r) throw new WarpError(ErrorCodes.USAGE, `no sync job '${id}' ('warp sync list' shows them)`);
  return r.job;
}
