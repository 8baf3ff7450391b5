/**
 * The page a share link opens: static HTML plus the bundled script (src/share-page, built by
 * scripts/build-cli.ts into dist/share-page/app.js) that decrypts and verifies in the browser. The key stays in
 * the fragment; the page fetches only ciphertext from its own origin. Without a built script (running from
 * source before a build) the page says how to fetch the share with the CLI instead.
 */
import fs from 'node:fs';

const CANDIDATES = [
  new URL('../share-page/app.js', import.meta.url),
  new URL('../../../dist/share-page/app.js', import.meta.url),
];
let cached: string | undefined;

function script(): string | undefined {
  if (cached !== undefined) return cached || undefined;
  for (const u of CANDIDATES) {
    try {
      cached = fs.readFileSync(u, 'utf8');
      return cached;
    } catch {
      /* next */
    }
  }
  cached = '';
  return undefined;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#222;background:#fff}
@media (prefers-color-scheme:dark){body{color:#ddd;background:#181818}button{color:#ddd;background:#333;border-color:#555}}
ul{list-style:none;padding:0}li{display:flex;gap:1rem;align-items:center;padding:.3rem 0;border-bottom:1px solid #8883}
li span:first-child{flex:1;word-break:break-all}.size{color:#888;white-space:nowrap}button{font:inherit;padding:.2rem .8rem}
#status[data-kind=error]{color:#c22}#status[data-kind=done]{color:#282}code{word-break:break-all}`;

export function sharePage(): string {
  const js = script();
  const body = js
    ? `<form id="password-form" hidden><label>Password <input id="password" type="password" autocomplete="off"></label> <button type="submit">Open</button></form>
<p id="summary"></p><p><button id="save-all" hidden>Save all to a folder…</button></p><ul id="files"></ul><p id="status" role="status"></p>
<script>${js.replace(/<\/script/gi, '<\\/script')}</script>`
    : `<p>This page's script is not built (npm run build:cli). Download the share with Warp: <code id="cmd"></code></p>
<script>document.getElementById('cmd').textContent = "warp fetch '" + location.href + "' <folder>";</script>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Warp share</title><style>${STYLE}</style></head><body><h1>Warp share</h1>
<p>End-to-end encrypted: the server that sent this page cannot read the files; the key is the part of the link after <code>#</code>.</p>
${body}</body></html>`;
}
