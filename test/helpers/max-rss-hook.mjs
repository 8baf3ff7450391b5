// Preloaded with `node --import` by tests: prints the process's peak RSS (KiB) to stderr when it exits.
import fs from 'node:fs';
process.on('exit', () => fs.writeSync(2, `\nmaxrss-kib=${process.resourceUsage().maxRSS}\n`));
