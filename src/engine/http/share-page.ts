/**
 * The page a share link opens. For now it says what the link is and how to download it with the CLI (the
 * in-browser decrypting page is not built yet); the link, key included, is filled in by the page itself from
 * its own address, so the key still never reaches the server.
 */
export function sharePage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Warp share</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}code{word-break:break-all}</style></head>
<body><h1>Warp share</h1><p>This link holds an end-to-end encrypted folder or file: the server that sent this page cannot read it,
and the key is the part of the link after <code>#</code>.</p>
<p id="how">Download it with Warp: <code id="cmd"></code></p>
<script>document.getElementById('cmd').textContent = "warp fetch '" + location.href + "' <folder>";</script></body></html>`;
}
