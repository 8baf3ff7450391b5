#!/usr/bin/env node
// Entry point for `npx warp`. The CLI is TypeScript run through Node's type stripping (Node >= 22.18 / 24).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `warp: Node ${process.versions.node} is too old; Warp needs Node >= 22.18 (zstd in node:zlib, type stripping).\n` +
      `Run it through npm (npx warp / npm run warp), which uses the project's pinned Node, or install a newer Node.\n`,
  );
  process.exit(70);
}
await import('../src/cli/main.ts');
