/**
 * `warp sync confirm|versions|restore|conflicts|resolve`: getting data back from a sync. Confirming deletions the
 * deletion guard stopped, listing and restoring the versions a job kept in .warp-versions/, and resolving conflicts
 * (keep mine, theirs or both). Each edits the job file or the folder; a running manager picks the result up.
 */
import type { Command } from 'commander';
import { formatBytes } from '../../engine/core/bytes.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { listVersions, restoreVersion } from '../../engine/transfer/versions-keep.ts';
import { parseVersionName } from '../../engine/transfer/versions.ts';
import { RESOLUTIONS, jobConflicts, resolveJobConflict, type Resolution } from '../../engine/sync/resolve.ts';
import { confirmDeletions } from '../../engine/sync/index.ts';
import type { CliContext } from '../context.ts';
import { jobById, syncHelpers } from './sync-common.ts';

function runSyncRestore(ctx: CliContext, id: string, version: string, o: { as?: string }): void {
  const { json, say } = syncHelpers(ctx);
  const job = jobById(id);
  const name = parseVersionName(version) ? version : listVersions(job.folder).find((v) => v.path === version)?.version;
  if (!name)
    throw new WarpError(
      ErrorCodes.INPUT_NOT_FOUND,
      `no version of '${version}' in ${job.folder}/.warp-versions ('warp sync versions ${id}' lists them)`,
    );
  const r = restoreVersion(job.folder, name, Date.now(), o.as);
  if (json()) ctx.out(JSON.stringify({ type: 'result', id, version: name, ...r }));
  else
    say(
      `restored ${r.path} from ${name}${r.replacedKeptAs ? ` (the file that was there is kept as ${r.replacedKeptAs})` : ''}`,
    );
}

/** `warp sync confirm|versions|restore`: the deletion guard's confirmation and the versions folder. */
export function registerVersionCommands(sync: Command, ctx: CliContext): void {
  const { file, json, say } = syncHelpers(ctx);

  sync
    .command('confirm')
    .argument('<id>')
    .description('let through the deletions the deletion guard stopped (the job syncs again)')
    .option('--deletions <n>', 'allow at most this many deletions (default: what the guard reported)')
    .action((id: string, o: { deletions?: string }) => {
      const n = o.deletions === undefined ? undefined : Number(o.deletions);
      if (n !== undefined && !(Number.isInteger(n) && n >= 0))
        throw new WarpError(ErrorCodes.USAGE, `--deletions must be a whole number (got '${o.deletions}')`);
      const allowed = confirmDeletions(file(), id, n);
      if (json()) ctx.out(JSON.stringify({ type: 'result', id, approvedDeletions: allowed }));
      else
        say(
          `job ${id}: up to ${allowed} deletions confirmed; a running 'warp sync run', daemon or app syncs it within a few seconds`,
        );
    });

  sync
    .command('versions')
    .argument('<id>')
    .description(
      "list the versions the job kept in its folder's .warp-versions/ (deleted or replaced files), newest first",
    )
    .option('--path <path>', 'only versions of this file (relative to the folder)')
    .action((id: string, o: { path?: string }) => {
      const job = jobById(id);
      const list = listVersions(job.folder).filter((v) => o.path === undefined || v.path === o.path);
      if (json()) {
        for (const v of list)
          ctx.out(JSON.stringify({ type: 'sync.version', ...v, keptAt: new Date(v.keptAtMs).toISOString() }));
        ctx.out(JSON.stringify({ type: 'result', versions: list.length, bytes: list.reduce((n, v) => n + v.size, 0) }));
        return;
      }
      if (list.length === 0) say(`no versions in ${job.folder}/.warp-versions`);
      for (const v of list)
        ctx.out(
          `${new Date(v.keptAtMs).toISOString()}  ${formatBytes(v.size).padStart(10)}  ${v.path}  (${v.version})`,
        );
    });

  sync
    .command('restore')
    .argument('<id>')
    .argument(
      '<version>',
      "a version's name as 'warp sync versions' prints it (in parentheses), or a file path: its newest version",
    )
    .description(
      'put a kept version back in the folder (the file there now is kept as a version first); the next sync sends it',
    )
    .option('--as <path>', 'restore under this path instead (relative to the folder)')
    .action((id: string, version: string, o: { as?: string }) => runSyncRestore(ctx, id, version, o));
}

/** `warp sync conflicts|resolve`: the conflict resolver (keep mine, theirs or both). */
export function registerConflictCommands(sync: Command, ctx: CliContext): void {
  const { file, say } = syncHelpers(ctx);
  const side = (x: { size: number; mtimeMs: number }): string =>
    `${formatBytes(x.size)}, ${new Date(x.mtimeMs).toISOString()}`;
  sync
    .command('conflicts')
    .argument('<id>')
    .description("list a job's open conflicts: this machine's version and the peer's, with size and date")
    .action((id: string) => {
      const list = jobConflicts(file(), id);
      if (ctx.opts().json) {
        for (const c of list) ctx.out(JSON.stringify({ type: 'sync.conflict', ...c }));
        ctx.out(JSON.stringify({ type: 'result', conflicts: list.length }));
        return;
      }
      if (list.length === 0) say(`job ${id} has no open conflicts`);
      for (const c of list)
        ctx.out(
          `${c.path}\n  mine:   ${c.mine.path} (${side(c.mine)})\n  theirs: ${c.theirs.path} (${side(c.theirs)})`,
        );
    });
  sync
    .command('resolve')
    .argument('<id>')
    .argument('<path>', "the conflict's file or its .conflict-… copy")
    .requiredOption(
      '--keep <which>',
      `${RESOLUTIONS.join(' | ')}: the version that stays (the other goes to .warp-versions/)`,
    )
    .description('resolve a conflict; the next sync carries the result to the peer')
    .action((id: string, which: string, o: { keep: string }) => {
      if (!RESOLUTIONS.includes(o.keep as Resolution))
        throw new WarpError(ErrorCodes.USAGE, `--keep must be one of ${RESOLUTIONS.join(', ')} (got '${o.keep}')`);
      const r = resolveJobConflict(file(), id, which, o.keep as Resolution);
      if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', id, keep: o.keep, ...r }));
      else
        say(
          `${r.path}: kept ${o.keep}${r.versioned ? ` (the other version is in .warp-versions/${r.versioned})` : ''}`,
        );
    });
}
