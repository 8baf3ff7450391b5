/**
 * Hostile senders of a paged push (protocol 3, src/engine/transfer/paged-push.ts), run by hostile-peer.ts for
 * modes starting with `pages-`. Each builds real pages of a real tree and serves their chunks with the real
 * ChunkServer where the listener must pull them:
 *  - pages-die: pages of n/4 files; pages 0 and 1 sent whole, and once the listener took page 1 (page 0 is then
 *    complete there), half of page 2's frame, then this process kills itself (SIGKILL): a sender dying halfway
 *    through its streamed manifest;
 *  - pages-dir: a page holding a directory;
 *  - pages-order: page 1 before page 0;
 *  - pages-root: every page well formed, the last part with a root that does not match them;
 *  - pages-flood: page 0, whose chunks are never served, then pages without waiting for the answers (an endless
 *    manifest): the listener must cut it off, not queue it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeFrame } from '../../src/engine/net/frames.ts';
import type { WarpNode } from '../../src/engine/net/node.ts';
import { PROTOCOLS } from '../../src/engine/net/wire.ts';
import { paramsForAverage } from '../../src/engine/codec/fastcdc.ts';
import type { Manifest } from '../../src/engine/model/manifest.ts';
import { PagesRoot } from '../../src/engine/transfer/paged-push.ts';
import { localCaps } from '../../src/engine/transfer/protocol.ts';
import { ChunkServer } from '../../src/engine/transfer/serve.ts';
import { buildTree, scanTreePaged } from '../../src/engine/transfer/tree.ts';

type Conn = Awaited<ReturnType<WarpNode['dial']>>['conn'];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A temporary folder of `n` small distinct files (and one subfolder), scanned into pages of `first` files first. */
async function pagedTree(n: number, per: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-hostile-pages-'));
  fs.mkdirSync(path.join(dir, 'sub'));
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, `f${i}`), `file ${i} `.repeat(50 + i));
  const pages: Manifest[] = [];
  const params = paramsForAverage(16 * 1024);
  const scan = scanTreePaged(dir, params, { onPage: (m) => pages.push(m), firstFiles: per, maxFiles: per });
  const rest = await scan.done;
  const whole = buildTree(dir, params).manifest;
  return { dir, pages, rest, tree: scan.tree, whole, done: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

async function control(node: WarpNode, conn: Conn) {
  const ch = await node.open(conn, PROTOCOLS.control);
  await ch.write({ t: 'hello', ...localCaps({ streams: 2, window: 8, compress: false }) });
  await ch.expect('hello', 'hello');
  return ch;
}

/** The listener's first error frame (or how the stream ended otherwise) within `ms`. */
async function ending(
  ch: Awaited<ReturnType<typeof control>>,
  ms: number,
  out: Record<string, number | string>,
): Promise<string> {
  const end = (async () => {
    for (;;) {
      const f = await ch.read().catch((e: Error) => ({ h: { t: 'failed', message: e.message } }));
      if (!f) return 'closed';
      if (f.h.t === 'error') {
        const h = f.h as { code?: string; message?: string };
        out.message = String(h.message);
        return `error ${String(h.code)}`;
      }
      if (f.h.t === 'failed') return `failed: ${String((f.h as { message?: string }).message)}`;
    }
  })();
  return Promise.race([end, sleep(ms).then(() => 'still waiting')]);
}

export async function pagedMode(
  mode: string,
  node: WarpNode,
  conn: Conn,
  n: number,
  out: Record<string, number | string>,
): Promise<void> {
  const t = await pagedTree(n, Math.max(1, n >> 2));
  const sid = 'a7'.repeat(16);
  const server = new ChunkServer();
  let served = 0;
  server.register(sid, {
    tree: t.tree,
    peer: conn.remotePeer.toString(),
    compress: 'off',
    onServed: () => served++,
  });
  await node.handle(PROTOCOLS.chunks, (ch) => (mode === 'pages-flood' ? sleep(600_000) : server.serve(ch)));
  const ch = await control(node, conn);
  out.pages = t.pages.length;
  try {
    await ch.write({ t: 'offer', sid, dest: `/${mode}` });
    if (mode === 'pages-die') {
      await ch.write({ t: 'page', n: 0 }, t.pages[0].encode());
      await ch.write({ t: 'page', n: 1 }, t.pages[1].encode());
      // The listener answers for page 1 once it has finished page 0.
      for (let taken = 0; taken < 2;)
        if ((await ch.expect('the page answers', 'event', 'paged')).h.t === 'paged') taken++;
      const page2 = encodeFrame({ t: 'page', n: 2 }, t.pages[2].encode());
      ch.stream.send(page2.subarray(0, page2.length >> 1));
      const names = (m: Manifest): string => Array.from({ length: m.entryCount }, (_, i) => m.entry(i).path).join(',');
      out.page0 = names(t.pages[0]);
      out.page1 = names(t.pages[1]);
      out.later = t.pages.slice(2).map(names).join(',');
      out.served = served;
      console.log(JSON.stringify(out));
      await sleep(2000); // the half has left
      process.kill(process.pid, 'SIGKILL');
    } else if (mode === 'pages-dir') {
      await ch.write({ t: 'page', n: 0 }, t.whole.encode());
    } else if (mode === 'pages-order') {
      await ch.write({ t: 'page', n: 1 }, t.pages[0].encode());
    } else if (mode === 'pages-root') {
      const root = new PagesRoot();
      for (const [k, m] of t.pages.entries()) {
        root.add(m.merkleRoot);
        await ch.write({ t: 'page', n: k }, m.encode());
      }
      await ch.write({ t: 'last', pages: t.pages.length, root: 'ee'.repeat(32) }, t.rest.encode());
    } else if (mode === 'pages-flood') {
      await ch.write({ t: 'page', n: 0 }, t.pages[0].encode());
      for (let k = 1; k < 2000 && ch.stream.status === 'open'; k++) {
        if (!ch.stream.send(encodeFrame({ t: 'page', n: k }, t.pages[1].encode())))
          await ch.stream.onDrain({ signal: AbortSignal.timeout(10_000) }).catch(() => {});
        out.sent = k;
      }
    }
    out.end = await ending(ch, 60_000, out);
  } finally {
    t.done();
  }
}
