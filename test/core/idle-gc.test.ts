import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

// Runs in a child: the test runner's own process has no exposed gc, and its heap is not ours to measure.
const SCRIPT = `
import { afterBurst } from ${JSON.stringify(path.join(ROOT, 'src/engine/core/idle-gc.ts'))};
let keep = [];
for (let i = 0; i < 400_000; i++) keep.push({ i, s: 'x'.repeat(40) + i });
keep = undefined; // a burst's garbage, in the old generation by now
const before = process.memoryUsage().heapUsed;
afterBurst(200);
afterBurst(200); // re-arming: still one collection, after the last call
await new Promise((r) => setTimeout(r, 600));
console.log(JSON.stringify({ before, after: process.memoryUsage().heapUsed }));
`;

function run(flags: string[]): { before: number; after: number } {
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', SCRIPT], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim()) as { before: number; after: number };
}

describe('idle gc', () => {
  it('collects a burst of garbage once the process falls quiet, where gc is exposed', () => {
    const { before, after } = run(['--expose-gc']);
    expect(before - after).toBeGreaterThan(20 * 1024 * 1024);
  });

  it('is a no-op without an exposed gc (and does not keep the process alive)', () => {
    const { before, after } = run([]);
    expect(after).toBeGreaterThan(before / 2);
  });

  it('the warp launcher exposes gc', () => {
    const shebang = fs.readFileSync(path.join(ROOT, 'bin/warp.js'), 'utf8').split('\n')[0];
    expect(shebang).toContain('--expose-gc');
  });
});
