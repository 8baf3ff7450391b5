/** Builds the CLI bundle before any test spawns `bin/warp.js`, so tests always run what ships (never a stale dist/). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../scripts/build-cli.ts')], { stdio: 'inherit' });
}
