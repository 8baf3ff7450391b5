/**
 * /login: trades the one-time code of the URL the daemon prints (GET) or the pasted token (POST form) for the
 * session cookie, then redirects to the UI; otherwise a small page asking for the token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Auth } from './auth.ts';

/** The sign-in page, in the web UI's own colours (light ones when the system asks for light). */
function loginPage(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Warp: sign in</title>
<style>:root{color-scheme:dark light;--bg:#0b0f16;--panel:#141a24;--border:#263042;--text:#e4e9f2;--muted:#8a94a8;--accent:#5b9cff}
@media (prefers-color-scheme: light){:root{--bg:#f4f6fa;--panel:#fff;--border:#d5dbe5;--text:#1b2330;--muted:#5b6678;--accent:#2f6fe0}}
*{box-sizing:border-box}body{margin:0;min-height:100vh;display:grid;place-items:center;padding:16px;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif}
main{background:var(--panel);border:1px solid var(--border);border-radius:12px;padding:24px;max-width:440px;width:100%}
.logo{width:34px;height:34px;border-radius:9px;display:grid;place-items:center;font-weight:800;color:#0b1020;background:linear-gradient(135deg,#5b9cff,#3ecf8e)}
h1{font-size:20px;margin:14px 0 6px}p{color:var(--muted);margin:0 0 14px}code{font:13px ui-monospace,Menlo,Consolas,monospace;color:var(--text)}
label{display:block;font-size:13px;color:var(--muted)}input{width:100%;margin-top:4px;font:inherit;color:var(--text);background:var(--bg);border:1px solid var(--border);border-radius:7px;padding:8px 10px}
button{margin-top:12px;font:inherit;font-weight:600;border:0;border-radius:7px;padding:8px 16px;background:var(--accent);color:#0b1020;cursor:pointer}
input:focus,button:focus-visible{outline:2px solid var(--accent);outline-offset:1px}</style></head>
<body><main><div class="logo" aria-hidden="true">W</div><h1>${title}</h1><p>${message}</p><form method="post" action="/login"><label>Daemon token<input name="token" type="password" autocomplete="off" autofocus required></label>
<button type="submit">Sign in</button></form></main></body></html>`;
}

export async function serveLogin(auth: Auth, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const ok = (): void => {
    res.writeHead(req.method === 'POST' ? 303 : 302, {
      'Set-Cookie': auth.setCookieHeader(false),
      Location: '/',
      'Cache-Control': 'no-store',
    });
    res.end();
  };
  const page = (status: number, title: string, message: string): void => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(loginPage(title, message));
  };
  const howToGetToken =
    'Run <code>warp daemon token</code> on the machine the daemon runs on and paste what it prints.';
  if (req.method === 'POST') {
    let body = '';
    for await (const c of req as AsyncIterable<Buffer>) {
      body += c.toString();
      if (body.length > 4096) break;
    }
    const token = new URLSearchParams(body).get('token') ?? '';
    if (auth.checkToken(token.trim())) return ok();
    return page(401, 'That token is not right', howToGetToken);
  }
  const code = url.searchParams.get('code');
  if (code && auth.useLoginCode(code)) return ok();
  // A browser already signed in that opens the link again (a reload, a bookmark) just goes to the app.
  if (auth.check(req.headers, undefined, false) === 'cookie') {
    res.writeHead(302, { Location: '/', 'Cache-Control': 'no-store' });
    res.end();
    return;
  }
  if (code)
    page(
      401,
      'This sign-in link was already used',
      `Each link printed by <code>warp daemon</code> signs in one browser, once, within an hour. To sign in this browser, use its token instead. ${howToGetToken}`,
    );
  else page(200, 'Sign in to Warp', `Paste the daemon token to use Warp from this browser. ${howToGetToken}`);
}
