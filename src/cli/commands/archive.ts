/** `warp archive create|extract|list|verify|info`: thin over src/engine/archive. */
import type { Command } from 'commander';
import {
  createArchive,
  extractArchive,
  keySourceFromFiles,
  verifyArchive,
  ArchiveReader,
  ENTRY_TYPE_NAMES,
  EntryType,
  type KeySource,
} from '../../engine/archive/index.ts';
import type { ExistingPolicy } from '../../engine/archive/index.ts';
import { isLevelName } from '../../engine/codec/compress.ts';
import { paramsForAverage, type ChunkerParams } from '../../engine/codec/fastcdc.ts';
import { formatBytes, formatRate, parseByteSize } from '../../engine/core/bytes.ts';
import { ErrorCodes, WarpError } from '../../engine/core/errors.ts';
import { escapeControl } from '../../engine/core/safe-text.ts';
import { loadCliConfig } from '../config-loader.ts';
import type { CliContext } from '../context.ts';
import { ExitCode } from '../exit-codes.ts';
import { createProgressRenderer } from '../render/progress.ts';
import { ignoreOptions, ignoreRulesFrom, printDryRun, type IgnoreCliOpts } from './ignore-options.ts';

interface KeyOpts {
  passwordFile?: string;
  keyFile?: string;
  argon2MaxMemory?: string;
  argon2MaxPasses?: string;
}

const keyOptions = (c: Command): Command =>
  c
    .option('--password-file <file>', 'read the password from this file (Argon2id)')
    .option('--key-file <file>', 'a 32-byte key file (raw or 64 hex digits)')
    .option(
      '--argon2-max-memory <size>',
      "most memory an archive's header may ask Argon2id for (default from config: 256MiB)",
    )
    .option('--argon2-max-passes <n>', "most Argon2id passes an archive's header may ask for (default from config: 8)");

/** The key a user gave, with the Argon2id limits from the flags or the config (archive.argon2_max_*). */
async function cliKey(ctx: CliContext, o: KeyOpts): Promise<KeySource | undefined> {
  const { config } = loadCliConfig(ctx);
  const mem =
    o.argon2MaxMemory !== undefined
      ? parseByteSize(o.argon2MaxMemory, '--argon2-max-memory')
      : config.archive.argon2MaxMemory;
  const passes = o.argon2MaxPasses !== undefined ? Number(o.argon2MaxPasses) : config.archive.argon2MaxPasses;
  if (!Number.isInteger(passes) || passes < 1 || passes > 64)
    throw new WarpError(
      ErrorCodes.USAGE,
      `--argon2-max-passes must be a whole number from 1 to 64 (got '${o.argon2MaxPasses}')`,
    );
  if (mem < 8 * 1024 || mem > 4 * 1024 ** 3)
    throw new WarpError(ErrorCodes.USAGE, '--argon2-max-memory must lie between 8KiB and 4GiB');
  return keySourceFromFiles({ ...o, kdfLimits: { maxMemKiB: Math.floor(mem / 1024), maxOps: passes } });
}

function printResult(ctx: CliContext, result: Record<string, unknown>, human: string[]): void {
  if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', ...result }));
  else if (!ctx.opts().quiet) for (const l of human) ctx.err(l);
}

export interface CreateCliOpts extends KeyOpts, IgnoreCliOpts {
  output?: string;
  level?: string;
  chunkAvg?: string;
  force?: boolean;
  fsync?: boolean;
  workers?: string;
  dryRun?: boolean;
}

export async function runCreate(ctx: CliContext, inputs: string[], o: CreateCliOpts): Promise<void> {
  const { config } = loadCliConfig(ctx, { archive: { level: o.level } });
  if (o.level && !isLevelName(o.level))
    throw new WarpError(ErrorCodes.USAGE, `--level must be fast, balanced or max (got '${o.level}')`);
  const ignore = ignoreRulesFrom(o);
  if (o.dryRun) {
    printDryRun(ctx, inputs, ignore);
    return;
  }
  if (!o.output)
    throw new WarpError(ErrorCodes.USAGE, "say where to write the archive: -o <file> ('-' for standard output)");
  const chunker: ChunkerParams = o.chunkAvg
    ? paramsForAverage(parseByteSize(o.chunkAvg, '--chunk-avg'))
    : { minSize: config.archive.chunkMin, avgSize: config.archive.chunkAvg, maxSize: config.archive.chunkMax };
  const key = await cliKey(ctx, o);
  const toStdout = o.output === '-';
  const progress = createProgressRenderer(ctx, 'archiving', { stdoutIsData: toStdout });
  const r = await createArchive({
    inputs,
    output: o.output,
    level: config.archive.level,
    chunker,
    key,
    overwrite: o.force,
    fsync: o.fsync,
    workers: o.workers ? Number(o.workers) : config.archive.workers,
    onEvent: (e) => progress.event(e),
    ignore,
  }).finally(() => progress.done());
  const { manifest: _m, ...result } = r;
  if (toStdout) {
    if (!ctx.opts().quiet)
      ctx.err(`archived ${formatBytes(r.bytesIn)} in ${r.files} files to stdout (${formatBytes(r.archiveBytes)})`);
    return;
  }
  printResult(ctx, { ...result, maxRssBytes: process.resourceUsage().maxRSS * 1024 }, [
    `created ${r.archive}: ${r.files} files, ${r.dirs} dirs, ${r.symlinks} symlinks`,
    `  ${formatBytes(r.bytesIn)} in -> ${formatBytes(r.archiveBytes)} stored (dedup ${r.dedupRatio.toFixed(2)}x, compression ${r.compressionRatio.toFixed(2)}x${r.encrypted ? ', encrypted' : ''})`,
    `  ${r.uniqueChunks} unique chunks of ${r.chunkRefs}, ${r.elapsedSeconds.toFixed(2)} s, ${formatRate(r.bytesIn / Math.max(r.elapsedSeconds, 1e-9))}`,
  ]);
}

export async function runExtract(
  ctx: CliContext,
  archive: string,
  paths: string[],
  o: KeyOpts & { directory?: string; overwrite?: boolean; skip?: boolean; workers?: string },
): Promise<void> {
  if (o.overwrite && o.skip) throw new WarpError(ErrorCodes.USAGE, 'give either --overwrite or --skip, not both');
  const existing: ExistingPolicy = o.overwrite ? 'overwrite' : o.skip ? 'skip' : 'fail';
  const { config } = loadCliConfig(ctx);
  const key = await cliKey(ctx, o);
  const progress = createProgressRenderer(ctx, 'extracting');
  const r = await extractArchive({
    archive,
    target: o.directory ?? '.',
    paths,
    key,
    existing,
    workers: o.workers ? Number(o.workers) : config.archive.workers,
    onEvent: (e) => progress.event(e),
  }).finally(() => progress.done());
  printResult(ctx, { ...r, target: o.directory ?? '.' }, [
    `extracted ${r.files} files, ${r.dirs} dirs, ${r.symlinks} symlinks (${formatBytes(r.bytes)}) to ${o.directory ?? '.'}${r.skipped ? `, ${r.skipped} existing skipped` : ''} in ${r.elapsedSeconds.toFixed(2)} s`,
  ]);
}

async function runList(ctx: CliContext, a: string, o: KeyOpts): Promise<void> {
  const reader = await ArchiveReader.open(a, await cliKey(ctx, o));
  try {
    const m = reader.manifest;
    for (const e of m.entries()) {
      let stored = 0;
      for (const c of m.refsOf(e.index)) stored += reader.units.storedShare(c, m.chunkRawSize(c));
      stored = Math.round(stored);
      const type = ENTRY_TYPE_NAMES[e.type];
      if (ctx.opts().json) {
        ctx.out(
          JSON.stringify({
            type: 'entry',
            path: e.path,
            kind: type,
            size: e.size,
            stored,
            mode: e.mode.toString(8),
            mtimeMs: e.mtimeMs,
            ...(e.linkTarget !== undefined ? { linkTarget: e.linkTarget } : {}),
          }),
        );
      } else {
        const shown = escapeControl(e.path);
        const name =
          e.type === EntryType.DIR
            ? shown + '/'
            : e.type === EntryType.SYMLINK
              ? `${shown} -> ${escapeControl(e.linkTarget ?? '')}`
              : shown;
        ctx.out(`${type.padEnd(7)} ${String(e.size).padStart(12)} ${String(stored).padStart(12)}  ${name}`);
      }
    }
  } finally {
    reader.close();
  }
}

async function runVerify(ctx: CliContext, a: string, o: KeyOpts & { workers?: string }): Promise<void> {
  const progress = createProgressRenderer(ctx, 'verifying');
  const r = await verifyArchive({
    archive: a,
    key: await cliKey(ctx, o),
    workers: o.workers ? Number(o.workers) : 0,
    onEvent: (e) => progress.event(e),
  }).finally(() => progress.done());
  const human = r.ok
    ? [
        `ok: ${a}: ${r.chunks} chunks, ${r.files} files (${formatBytes(r.bytes)}), Merkle root ok, ${r.elapsedSeconds.toFixed(2)} s`,
      ]
    : [
        `DAMAGED: ${a}: ${r.badChunks.length} bad chunk(s), ${r.badFiles.length} bad file(s)${r.merkleRootOk ? '' : ', Merkle root mismatch'}`,
        ...r.badChunks.map(
          (b) => `  chunk ${b.chunk} (${b.id.slice(0, 16)}…): ${b.reason}; affects: ${b.files.join(', ') || 'no file'}`,
        ),
        ...r.badFiles.map((f) => `  file ${f.path}: ${f.reason}`),
      ];
  if (r.ok) printResult(ctx, { ...r }, human);
  else {
    if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', ...r }));
    for (const l of human) ctx.err(l);
    process.exitCode = ExitCode.INTEGRITY;
  }
}

async function runInfo(ctx: CliContext, a: string, o: KeyOpts): Promise<void> {
  const reader = await ArchiveReader.open(a, await cliKey(ctx, o));
  try {
    const m = reader.manifest;
    let files = 0,
      dirs = 0,
      links = 0,
      refBytes = 0;
    for (const e of m.entries()) {
      if (e.type === EntryType.FILE) {
        files++;
        refBytes += e.size;
      } else if (e.type === EntryType.DIR) dirs++;
      else links++;
    }
    const info = {
      archive: a,
      formatVersion: reader.header.version,
      archiveBytes: reader.size,
      files,
      dirs,
      symlinks: links,
      totalFileBytes: refBytes,
      uniqueChunks: m.chunkCount,
      uniqueBytes: m.uniqueRawBytes,
      storedChunkBytes: m.storedDataBytes,
      dedupRatio: m.uniqueRawBytes ? refBytes / m.uniqueRawBytes : 1,
      compressionRatio: m.storedDataBytes ? m.uniqueRawBytes / m.storedDataBytes : 1,
      cipher: reader.encrypted ? 'chacha20-poly1305' : 'none',
      kdf: ['none', 'argon2id', 'key-file'][reader.header.kdf],
      argon2: reader.header.kdf === 1 ? reader.header.argon2 : undefined,
      chunking: m.chunking,
      merkleRoot: m.merkleRoot.toString('hex'),
      archiveId: reader.header.archiveSalt.toString('hex'),
    };
    if (ctx.opts().json) ctx.out(JSON.stringify({ type: 'result', ...info }));
    else {
      ctx.out(`archive        ${a} (format v${info.formatVersion}, ${formatBytes(info.archiveBytes)})`);
      ctx.out(`entries        ${files} files, ${dirs} dirs, ${links} symlinks; ${formatBytes(refBytes)} of file data`);
      ctx.out(
        `chunks         ${m.chunkCount} unique, ${formatBytes(m.uniqueRawBytes)} raw, ${formatBytes(m.storedDataBytes)} stored`,
      );
      ctx.out(`dedup          ${info.dedupRatio.toFixed(2)}x    compression ${info.compressionRatio.toFixed(2)}x`);
      ctx.out(
        `cipher         ${info.cipher} (key: ${info.kdf}${info.argon2 ? `, t=${info.argon2.opsLimit} m=${info.argon2.memKiB} KiB` : ''})`,
      );
      ctx.out(
        `chunking       min ${formatBytes(m.chunking.minSize)}, avg ${formatBytes(m.chunking.avgSize)}, max ${formatBytes(m.chunking.maxSize)} (FastCDC)`,
      );
      ctx.out(`merkle root    ${info.merkleRoot}`);
    }
  } finally {
    reader.close();
  }
}

export function register(program: Command, ctx: CliContext): void {
  const archive = program.command('archive').description('create, extract, list, verify and inspect .warp archives');

  keyOptions(
    ignoreOptions(
      archive
        .command('create')
        .argument('<paths...>', 'files and directories to archive')
        .description('create a .warp archive (dedup, adaptive zstd, optional encryption)')
        .option('-n, --dry-run', 'list what would be archived (after ignore rules) and stop')
        .option('-o, --output <file>', "archive to write ('-' for standard output; required unless --dry-run)")
        .option('--level <level>', 'compression: fast | balanced | max (default from config: balanced)')
        .option('--chunk-avg <size>', 'average chunk size, e.g. 1MiB (min = avg/4, max = avg*4)')
        .option('-f, --force', 'replace an existing archive')
        .option('--fsync', 'flush the archive to disk before finishing')
        .option('--workers <n>', 'worker threads (default: one per core)'),
    ),
  ).action((inputs: string[], o: CreateCliOpts) => runCreate(ctx, inputs, o));

  keyOptions(
    archive
      .command('extract')
      .argument('<archive>', 'the .warp file')
      .argument('[paths...]', 'only these entries (and what is under them)')
      .description('extract everything, a subtree or single files')
      .option('-C, --directory <dir>', 'target directory (default: current directory)')
      .option('--overwrite', 'replace existing files')
      .option('--skip', 'keep existing files and skip those entries')
      .option('--workers <n>', 'worker threads (default: one per core)'),
  ).action(
    (
      a: string,
      paths: string[],
      o: KeyOpts & { directory?: string; overwrite?: boolean; skip?: boolean; workers?: string },
    ) => runExtract(ctx, a, paths, o),
  );

  keyOptions(
    archive
      .command('list')
      .argument('<archive>', 'the .warp file')
      .description('list entries with sizes and stored sizes'),
  ).action((a: string, o: KeyOpts) => runList(ctx, a, o));

  keyOptions(
    archive
      .command('verify')
      .argument('<archive>', 'the .warp file')
      .description('check every chunk hash, the Merkle root and every file hash; exit 3 if anything is wrong')
      .option('--workers <n>', 'worker threads (default: one per core)'),
  ).action((a: string, o: KeyOpts & { workers?: string }) => runVerify(ctx, a, o));

  keyOptions(
    archive
      .command('info')
      .argument('<archive>', 'the .warp file')
      .description('totals, dedup and compression ratios, cipher, chunk parameters'),
  ).action((a: string, o: KeyOpts) => runInfo(ctx, a, o));
}
