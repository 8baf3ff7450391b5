#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8 --expose-gc
// Entry point for `npx warp`: the bundled CLI in dist/ (built by `npm install` and the tests), or the TypeScript
// sources through Node's type stripping when no bundle exists (or WARP_FROM_SOURCE=1). The shebang keeps peak RSS
// down (100k small files, measured: an 8 MB semi-space 321 -> ~280 MB, 4 MB a little less but GC on the main
// thread, the critical path, doubled; two malloc arenas for the workers, ~-25 MB).
// --expose-gc: a long-lived process collects once it falls quiet after a burst of work (src/engine/core/idle-gc.ts:
// `warp sync run` idle after syncing 100k files, 706 -> 379 MB RSS).
import fs from 'node:fs';
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `warp: Node ${process.versions.node} is too old; Warp needs Node >= 22.18 (zstd in node:zlib, type stripping).\n` +
      `Run it through npm (npx warp / npm run warp), which uses the project's pinned Node, or install a newer Node.\n`,
  );
  process.exit(70);
}
// V8's code cache for the bundle (in the OS temp dir, keyed by file content): ~20 ms of every start.
module.enableCompileCache?.();
const bundle = new URL('../dist/cli/main.js', import.meta.url);
if (!process.env.WARP_FROM_SOURCE && fs.existsSync(bundle)) await import(bundle.href);
else await import('../src/cli/main.ts');
