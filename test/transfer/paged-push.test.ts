/**
 * The paged push (protocol 3, src/engine/transfer/paged-push.ts): a send's manifest goes out in pages while the
 * sender still scans, and the listener pulls each page as it arrives. Real processes, real QUIC: a real source
 * tree arrives byte for byte in several pages; a sender killed mid-stream leaves only verified files and resumes;
 * hostile senders (test/helpers/hostile-pages.ts) get a stable code and leave nothing behind.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { warp } from '../helpers/cli.ts';
import { faultEnv } from '../helpers/fault-env.ts';
import { listFiles, tmpDir, writeTree } from '../helpers/tmp.ts';
import { hostile, until } from '../net/listener-load.ts';
import { peerIdOf, spawnWarp, startListener } from './peers.ts';

const REPO_SRC = path.resolve(import.meta.dirname, '../../src');

function sameFiles(a: string, b: string): void {
  const files = (d: string): string[] => listFiles(d).filter((p) => fs.lstatSync(path.join(d, p)).isFile());
  expect(files(a)).toEqual(files(b));
  for (const f of files(a))
    expect(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f).toBe(true);
}

const parts = (dir: string): string[] =>
  fs.existsSync(dir) ? listFiles(dir).filter((f) => f.includes('.warp-part-')) : [];

/** The files under their final names (part files are hidden and left out). */
const finals = (dir: string): string[] =>
  listFiles(dir).filter((f) => !f.includes('.warp-part-') && fs.lstatSync(path.join(dir, f)).isFile());

function events(stdout: string, type: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.includes(`"${type}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('a send whose manifest is streamed in pages', () => {
  it('a real source tree (the src/ folder of this repository) arrives byte for byte, in several pages', async () => {
    const dir = tmpDir('warp-paged-');
    const root = path.join(dir, 'root');
    fs.mkdirSync(root);
    const homeA = path.join(dir, 'A');
    const l = await startListener(path.join(dir, 'B'), root, ['--allow', peerIdOf(homeA)]);
    try {
      const r = warp(['--json', 'send', REPO_SRC, `${l.addr}:/in`], { home: homeA });
      expect(r.status, r.stderr).toBe(0);
      sameFiles(path.join(root, 'in', 'src'), REPO_SRC);
      // One plan per page, each adding to the one before; the result counts the whole tree.
      const plans = events(r.stdout, 'transfer.manifest');
      expect(plans.length).toBeGreaterThan(2);
      const files = plans.map((p) => p.files as number);
      expect(files).toEqual([...files].sort((a, b) => a - b));
      const total = listFiles(REPO_SRC).filter((f) => fs.statSync(path.join(REPO_SRC, f)).isFile()).length;
      expect(files.at(-1)).toBe(total);
      expect(r.json.at(-1)!.files).toBe(total);
      expect(parts(path.join(root, 'in'))).toEqual([]);
    } finally {
      await l.stop();
    }
  }, 180_000);

  it('the sender SIGKILLed while pages are still to come: only verified files are final; a rerun completes identically', async () => {
    const dir = tmpDir('warp-paged-kill-');
    const root = path.join(dir, 'root');
    const src = path.join(dir, 'src', 'data');
    const spec: Record<string, Buffer> = {};
    for (let i = 0; i < 700; i++) spec[`d${i % 7}/f${i}.bin`] = crypto.randomBytes(200 + i * 11);
    writeTree(src, spec);
    fs.mkdirSync(root);
    const homeA = path.join(dir, 'A');
    const l = await startListener(path.join(dir, 'B'), root, ['--allow', peerIdOf(homeA)]);
    const dest = path.join(root, 'in', 'data');
    try {
      // 10 ms per chunk served: the first page (64 files) takes the listener a while; the later ones wait.
      const p = spawnWarp(homeA, ['--json', 'send', src, `${l.addr}:/in`], faultEnv({ delayMs: 10 }));
      let out = '';
      p.proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      expect(await until(() => events(out, 'transfer.manifest').length > 0 || p.proc.exitCode !== null, 60_000)).toBe(
        true,
      );
      p.proc.kill('SIGKILL');
      await p.done;
      const firstPlan = events(out, 'transfer.manifest')[0];
      expect(firstPlan.files as number).toBeLessThan(700); // killed mid-stream, not after the last page
      // Whatever is under a final name is complete and correct.
      if (fs.existsSync(dest))
        for (const rel of finals(dest))
          expect(fs.readFileSync(path.join(dest, rel)).equals(fs.readFileSync(path.join(src, rel))), rel).toBe(true);
      // The listener notices (the stall watch or the lost connection) and goes on; a rerun completes.
      const r = warp(['--json', 'send', src, `${l.addr}:/in`], { home: homeA });
      expect(r.status, r.stderr).toBe(0);
      sameFiles(dest, src);
      expect(parts(path.join(root, 'in'))).toEqual([]);
    } finally {
      await l.stop();
    }
  }, 240_000);
});

describe('hostile senders of a paged push', () => {
  async function withListener(
    run: (l: Awaited<ReturnType<typeof startListener>>, homeA: string, root: string) => Promise<void>,
  ) {
    const dir = tmpDir('warp-paged-hostile-');
    const root = path.join(dir, 'root');
    fs.mkdirSync(root);
    const homeA = path.join(dir, 'A');
    const l = await startListener(path.join(dir, 'B'), root, ['--allow', peerIdOf(homeA)]);
    try {
      await run(l, homeA, root);
      const log = l.stderr() + l.stdout();
      expect(log).not.toMatch(/E_INTERNAL|\n\s+at /);
      // The listener goes on: a real send from the same peer completes.
      const src = path.join(dir, 'src', 'data');
      writeTree(src, { 'a.bin': crypto.randomBytes(100_000), 'b.txt': 'b' });
      const ok = warp(['send', src, `${l.addr}:/ok`], { home: homeA });
      expect(ok.status, ok.stderr).toBe(0);
      sameFiles(path.join(root, 'ok', 'data'), src);
    } finally {
      await l.stop();
    }
  }

  it('a sender that dies halfway through its streamed manifest: the first page complete, nothing of the pages that never arrived whole, a stable code', async () => {
    await withListener(async (l, homeA, root) => {
      const r = await hostile('pages-die', homeA, l.addr, 40, 0, 120_000);
      expect(r.pages).toBe(4);
      const dest = path.join(root, 'pages-die');
      const log = (): string => l.stderr() + l.stdout();
      expect(await until(() => /\[E_PEER_UNREACHABLE\]/.test(log()), 90_000), log()).toBe(true);
      const content = (f: string): string => {
        const i = Number(path.basename(f).slice(1));
        return `file ${i} `.repeat(50 + i);
      };
      const final = finals(dest);
      // Page 0 was received and verified whole; page 1 was under way (part files may stay for a rerun, any file
      // under its final name is complete); nothing of pages 2 and 3, which never arrived whole.
      for (const f of String(r.page0).split(',')) expect(final).toContain(f);
      for (const f of String(r.later).split(',')) expect(final).not.toContain(f);
      for (const f of final) expect(fs.readFileSync(path.join(dest, f), 'utf8'), f).toBe(content(f));
    });
  }, 300_000);

  it('malformed pages: a directory in a page, pages out of order (E_PROTOCOL), a root that does not match (E_VERIFY_FAILED)', async () => {
    await withListener(async (l, homeA, root) => {
      const dir = await hostile('pages-dir', homeA, l.addr, 6, 0);
      expect(dir.end).toBe('error E_PROTOCOL');
      expect(fs.existsSync(path.join(root, 'pages-dir')) ? fs.readdirSync(path.join(root, 'pages-dir')) : []).toEqual(
        [],
      );
      const order = await hostile('pages-order', homeA, l.addr, 6, 0);
      expect(order.end).toBe('error E_PROTOCOL');
      const badRoot = await hostile('pages-root', homeA, l.addr, 6, 0);
      expect(badRoot.end).toBe('error E_VERIFY_FAILED');
    });
  }, 300_000);

  it('an endless manifest sent without waiting for the answers is cut off (E_PROTOCOL), not queued', async () => {
    await withListener(async (l, homeA) => {
      const r = await hostile('pages-flood', homeA, l.addr, 6, 0, 120_000);
      expect(r.end).toBe('error E_PROTOCOL');
      expect(r.message).toMatch(/frames sent and not yet read|holds for a peer/);
    });
  }, 300_000);
});
