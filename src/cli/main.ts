/**
 * `warp`: parses arguments, runs one command, maps errors to documented exit codes. Commands are thin:
 * each lives in commands/<name>.ts and calls the engine.
 */
import fs from 'node:fs';
import { Command, CommanderError } from 'commander';
import { WarpError } from '../engine/core/errors.ts';
import { escapeControl, escapeTerminal } from '../engine/core/safe-text.ts';
import { secureHome, warpHome } from '../engine/core/warp-home.ts';
import type { CliContext, GlobalOptions } from './context.ts';
import { ExitCode, exitCodeFor } from './exit-codes.ts';
import { registerFor, type CommandManifest } from './commands/index.ts';

const program = new Command('warp')
  .description('Move and archive large data fast and verifiably.')
  .version('0.1.0', '-V, --version')
  .option('--json', 'print machine-readable JSON lines on stdout (events and results)', false)
  .option('-q, --quiet', 'print nothing but errors', false)
  .option('--no-color', 'disable colours')
  .option('--config <file>', 'config file to use (default: $WARP_HOME/config.toml)')
  .option(
    '-v, --verbose',
    'more diagnostic logging: -v info, -vv debug, -vvv trace',
    (_v: string, n: number) => n + 1,
    0,
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const ctx: CliContext = {
  opts: () => program.opts<GlobalOptions>(),
  // Every line printed passes escapeTerminal: no escape sequence from a name, a path or a peer reaches the
  // terminal, whichever command printed it (JSON lines stay JSON with the exact strings).
  out: (line) => process.stdout.write(escapeTerminal(line) + '\n'),
  err: (line) => process.stderr.write(escapeTerminal(line) + '\n'),
  stderrIsTTY: Boolean(process.stderr.isTTY),
};

/** Written beside the bundle by scripts/build-cli.ts; absent when running from source (then every module loads). */
function readManifest(): CommandManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(new URL('./command-manifest.json', import.meta.url), 'utf8')) as CommandManifest;
  } catch {
    return undefined;
  }
}

await registerFor(program, ctx, process.argv.slice(2), readManifest());
// Before any command touches WARP_HOME: make it private (0700), or say why it cannot be.
program.hook('preAction', () => {
  const warning = secureHome(warpHome());
  if (warning && !ctx.opts().quiet) ctx.err(`warp: warning: ${warning}`);
});

function reportError(e: WarpError): void {
  if (program.opts<GlobalOptions>().json) ctx.out(JSON.stringify({ type: 'error', error: e.toJSON() }));
  // The message is one line whatever names it quotes; a multi-line excerpt (a config file's bad spot) is ours
  // to lay out, indented below it.
  ctx.err(`warp: error [${e.code}]: ${escapeControl(e.message)}`);
  const excerpt = e.details.excerpt;
  if (typeof excerpt === 'string') for (const line of excerpt.split('\n')) ctx.err(`  ${escapeControl(line)}`);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed by commander.
    process.exitCode = e.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
  } else if (e instanceof WarpError) {
    reportError(e);
    process.exitCode = exitCodeFor(e.code);
  } else {
    ctx.err(`warp: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    ctx.err('This is a bug in Warp; please report it with the command you ran.');
    process.exitCode = ExitCode.FAILURE;
  }
}
