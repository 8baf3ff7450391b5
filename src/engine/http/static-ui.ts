/**
 * Serves the built React UI (out/renderer) with the right content types and an SPA fallback (unknown paths
 * get index.html so client-side routes survive a reload). Without a build it says how to make one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.wgsl': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

const MISSING = (
  dir: string,
): string => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Warp daemon</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#eee;padding:.1em .3em;border-radius:3px}</style></head>
<body><h1>The Warp UI is not built</h1><p>The daemon is running and its API works, but there is no built UI in <code>${dir.replace(/[<>&]/g, '')}</code>.</p>
<p>Build it with <code>npm run build</code> (electron-vite) and reload, or start the daemon with <code>--ui DIR</code>.</p>
<p>API reference: <a href="/docs">/docs</a> · <a href="/openapi.json">/openapi.json</a> · <a href="/health">/health</a></p></body></html>`;

export function serveUi(dir: string, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const index = path.join(dir, 'index.html');
  if (!fs.existsSync(index)) {
    res.writeHead(503, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(MISSING(dir));
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    rel = '/';
  }
  const abs = path.resolve(dir, '.' + path.posix.normalize(rel));
  let file = index;
  if ((abs === dir || abs.startsWith(dir + path.sep)) && !rel.includes('\0')) {
    try {
      if (fs.statSync(abs).isFile()) file = abs;
    } catch {
      /* not a file: SPA fallback */
    }
  }
  // A missing asset (a path with an extension) is a 404, not the app shell.
  if (file === index && path.extname(rel) !== '' && path.extname(rel) !== '.html') {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  const st = fs.statSync(file);
  const hashed = /[-.][A-Za-z0-9_-]{8,}\.(js|css|woff2?|png|svg)$/.test(file);
  res.writeHead(200, {
    'Content-Type': contentType(file),
    'Content-Length': st.size,
    'Cache-Control': file === index ? 'no-cache' : hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  fs.createReadStream(file).pipe(res);
}
