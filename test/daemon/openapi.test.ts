/** /openapi.json from a real daemon: a structurally valid OpenAPI 3 document covering every route of the shared table. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../src/shared/api-routes.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { startDaemon, type Daemon, type Json } from './daemon-proc.ts';

type J = Record<string, Json>;

/** Every `$ref` anywhere in `node`. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) refs(x, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

function resolve(doc: J, ref: string): unknown {
  expect(ref.startsWith('#/'), `only local refs: ${ref}`).toBe(true);
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>(
      (n, k) => (n && typeof n === 'object' ? (n as J)[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined),
      doc,
    );
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

describe('GET /openapi.json', () => {
  let d: Daemon;
  let doc: J;
  beforeAll(async () => {
    d = await startDaemon(tmpDir('warp-daemon-openapi-'), ['--no-listen']);
    const r = await fetch(`${d.url}/openapi.json`); // public: tools read it without the token
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    doc = (await r.json()) as J;
  });
  afterAll(async () => {
    await d?.stop();
  });

  it('has the top-level structure of OpenAPI 3', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    expect(typeof doc.paths).toBe('object');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [p, item] of Object.entries(doc.paths as Record<string, J>)) {
      expect(p.startsWith('/'), p).toBe(true);
      for (const [m, op] of Object.entries(item)) {
        expect(METHODS, `${p}: ${m}`).toContain(m);
        expect(typeof op.operationId, `${m} ${p}`).toBe('string');
        expect(Object.keys(op.responses).length, `${m} ${p} responses`).toBeGreaterThan(0);
        for (const [code, resp] of Object.entries(op.responses as Record<string, J>)) {
          expect(code, `${m} ${p}`).toMatch(/^[1-5]\d\d$|^default$/);
          expect(typeof resp.description).toBe('string');
        }
        // Every {param} of the path is declared as a required path parameter, and nothing else is.
        const inPath = [...p.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]).sort();
        const declared = (op.parameters ?? [])
          .filter((x: J) => x.in === 'path')
          .map((x: J) => {
            expect(x.required).toBe(true);
            return x.name;
          })
          .sort();
        expect(declared, `${m} ${p} path parameters`).toEqual(inPath);
        for (const prm of op.parameters ?? []) {
          expect(['path', 'query', 'header', 'cookie']).toContain(prm.in);
          expect(prm.schema, `${m} ${p} ${prm.name}`).toBeTypeOf('object');
        }
        if (op.requestBody) expect(Object.keys(op.requestBody.content).length).toBeGreaterThan(0);
      }
    }
  });

  it('covers every route of the shared route table with its method, and nothing under /api that is not in it', () => {
    const expected = new Set<string>();
    for (const [id, r] of Object.entries(API_ROUTES)) {
      const p = r.path.replace(/:([A-Za-z]+)/g, '{$1}');
      expected.add(`${r.method} ${p}`);
      const op = doc.paths[p]?.[r.method.toLowerCase()];
      expect(op, `${id}: ${r.method} ${p} missing from the document`).toBeDefined();
      expect(op['x-bridge-method']).toBe(r.bridge);
    }
    for (const [p, item] of Object.entries(doc.paths as Record<string, J>)) {
      if (!p.startsWith('/api')) continue;
      for (const m of Object.keys(item))
        expect(expected.has(`${m.toUpperCase()} ${p}`), `${m} ${p} is not in the route table`).toBe(true);
    }
    // JSON bodies are documented where the routes take them.
    expect(doc.paths['/api/archive/create'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['inputs', 'output']),
    );
    expect(doc.paths['/api/uploads/{upload}/file'].put.requestBody.content['application/octet-stream']).toBeDefined();
    expect(doc.paths['/api/events'].get.responses['200'].content['text/event-stream']).toBeDefined();
  });

  it('has unique operationIds', () => {
    const ids: string[] = [];
    for (const item of Object.values(doc.paths as Record<string, J>))
      for (const op of Object.values(item)) ids.push(op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref to a schema object', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(20);
    for (const r of all) {
      const target = resolve(doc, r);
      expect(target, `${r} does not resolve`).toBeTypeOf('object');
    }
    // Component schemas themselves are well-formed: objects list existing required properties.
    for (const [name, s] of Object.entries(doc.components.schemas as Record<string, J>)) {
      if (s.type === 'object' && s.required)
        for (const k of s.required) expect(s.properties, `${name}.${k}`).toHaveProperty(k);
    }
  });
});
