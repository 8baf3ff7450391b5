import type { Command } from 'commander';
import type { CliContext } from '../context.ts';

/** Every command module exports `register(program, ctx)`; the order here is the order in --help. */
export function registerCommands(program: Command, ctx: CliContext): void {
  void program;
  void ctx;
}
