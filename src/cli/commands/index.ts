import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import * as archive from './archive.ts';
import * as benchLocal from './bench-local.ts';
import * as completion from './completion.ts';
import * as config from './config.ts';
import * as daemon from './daemon.ts';
import * as id from './id.ts';
import * as info from './info.ts';
import * as listen from './listen.ts';
import * as pair from './pair.ts';
import * as peers from './peers.ts';
import * as plan from './plan.ts';
import * as probe from './probe.ts';
import * as resume from './resume.ts';
import * as streamCmd from './stream.ts';
import * as sched from './sched.ts';
import * as swarm from './swarm.ts';
import * as shortcuts from './shortcuts.ts';
import * as sync from './sync.ts';

/** Every command module exports `register(program, ctx)`; the order here is the order in --help. */
export function registerCommands(program: Command, ctx: CliContext): void {
  archive.register(program, ctx);
  shortcuts.register(program, ctx);
  listen.register(program, ctx);
  daemon.register(program, ctx);
  id.register(program, ctx);
  pair.register(program, ctx);
  peers.register(program, ctx);
  resume.register(program, ctx);
  plan.register(program, ctx);
  probe.register(program, ctx);
  streamCmd.register(program, ctx);
  sync.register(program, ctx);
  info.register(program, ctx);
  config.register(program, ctx);
  benchLocal.register(program, ctx);
  sched.register(program, ctx);
  swarm.register(program, ctx);
  // Completion last: it reads the whole command tree.
  completion.register(program, ctx);
}
