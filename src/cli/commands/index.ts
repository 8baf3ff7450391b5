/**
 * The command modules, loaded lazily: a command run loads only the module(s) that register it, so `warp
 * --version`, `--help`, `id` and `info` never load libp2p, the daemon or the archive engine (issue 11: start-up
 * <= 150 ms).
 *
 * Root help needs every command's name and description without loading the modules: the build
 * (scripts/build-cli.ts) registers them all once and writes that table (`CommandManifest`) next to the bundle.
 * Without the table (running from source) every module is loaded, as before.
 */
import { Command, Help } from 'commander';
import type { CliContext } from '../context.ts';

type Register = (program: Command, ctx: CliContext) => void;

/** Module key -> loader; the order is the order in --help. Completion is last: it reads the whole command tree. */
const MODULES: ReadonlyArray<readonly [string, () => Promise<{ register: Register }>]> = [
  ['archive', () => import('./archive.ts')],
  ['shortcuts', () => import('./shortcuts.ts')],
  ['listen', () => import('./listen.ts')],
  ['relay', () => import('./relay.ts')],
  ['daemon', () => import('./daemon.ts')],
  ['id', () => import('./id.ts')],
  ['pair', () => import('./pair.ts')],
  ['peers', () => import('./peers.ts')],
  ['resume', () => import('./resume.ts')],
  ['plan', () => import('./plan.ts')],
  ['probe', () => import('./probe.ts')],
  ['stream', () => import('./stream.ts')],
  ['sync', () => import('./sync.ts')],
  ['share', () => import('./share.ts')],
  ['hub', () => import('./hub.ts')],
  ['info', () => import('./info.ts')],
  ['config', () => import('./config.ts')],
  ['bench-local', () => import('./bench-local.ts')],
  ['sched', () => import('./sched.ts')],
  ['swarm', () => import('./swarm.ts')],
  ['completion', () => import('./completion.ts')],
];

/** One top-level command as root help shows it, and the modules that register it (`bench` has two). */
export interface ManifestEntry {
  name: string;
  aliases: string[];
  term: string;
  description: string;
  modules: string[];
}
export interface CommandManifest {
  version: 1;
  commands: ManifestEntry[];
}

async function registerModules(
  program: Command,
  ctx: CliContext,
  keys: ReadonlySet<string> | undefined,
): Promise<void> {
  const wanted = MODULES.filter(([k]) => !keys || keys.has(k));
  const mods = await Promise.all(wanted.map(([, load]) => load()));
  for (const m of mods) m.register(program, ctx);
}

/** Registers every command (source runs, `completion`, unknown words so commander can suggest one). */
export function registerAll(program: Command, ctx: CliContext): Promise<void> {
  return registerModules(program, ctx, undefined);
}

/** Builds the manifest by registering every module (at build time). */
export async function buildManifest(ctx: CliContext): Promise<CommandManifest> {
  const owners = new Map<string, string[]>();
  for (const [key, load] of MODULES) {
    const p = new Command();
    (await load()).register(p, ctx);
    for (const c of p.commands) owners.set(c.name(), [...(owners.get(c.name()) ?? []), key]);
  }
  const all = new Command('warp');
  await registerAll(all, ctx);
  const help = new Help();
  return {
    version: 1,
    commands: all.commands.map((c) => ({
      name: c.name(),
      aliases: c.aliases(),
      term: help.subcommandTerm(c),
      description: c.description(),
      modules: owners.get(c.name()) ?? [],
    })),
  };
}

/**
 * The command word of an argument list: the first argument that is not a global option (or `--config`'s value);
 * for `help <cmd>` the word after `help`. Undefined for root help, --version or no command.
 */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') return undefined;
    if (a === '--config') i++;
    else if (!a.startsWith('-') && a !== 'help') return a;
  }
  return undefined;
}

/**
 * Registers what `args` needs: the modules of its command; for root help a placeholder per command, drawn from
 * the manifest so help prints the same terms and descriptions; everything when there is no manifest or the word
 * is unknown.
 */
export async function registerFor(
  program: Command,
  ctx: CliContext,
  args: readonly string[],
  manifest: CommandManifest | undefined,
): Promise<void> {
  const word = commandWord(args);
  if (!manifest || word === 'completion') return registerAll(program, ctx);
  if (word === undefined) {
    const terms = new Map(manifest.commands.map((c) => [c.name, c.term]));
    const base = new Help();
    program.configureHelp({ subcommandTerm: (c) => terms.get(c.name()) ?? base.subcommandTerm(c) });
    for (const c of manifest.commands) program.command(c.name).aliases(c.aliases).description(c.description);
    return;
  }
  const entry = manifest.commands.find((c) => c.name === word || c.aliases.includes(word));
  if (!entry) return registerAll(program, ctx);
  return registerModules(program, ctx, new Set(entry.modules));
}
