/**
 * `npm run fuzz -- --minutes N [--seed S] [filter]`: runs every fuzzer in test/fuzz (files named
 * `*.fuzz.test.ts`, each property through `runFuzz` of test/fuzz/harness.ts) for about N minutes in all.
 * The time is shared evenly between the properties (counted as `runFuzz(` calls in the files), which run one
 * file after another; each prints how many cases it ran. Without --minutes the fuzzers run their bounded CI
 * case counts (what `npm test` runs). A failure prints fast-check's seed and path: rerun it with
 * WARP_FUZZ_SEED=<seed>, then add the counterexample as a named case in test/fuzz/regressions.test.ts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const minutes = opt('--minutes');
const seed = opt('--seed');
if (minutes !== undefined && !(Number(minutes) > 0)) {
  console.error('fuzz: --minutes needs a positive number');
  process.exit(2);
}
const filter = args[0];

const dir = path.join(root, 'test', 'fuzz');
const files = fs
  .readdirSync(dir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.fuzz.test.ts') && (!filter || f.includes(filter)))
  .sort();
if (files.length === 0) {
  console.error(`fuzz: no *.fuzz.test.ts files in test/fuzz${filter ? ` matching '${filter}'` : ''}`);
  process.exit(2);
}
const properties = files.reduce(
  (n, f) => n + (fs.readFileSync(path.join(dir, f), 'utf8').match(/\brunFuzz\(/g)?.length ?? 0),
  0,
);
const env: NodeJS.ProcessEnv = { ...process.env };
if (minutes !== undefined) env.WARP_FUZZ_MS = String(Math.floor((Number(minutes) * 60_000) / Math.max(1, properties)));
if (seed !== undefined) env.WARP_FUZZ_SEED = seed;
console.log(
  `fuzz: ${files.length} file(s), ${properties} properties${minutes ? `, ${minutes} min in all (${Math.round(Number(env.WARP_FUZZ_MS) / 1000)} s each)` : ', CI case counts'}`,
);

const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(
  process.execPath,
  [vitest, 'run', '--fileParallelism=false', ...files.map((f) => path.join('test', 'fuzz', f))],
  { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1024 ** 3 },
);
process.stdout.write(r.stdout ?? '');
const ESC = String.fromCharCode(27);
const plain = (l: string): string =>
  l
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
    .join('');
const summary = (r.stdout ?? '')
  .split('\n')
  .map(plain)
  .filter((l) => /^fuzz \S+: \d+ cases/.test(l));
console.log(`\nfuzz summary:\n${summary.map((l) => `  ${l}`).join('\n')}`);
process.exit(r.status ?? 1);
