import type { Command } from 'commander';

/** `warp bench` groups benchmarks registered by several modules; the first to ask creates it. */
export function benchCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'bench') ??
    program.command('bench').description('measure speeds on this machine')
  );
}
