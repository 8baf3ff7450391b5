/**
 * `warp sync`: folders kept pushed to a paired peer. `add|list|remove|pause|resume` edit the job file under
 * WARP_HOME (a running manager, in the daemon, the desktop app or `warp sync run`, picks the edits up);
 * `run` hosts the manager in the foreground until Ctrl-C (`--once`: sync every job once and exit).
 */
import type { Command } from 'commander';
import { formatBytes } from '../../engine/core/bytes.ts';
import { ErrorCodes, WarpError, type ErrorCode } from '../../engine/core/errors.ts';
import { warpHome } from '../../engine/core/warp-home.ts';
import { parseDuration } from '../../engine/config/index.ts';
import { PRESET_NAMES } from '../../engine/ignore/index.ts';
import { pushLine } from '../../engine/sync/push-line.ts';
import { incomingLine, readIncoming } from '../../engine/sync/incoming.ts';
import { readLinuxOnBattery } from '../../engine/core/power-supply.ts';
import { splitRemotePath } from '../../engine/net/address.ts';
import {
  CONFLICT_POLICIES,
  SYNC_MODES,
  SyncManager,
  addJob,
  formatWindow,
  parseWindow,
  readState,
  removeJob,
  setJobPaused,
  setJobSettings,
  type ConflictPolicy,
  type SyncEvent,
  type SyncJob,
  type SyncJobStatus,
  type SyncMode,
} from '../../engine/sync/index.ts';
import type { CliContext } from '../context.ts';
import { transferEnv } from './net-env.ts';
import {
  guardSpec,
  settingsLine,
  settingsOptions,
  syncHelpers,
  versionsSpec,
  type SettingsOpts,
} from './sync-common.ts';
import { registerConflictCommands, registerVersionCommands } from './sync-recovery.ts';

interface AddOpts extends SettingsOpts {
  mode?: string;
  only?: string[];
  schedule?: string[];
  pauseOnBattery?: boolean;
  pauseOnMetered?: boolean;
  conflict?: string;
  debounce?: string;
  exclude?: string[];
  preset?: string[];
}

const ARROW: Record<SyncMode, string> = { 'two-way': '<->', 'send-only': '->', 'receive-only': '<-' };

const jobLine = (j: SyncJob, extra = ''): string =>
  `${j.id}  ${j.folder} ${ARROW[j.mode ?? 'two-way']} ${j.peer}:${j.remotePath}  ${j.mode ?? 'two-way'}` +
  `${j.only?.length ? `  only ${j.only.join(', ')}` : ''}${j.schedule.length ? `  [${j.schedule.map(formatWindow).join('; ')}]` : ''}` +
  `${j.pauseOnBattery ? '  pause-on-battery' : ''}${j.pauseOnMetered ? '  pause-on-metered' : ''}${j.paused ? '  PAUSED' : ''}${extra}`;

function eventLine(e: SyncEvent): string | undefined {
  switch (e.type) {
    case 'sync.state':
      return `${e.id}: ${e.state}${e.reason ? ` (${e.reason})` : ''}`;
    case 'sync.change':
      return `${e.id}: ${e.paths.length} changed (${e.paths.slice(0, 3).join(', ')}${e.paths.length > 3 ? ', …' : ''})`;
    case 'sync.push-started':
      return `${e.id}: pushing ${e.changedFiles} changed of ${e.files} files`;
    case 'sync.push':
      return `${e.id}: ${e.line} (folder ${e.files} files, ${formatBytes(e.bytes)}), ${e.elapsedSeconds.toFixed(2)} s`;
    case 'sync.skipped':
      return `${e.id}: ${e.path} not changed: ${e.reason}`;
    case 'sync.guard':
      return `${e.id}: DELETION GUARD: ${e.report.reason}; ${e.report.paths.slice(0, 5).join(', ')}${e.report.deletions > 5 ? ', …' : ''}. Nothing was changed: 'warp sync confirm ${e.id}' lets these ${e.report.deletions} deletions through`;
    case 'sync.conflict':
      return `${e.id}: conflict on ${e.path}: ${e.winner} copy wins, the other kept as ${e.keptAs}`;
    case 'sync.pulled':
      return `${e.id}: ${e.path} changed on the peer; brought here`;
    case 'sync.error':
      return `${e.id}: [${e.error.code}] ${e.error.message}`;
    case 'sync.job-added':
      return `${e.id}: added (${e.job.folder})`;
    case 'sync.job-removed':
      return `${e.id}: removed`;
    default:
      return undefined;
  }
}

function runSyncAdd(ctx: CliContext, folder: string, dest: string, o: AddOpts): void {
  const { file, json, say } = syncHelpers(ctx);
  const { address, remotePath } = splitRemotePath(dest);
  if (o.conflict !== undefined && !CONFLICT_POLICIES.includes(o.conflict as ConflictPolicy)) {
    throw new WarpError(
      ErrorCodes.USAGE,
      `--conflict must be one of ${CONFLICT_POLICIES.join(', ')} (got '${o.conflict}')`,
    );
  }
  if (o.mode !== undefined && !SYNC_MODES.includes(o.mode as SyncMode))
    throw new WarpError(ErrorCodes.USAGE, `--mode must be one of ${SYNC_MODES.join(', ')} (got '${o.mode}')`);
  let debounceMs: number | undefined;
  if (o.debounce !== undefined) {
    debounceMs = parseDuration(o.debounce);
    if (debounceMs === undefined || debounceMs > 600_000)
      throw new WarpError(
        ErrorCodes.USAGE,
        `--debounce must be a duration up to 10m such as 500ms or 5s (got '${o.debounce}')`,
      );
  }
  const rec = addJob(
    file(),
    {
      folder,
      peer: address,
      remotePath: remotePath ?? '/',
      schedule: (o.schedule ?? []).map(parseWindow),
      pauseOnBattery: o.pauseOnBattery,
      pauseOnMetered: o.pauseOnMetered,
      conflict: o.conflict as ConflictPolicy | undefined,
      ...(o.mode ? { mode: o.mode as SyncMode } : {}),
      ...(o.only ? { only: o.only } : {}),
      debounceMs,
      ...(o.exclude || o.preset ? { ignore: { patterns: o.exclude ?? [], presets: o.preset ?? [] } } : {}),
      ...versionsSpec(o),
      ...guardSpec(o),
    },
    Date.now(),
  );
  if (json()) ctx.out(JSON.stringify({ type: 'result', job: rec.job }));
  else
    say(
      `added sync job ${rec.job.id}: ${jobLine(rec.job)}\nrun 'warp sync run' (or the daemon / desktop app) to keep it in sync`,
    );
}

function runSyncList(ctx: CliContext): void {
  const { file, json, say } = syncHelpers(ctx);
  const jobs = readState(file()).jobs;
  const incoming = readIncoming(warpHome());
  if (json()) {
    for (const r of incoming) ctx.out(JSON.stringify({ type: 'sync.incoming', ...r }));
    for (const r of jobs)
      ctx.out(
        JSON.stringify({
          type: 'sync.job',
          job: r.job,
          lastSyncAt: r.lastSyncAt,
          lastError: r.lastError,
          lastPush: r.lastPush,
          guard: r.guard,
          held: r.held,
        }),
      );
    ctx.out(JSON.stringify({ type: 'result', jobs: jobs.length, incoming: incoming.length }));
    return;
  }
  for (const r of incoming)
    ctx.out(
      `in  ${r.folder} <- ${r.peer}  ${r.mode} here, run by the peer (job ${r.job})  last sync ${r.lastSyncAt}: ` +
        (r.lastError ? `error: ${r.lastError}` : incomingLine(r.moved, formatBytes)),
    );
  if (jobs.length === 0 && incoming.length === 0)
    say("no sync jobs: add one with 'warp sync add <folder> <peer-id>@host:port:/path'");
  for (const r of jobs) {
    const last = r.guard
      ? `  WAITING FOR CONFIRMATION: ${r.guard.reason} ('warp sync confirm ${r.job.id}')`
      : r.lastError
        ? `  last error: ${r.lastError}`
        : r.lastSyncAt
          ? `  last sync ${r.lastSyncAt}${r.lastPush ? `: ${pushLine(r.lastPush)}` : ''}${r.held ? `  (${r.held} held by the mode)` : ''}`
          : '  never synced';
    ctx.out(jobLine(r.job, last));
  }
}

async function runSyncRun(ctx: CliContext, o: { once?: boolean }): Promise<void> {
  const { json, say } = syncHelpers(ctx);
  const env = await transferEnv(ctx);
  const c = env.config.sync;
  const m = new SyncManager({ env, debounceMs: c.debounce, maxWaitMs: c.maxWait, retryMs: c.retry });
  m.events.on((e) => {
    if (json()) ctx.out(JSON.stringify(e));
    else {
      const l = eventLine(e);
      if (l) say(l);
    }
  });
  // Linux without Electron: the battery state comes from /sys/class/power_supply.
  const power = (): void => {
    const b = readLinuxOnBattery();
    if (b !== undefined) m.setPowerState({ onBattery: b });
  };
  power();
  const powerTimer = setInterval(power, 30_000);
  powerTimer.unref();
  let statuses: SyncJobStatus[] = [];
  try {
    if (m.list().length === 0) say("no sync jobs: add one with 'warp sync add'");
    await m.start();
    if (o.once) {
      await m.idle();
    } else {
      say(`syncing ${m.list().length} job(s); Ctrl-C stops`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } finally {
    clearInterval(powerTimer);
    await m.stop();
    statuses = m.status();
    env.index?.close();
  }
  if (json()) ctx.out(JSON.stringify({ type: 'result', jobs: statuses }));
  else
    for (const s of statuses)
      say(`${s.id}: ${s.state}${s.reason ? ` (${s.reason})` : ''}${s.lastSyncAt ? `, last sync ${s.lastSyncAt}` : ''}`);
  const failed = statuses.find((s) => s.state === 'error');
  if (o.once && failed) {
    const known = (Object.values(ErrorCodes) as string[]).includes(failed.lastErrorCode ?? '');
    throw new WarpError(
      (known ? failed.lastErrorCode : ErrorCodes.INTERNAL) as ErrorCode,
      `sync job ${failed.id} failed: ${failed.lastError ?? 'unknown error'}`,
    );
  }
}

export function register(program: Command, ctx: CliContext): void {
  const { file, json, say } = syncHelpers(ctx);
  const sync = program
    .command('sync')
    .description(
      'keep folders in sync with a paired peer: two-way, send-only or receive-only (watch, debounce, schedule windows, conflict copies, versions)',
    );

  sync
    .command('add')
    .argument('<folder>', 'local folder to watch')
    .argument('<peer:path>', 'peer address with its id and a remote directory: <peer-id>@host:port:/backup')
    .description('add a sync job (the folder lands on the peer as <path>/<folder name>, like `warp send`)')
    .option(
      '--mode <mode>',
      `${SYNC_MODES.join(' | ')}: both ways; only this folder's changes out (the peer's are left alone); only the peer's changes in (this folder's are left alone) (default two-way)`,
    )
    .option(
      '--only <subfolder>',
      'selective sync: sync only this subfolder of the folder (repeatable); the rest stays untouched on both sides',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option(
      '--schedule <window...>',
      "push only inside these windows: '[days] HH:MM-HH:MM [time zone]', e.g. 'mon-fri 22:00-06:00 Europe/Berlin'",
    )
    .option('--pause-on-battery', 'hold changes while the machine runs on battery')
    .option('--pause-on-metered', 'hold changes while the network is metered')
    .option(
      '--debounce <duration>',
      'quiet time after the last change before a push, e.g. 500ms or 5s (default: config sync.debounce)',
    )
    .option(
      '--conflict <policy>',
      `who wins when a file changed on both sides: ${CONFLICT_POLICIES.join(', ')} (default newer-wins)`,
    )
    .option(
      '--exclude <pattern>',
      'leave out paths matching this gitignore pattern (repeatable; .warpignore files in the folder apply too)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option(
      '--preset <names>',
      `leave out common junk: ${PRESET_NAMES.join(', ')} (comma-separated)`,
      (v: string, p: string[] = []) => [
        ...p,
        ...v
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ],
    )
    .action((folder: string, dest: string, o: AddOpts) => runSyncAdd(ctx, folder, dest, o));
  settingsOptions(sync.commands.find((c) => c.name() === 'add')!);

  settingsOptions(
    sync
      .command('settings')
      .argument('<id>')
      .description(
        "change a job's deletion guard and versions retention (a running manager picks it up within a second)",
      )
      .option('--defaults', 'put the guard and the versions retention back to the defaults first'),
  ).action((id: string, o: SettingsOpts & { defaults?: boolean }) => {
    const job = setJobSettings(file(), id, {
      ...(o.defaults ? { guard: null, versions: null } : {}),
      ...guardSpec(o),
      ...versionsSpec(o),
    });
    if (json()) ctx.out(JSON.stringify({ type: 'result', job }));
    else say(`sync job ${id}: ${settingsLine(job)}`);
  });

  sync
    .command('list', { isDefault: true })
    .alias('ls')
    .description('list sync jobs with their last sync and error')
    .action(() => runSyncList(ctx));

  registerVersionCommands(sync, ctx);
  registerConflictCommands(sync, ctx);

  sync
    .command('remove')
    .alias('rm')
    .argument('<id>')
    .description('remove a sync job (files stay where they are on both sides)')
    .action((id: string) => {
      if (!removeJob(file(), id))
        throw new WarpError(ErrorCodes.USAGE, `no sync job '${id}' ('warp sync list' shows them)`);
      if (json()) ctx.out(JSON.stringify({ type: 'result', removed: id }));
      else say(`removed sync job ${id}`);
    });

  for (const [name, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    sync
      .command(name)
      .argument('<id>')
      .description(paused ? "hold a job's changes until resumed (survives restarts)" : 'let a paused job sync again')
      .action((id: string) => {
        const job = setJobPaused(file(), id, paused);
        if (json()) ctx.out(JSON.stringify({ type: 'result', job }));
        else say(`${paused ? 'paused' : 'resumed'} sync job ${id}`);
      });
  }

  sync
    .command('run')
    .description('run the sync manager in the foreground until Ctrl-C')
    .option('--once', 'sync every job once, then exit (for cron and scripts)')
    .action((o: { once?: boolean }) => runSyncRun(ctx, o));
}
