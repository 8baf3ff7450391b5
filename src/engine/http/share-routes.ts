/**
 * The public share paths of the daemon (no token: the link's key is the credential, and it never reaches the
 * server). `GET /s/<id>` the page that opens a share in a browser, `GET /s/<id>/manifest` the sealed manifest
 * (starts a download: `X-Warp-Download` token), `GET /s/<id>/c/<i>?d=<token>` sealed chunk i, `GET /s/<id>/kdf`
 * whether a password is needed (and its public Argon2id salt and parameters). Only ciphertext
 * leaves here; the owner's limits are enforced by ShareHost on every request.
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCodes, WarpError } from '../core/errors.ts';
import type { ShareHost } from '../share/index.ts';
import { sharePage } from './share-page.ts';

const SHARE_PATH = /^\/s\/([A-Za-z0-9_-]{22})(?:\/(manifest|kdf|c\/(\d{1,10})))?\/?$/;

export function isSharePath(p: string): boolean {
  return p === '/s' || p.startsWith('/s/');
}

export async function serveShare(host: ShareHost, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const m = SHARE_PATH.exec(url.pathname);
  if (!m)
    throw new WarpError(ErrorCodes.SESSION_NOT_FOUND, 'no such share (the link may be mistyped)', {
      details: { status: 404, code: 'SHARE_NOT_FOUND' },
    });
  if (req.method !== 'GET' && req.method !== 'HEAD')
    throw new WarpError(ErrorCodes.USAGE, `${req.method} is not allowed on a share`, {
      details: { status: 405, code: 'METHOD_NOT_ALLOWED' },
    });
  const [, id, what, index] = m;
  // No referrer leaves the page, nothing is cached, and the page talks only to this origin (data: for the
  // decoder's own inlined WebAssembly, which zstddec loads through fetch); its workers are the page's own
  // script started from a blob: URL (src/share-page/chunk-pool.ts).
  const common = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
  if (what === undefined) {
    const html = sharePage();
    res.writeHead(200, {
      ...common,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy':
        "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; worker-src blob:; style-src 'unsafe-inline'; connect-src 'self' data:; img-src data:",
    });
    res.end(html);
    return;
  }
  if (what === 'kdf') {
    const text = JSON.stringify(host.kdf(id));
    res.writeHead(200, {
      ...common,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(req.method === 'HEAD' ? undefined : text);
    return;
  }
  if (what === 'manifest') {
    const { bytes, download } = host.manifest(id);
    res.writeHead(200, {
      ...common,
      'Content-Type': 'application/octet-stream',
      'Content-Length': bytes.length,
      'X-Warp-Download': download,
      'Access-Control-Expose-Headers': 'X-Warp-Download',
    });
    res.end(req.method === 'HEAD' ? undefined : bytes);
    return;
  }
  const range = host.chunk(id, Number(index), url.searchParams.get('d') ?? undefined);
  res.writeHead(200, { ...common, 'Content-Type': 'application/octet-stream', 'Content-Length': range.length });
  if (req.method === 'HEAD' || range.length === 0) {
    res.end();
    return;
  }
  host.served(id, range.length);
  fs.createReadStream(range.file, { start: range.offset, end: range.offset + range.length - 1 })
    .on('error', () => res.destroy())
    .pipe(res);
}
