/**
 * Shared by the fuzzers in test/fuzz (*.fuzz.test.ts): the run budget, and the invariants an archive must
 * hold whatever its bytes. Budget: in CI each fuzzer runs its own fixed number of cases (bounded, a few
 * thousand in all); `npm run fuzz -- --minutes N` (scripts/fuzz.ts) sets WARP_FUZZ_MS and each fuzzer runs
 * cases until its share of the time is spent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ArchiveReader, extractArchive, verifyArchive, type KeySource } from '../../src/engine/archive/index.ts';
import type { ChunkPool } from '../../src/engine/codec/chunk-pool.ts';
import { ErrorCodes, isWarpError } from '../../src/engine/core/errors.ts';
import { exitCodeFor } from '../../src/cli/exit-codes.ts';

/** Milliseconds of fuzzing per fuzzer in a long run; undefined in CI. */
export const LONG_RUN_MS = process.env.WARP_FUZZ_MS ? Number(process.env.WARP_FUZZ_MS) : undefined;

/** fast-check parameters: `ciRuns` cases in CI, or as many as fit in the long run's time. */
export function fuzzParams<T>(ciRuns: number): fc.Parameters<T> {
  const seed = process.env.WARP_FUZZ_SEED ? Number(process.env.WARP_FUZZ_SEED) : undefined;
  if (LONG_RUN_MS === undefined) return { numRuns: ciRuns, seed };
  return {
    numRuns: Number.MAX_SAFE_INTEGER,
    interruptAfterTimeLimit: LONG_RUN_MS,
    markInterruptAsFailure: false,
    seed,
  };
}

/** The vitest timeout of a fuzz test: its CI bound, or the long run's share plus a margin. */
export function fuzzTimeout(ciMs: number): number {
  return LONG_RUN_MS === undefined ? ciMs : LONG_RUN_MS + 120_000;
}

/**
 * Runs the property and fails with fast-check's report (seed, path, counterexample). Prints the number of
 * cases run, which the long-run summary collects.
 */
export async function runFuzz<T>(
  name: string,
  prop: fc.IAsyncPropertyWithHooks<T> | fc.IAsyncProperty<T>,
  ciRuns: number,
): Promise<number> {
  const r = await fc.check(prop, fuzzParams<T>(ciRuns));
  console.log(
    `fuzz ${name}: ${r.numRuns} cases${r.interrupted ? ' (time budget spent)' : ''}${r.failed ? ', FAILED' : ''}`,
  );
  if (r.failed)
    throw new Error(
      `${fc.defaultReportMessage(r) ?? 'fuzz property failed'}\n${r.errorInstance instanceof Error ? (r.errorInstance.stack ?? r.errorInstance.message) : String(r.errorInstance)}`,
    );
  return r.numRuns;
}

/** Exit codes a user may see for an archive's bytes: never 1 (a bug). */
const ALLOWED_CODES = new Set<string>([
  ErrorCodes.ARCHIVE_NOT_WARP,
  ErrorCodes.ARCHIVE_VERSION,
  ErrorCodes.ARCHIVE_HEADER_CORRUPT,
  ErrorCodes.ARCHIVE_TRUNCATED,
  ErrorCodes.ARCHIVE_TRAILER_CORRUPT,
  ErrorCodes.MANIFEST_CORRUPT,
  ErrorCodes.CHUNK_CORRUPT,
  ErrorCodes.FILE_HASH_MISMATCH,
  ErrorCodes.VERIFY_FAILED,
  ErrorCodes.KDF_LIMIT,
  ErrorCodes.WRONG_KEY,
  ErrorCodes.KEY_REQUIRED,
  ErrorCodes.UNSAFE_PATH,
]);

/** A fixed place outside every sandbox that absolute symlink targets point at: it must never change. */
export const OUTSIDE = path.join(os.tmpdir(), `warp-fuzz-outside-${process.pid}`);

export function prepareOutside(): void {
  fs.rmSync(OUTSIDE, { recursive: true, force: true });
  fs.mkdirSync(OUTSIDE, { recursive: true });
  fs.writeFileSync(path.join(OUTSIDE, 'sentinel'), 'untouched');
}

export function removeOutside(): void {
  fs.rmSync(OUTSIDE, { recursive: true, force: true });
}

function listAll(root: string): string[] {
  const out: string[] = [];
  const visit = (abs: string, rel: string): void => {
    for (const name of fs.readdirSync(abs)) {
      const r = rel ? `${rel}/${name}` : name;
      out.push(r);
      const st = fs.lstatSync(path.join(abs, name));
      if (st.isDirectory() && !st.isSymbolicLink()) visit(path.join(abs, name), r);
    }
  };
  visit(root, '');
  return out;
}

export interface CaseOutcome {
  open: string;
  verify?: string;
  extract?: string;
}

const codeOf = (e: unknown): string => {
  if (!isWarpError(e))
    throw new Error(`not a WarpError (a crash: exit 1 with a stack trace): ${(e as Error)?.stack ?? String(e)}`);
  if (!ALLOWED_CODES.has(e.code) || exitCodeFor(e.code) === 1)
    throw new Error(`unexpected code ${e.code} for archive input: ${e.message}`);
  return e.code;
};

/**
 * Opens, lists, verifies and extracts `bytes` in a fresh sandbox and checks the invariants: every failure is a
 * WarpError with an archive code (exit 3, 4 or 7), nothing is written outside the target, no temporary file is
 * left, memory stays bounded. Returns what each step gave ('ok' or the code).
 */
export async function checkArchiveBytes(bytes: Uint8Array, pool: ChunkPool, key?: KeySource): Promise<CaseOutcome> {
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-fuzz-'));
  try {
    const file = path.join(sandbox, 'a.warp');
    fs.writeFileSync(file, bytes);
    const out: CaseOutcome = { open: 'ok' };
    try {
      const r = await ArchiveReader.open(file, key);
      for (const e of r.manifest.entries()) void e.path;
      r.close();
    } catch (e) {
      out.open = codeOf(e);
      return out;
    }
    try {
      out.verify = (await verifyArchive({ archive: file, key, pool })).ok ? 'ok' : 'damaged';
    } catch (e) {
      out.verify = codeOf(e);
    }
    try {
      await extractArchive({ archive: file, target: path.join(sandbox, 't'), key, pool });
      out.extract = 'ok';
    } catch (e) {
      out.extract = codeOf(e);
    }
    const stray = listAll(sandbox).filter((p) => p !== 'a.warp' && p !== 't' && !p.startsWith('t/'));
    expect(stray, 'written outside the target').toEqual([]);
    expect(
      listAll(sandbox).filter((p) => p.includes('.warp-tmp-')),
      'temporary files left',
    ).toEqual([]);
    expect(fs.readdirSync(OUTSIDE), 'written through a symlink').toEqual(['sentinel']);
    expect(process.memoryUsage().rss, 'memory').toBeLessThan(1.5 * 1024 ** 3);
    return out;
  } finally {
    fs.rmSync(sandbox, { recursive: true, force: true });
  }
}
