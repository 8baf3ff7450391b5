/** /docs: a self-contained HTML page (no scripts, nothing from the internet) listing every route of the API. */
import type { JsonSchema } from '../core/schema.ts';

const esc = (s: unknown): string =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function docsPage(doc: JsonSchema): string {
  const paths = doc.paths as Record<string, Record<string, JsonSchema>>;
  const info = doc.info as { title: string; version: string; description: string };
  const rows: string[] = [];
  const toc: string[] = [];
  for (const [p, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const anchor = esc(op.operationId);
      toc.push(
        `<li><a href="#${anchor}"><code class="m ${esc(method)}">${esc(method.toUpperCase())}</code> ${esc(p)}</a></li>`,
      );
      const params = (op.parameters as JsonSchema[])
        .map(
          (x) =>
            `<li><code>${esc(x.name)}</code> (${esc(x.in)}${x.required ? ', required' : ''}) ${esc((x.schema as JsonSchema).description ?? (x.schema as JsonSchema).type ?? '')}</li>`,
        )
        .join('');
      const body = op.requestBody
        ? `<details><summary>Request body</summary><pre>${esc(JSON.stringify((op.requestBody as JsonSchema).content, null, 2))}</pre></details>`
        : '';
      const ok = Object.entries(op.responses as Record<string, JsonSchema>).filter(([c]) => c.startsWith('2'));
      const resp = ok
        .map(
          ([c, r]) =>
            `<details><summary>Response ${esc(c)}</summary><pre>${esc(JSON.stringify(r.content, null, 2))}</pre></details>`,
        )
        .join('');
      rows.push(`<section id="${anchor}"><h3><code class="m ${esc(method)}">${esc(method.toUpperCase())}</code> <code>${esc(p)}</code></h3>
<p>${esc(op.summary)} <small>operationId <code>${anchor}</code>${op['x-bridge-method'] ? `, bridge <code>${esc(op['x-bridge-method'])}</code>` : ''}</small></p>
${params ? `<ul>${params}</ul>` : ''}${body}${resp}</section>`);
    }
  }
  const schemas = (doc.components as { schemas: Record<string, JsonSchema> }).schemas;
  const schemaHtml = Object.entries(schemas)
    .map(
      ([n, s]) =>
        `<details id="schema-${esc(n)}"><summary>${esc(n)}</summary><pre>${esc(JSON.stringify(s, null, 2))}</pre></details>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)}</title><style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}main{max-width:60rem;margin:0 auto;padding:1rem 1.25rem 4rem}
h1{margin:.5rem 0}section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:.25rem 1rem;margin:.75rem 0}
h3{font-size:1rem;margin:.6rem 0}code{font:13px ui-monospace,monospace}pre{background:#f1f3f6;padding:.5rem;overflow:auto;border-radius:6px;font-size:12px}
.m{display:inline-block;min-width:3.6rem;text-align:center;border-radius:4px;padding:0 .3rem;color:#fff;background:#667}.get{background:#2f7d4f}.post{background:#2657a6}.put{background:#9a6a12}.delete{background:#a6322b}
ul.toc{columns:2 22rem;padding-left:1rem}ul.toc a{text-decoration:none;color:inherit}small{color:#667}
</style></head><body><main><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
<p>${esc(info.description)}</p>
<p>Authentication: <code>Authorization: Bearer &lt;token&gt;</code> (<code>warp daemon token</code> prints it), or the session cookie set by the login URL the daemon prints.
Errors are <code>{"error":{"code","message"}}</code> with a 4xx/5xx status. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
<h2>Routes</h2><ul class="toc">${toc.join('')}</ul>${rows.join('\n')}
<h2>Schemas</h2>${schemaHtml}</main></body></html>`;
}
