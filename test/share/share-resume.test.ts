/**
 * `warp fetch <share-link>` resume and dedup with real processes: a fetch killed (SIGKILL) mid-file leaves its
 * part file; the rerun keeps the verified prefix, fetches the rest, and ends byte-identical with no part file
 * left. A new share of an edited tree fetched over the old copy reads the unchanged chunks from the files in
 * place instead of the wire, and chunks this machine holds elsewhere (its file index, its chunk store) are read,
 * not fetched, as in a peer fetch. The slow host is a real HTTP proxy that delays each chunk (as a slow link would).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blake3 } from '../../src/engine/codec/blake3.ts';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import { defaultConfig } from '../../src/engine/config/load.ts';
import { ChunkStore } from '../../src/engine/store/chunk-store.ts';
import { FileIndex } from '../../src/engine/store/file-index.ts';
import { buildTree } from '../../src/engine/transfer/tree.ts';
import { warp } from '../helpers/cli.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { startDaemon, type Daemon } from '../daemon/daemon-proc.ts';
import { spawnWarp } from '../transfer/peers.ts';

function pseudoRandom(n: number, seed: string): Buffer {
  const out = Buffer.alloc(n);
  let block = crypto.createHash('sha512').update(seed).digest();
  for (let o = 0; o < n; o += block.length) {
    block.copy(out, o);
    block = crypto.createHash('sha512').update(block).digest();
  }
  return out;
}

/** A proxy to `target` that answers chunk requests one at a time, each held back `delayMs` (a slow link). */
async function slowProxy(target: string, delayMs: number): Promise<{ url: string; close: () => void }> {
  let queue = Promise.resolve();
  const server = http.createServer((req, res) => {
    const go = () => {
      const up = http.request(
        `${target}${req.url}`,
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    if (/\/c\/\d+/.test(req.url ?? ''))
      queue = queue.then(
        () =>
          new Promise<void>((r) =>
            setTimeout(() => {
              go();
              res.once('close', () => r());
            }, delayMs),
          ),
      );
    else go();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

const parts = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true })
        .map(String)
        .filter((n) => n.includes('.warp-part-'))
    : [];

describe('warp fetch of a share: resume after a kill, dedup against files in place', () => {
  const w = tmpDir('warp-share-resume-');
  const home = path.join(w, 'home');
  const client = path.join(w, 'client');
  const src = path.join(w, 'set');
  let d: Daemon;
  const create = (base: string): { link: string; id: string } => {
    const r = warp(['--json', 'share', 'create', src, '--url', base], { home });
    expect(r.status, r.stderr).toBe(0);
    return r.json.find((e) => e.type === 'share') as unknown as { link: string; id: string };
  };
  beforeAll(async () => {
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, 'big.bin'), pseudoRandom(24 << 20, 'big'));
    fs.writeFileSync(path.join(src, 'small.txt'), 'small\n'.repeat(100));
    d = await startDaemon(home, ['--no-listen']);
  });
  afterAll(async () => {
    await d?.stop();
  });

  it(
    'a fetch killed mid-file resumes from its part file; byte-identical, no part file left',
    { timeout: 180_000 },
    async () => {
      const proxy = await slowProxy(d.url, 250);
      try {
        const { link, id } = create(proxy.url);
        const out = path.join(w, 'out');
        const run = spawnWarp(client, ['fetch', link, out]);
        // Kill it once at least 6 MiB of verified chunks are in the part file.
        let exited = false;
        void run.done.then(() => (exited = true));
        for (let i = 0; i < 1200 && !exited; i++) {
          const p = parts(out).map((n) => path.join(out, n));
          if (p.length && fs.statSync(p[0]).size >= 6 << 20) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        if (exited) throw new Error(`the fetch ended before it could be killed: ${(await run.done).stderr}`);
        run.proc.kill('SIGKILL');
        const killed = await run.done;
        expect(killed.signal).toBe('SIGKILL');
        expect(parts(out).length).toBe(1);
        expect(fs.existsSync(path.join(out, 'set', 'big.bin'))).toBe(false);
        const again = await spawnWarp(client, ['--json', 'fetch', `${d.url}/s/${id}#${link.split('#')[1]}`, out]).done;
        expect(again.status, again.stderr).toBe(0);
        const r = JSON.parse(again.stdout.trim().split('\n').pop()!) as Record<string, number>;
        expect(r.resumedChunks).toBeGreaterThanOrEqual(5);
        expect(r.fetchedChunks + r.resumedChunks).toBeLessThanOrEqual(26);
        expect(
          fs.readFileSync(path.join(out, 'set', 'big.bin')).equals(fs.readFileSync(path.join(src, 'big.bin'))),
        ).toBe(true);
        expect(parts(out)).toEqual([]);
      } finally {
        proxy.close();
      }
    },
  );

  it('a damaged part file is cut back to its verified prefix', async () => {
    const { link } = create(d.url);
    const out = path.join(w, 'out-damaged');
    const dir = path.join(out, 'set');
    fs.mkdirSync(dir, { recursive: true });
    const e = fs.readFileSync(path.join(src, 'big.bin'));
    // A leftover part: 3 MiB of the right bytes, then garbage (a torn write); its name is fixed by the file's hash.
    const tag = blake3(e).toString('hex').slice(0, 24);
    fs.writeFileSync(
      path.join(dir, `.big.bin.warp-part-${tag}`),
      Buffer.concat([e.subarray(0, 3 << 20), pseudoRandom(1 << 20, 'junk')]),
    );
    const r = await spawnWarp(client, ['--json', 'fetch', link, out]).done;
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'big.bin')).equals(e)).toBe(true);
    expect(parts(out)).toEqual([]);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    expect(res.resumedChunks).toBeGreaterThanOrEqual(1);
    expect(res.resumedChunks).toBeLessThanOrEqual(4);
  });

  it('an edited tree shared again reads the unchanged chunks from the copy in place, not the wire', async () => {
    const first = create(d.url);
    const out = path.join(w, 'dedup');
    expect((await spawnWarp(client, ['fetch', first.link, out]).done).status).toBe(0);
    // Append 1 MiB: content-defined chunks before the end stay the same, at the same offsets.
    fs.appendFileSync(path.join(src, 'big.bin'), pseudoRandom(1 << 20, 'more'));
    const second = create(d.url);
    const r = await spawnWarp(client, ['--json', 'fetch', second.link, out]).done;
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    expect(res.localChunks).toBeGreaterThanOrEqual(18);
    expect(res.wireBytes).toBeLessThan(6 << 20);
    expect(fs.readFileSync(path.join(out, 'set', 'big.bin')).equals(fs.readFileSync(path.join(src, 'big.bin')))).toBe(
      true,
    );
  });

  it("reads the chunks this machine's file index and chunk store hold instead of the wire", async () => {
    const { link } = create(d.url);
    const machine = path.join(w, 'machine');
    // A copy of big.bin elsewhere on this machine, indexed the way a send or a share indexes what it chunks.
    const elsewhere = path.join(w, 'elsewhere');
    fs.mkdirSync(elsewhere, { recursive: true });
    fs.copyFileSync(path.join(src, 'big.bin'), path.join(elsewhere, 'copy.bin'));
    const index = new FileIndex(path.join(machine, 'store'));
    buildTree(elsewhere, paramsForAverage(defaultConfig().archive.chunkAvg), index);
    index.close();
    // small.txt (one chunk) only in the chunk store.
    const small = fs.readFileSync(path.join(src, 'small.txt'));
    new ChunkStore(path.join(machine, 'store', 'chunks')).put(blake3(small), small);
    const out = path.join(w, 'from-machine');
    const r = await spawnWarp(machine, ['--json', 'fetch', link, out]).done;
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    expect(res.fetchedChunks, 'every chunk was on this machine').toBe(0);
    expect(res.wireBytes).toBe(0);
    expect(res.localChunks).toBeGreaterThanOrEqual(2);
    for (const rel of ['big.bin', 'small.txt'])
      expect(fs.readFileSync(path.join(out, 'set', rel)).equals(fs.readFileSync(path.join(src, rel))), rel).toBe(true);
  });
});
