import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import * as config from './config.ts';
import * as sched from './sched.ts';

/** Every command module exports `register(program, ctx)`; the order here is the order in --help. */
export function registerCommands(program: Command, ctx: CliContext): void {
  config.register(program, ctx);
  sched.register(program, ctx);
}
