import type { Command } from 'commander';
import type { CliContext } from '../context.ts';

/** Placeholder: filled in by the sched work. */
export function register(program: Command, ctx: CliContext): void {
  void program;
  void ctx;
}
