/**
 * The seed's shortcuts for local paths: `warp send <src> <dest.warp>` archives, `warp fetch <src.warp> <dir>`
 * extracts. (Peer addresses will route these to the network transfer.)
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { runCreate, runExtract, type CreateCliOpts } from './archive.ts';

export function register(program: Command, ctx: CliContext): void {
  program.command('send').argument('<src>', 'file or directory').argument('<dest>', 'archive to write (.warp)')
    .description('archive a local path into a .warp file (shortcut for archive create)')
    .option('--password-file <file>', 'encrypt with a password from this file').option('--key-file <file>', 'encrypt with a 32-byte key file')
    .option('--level <level>', 'compression: fast | balanced | max').option('-f, --force', 'replace an existing archive')
    .action((src: string, dest: string, o: Omit<CreateCliOpts, 'output'>) => runCreate(ctx, [src], { ...o, output: dest }));

  program.command('fetch').argument('<src>', 'archive to read (.warp)').argument('<dir>', 'target directory')
    .description('extract a .warp file into a directory (shortcut for archive extract)')
    .option('--password-file <file>', 'password file for an encrypted archive').option('--key-file <file>', 'key file for an encrypted archive')
    .option('--overwrite', 'replace existing files').option('--skip', 'keep existing files')
    .action((src: string, dir: string, o: { passwordFile?: string; keyFile?: string; overwrite?: boolean; skip?: boolean }) => runExtract(ctx, src, [], { ...o, directory: dir }));
}
