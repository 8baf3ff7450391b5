/**
 * The OpenAPI 3.1 document (/openapi.json), generated from the route descriptors in routes.ts (inputs) and the
 * response schemas of response-schemas.ts (which restate the DTOs of src/shared/bridge.ts as JSON Schema).
 */
import { API_ROUTES, PUBLIC_PATHS, SESSION_COOKIE } from '../../shared/api-routes.ts';
import type { JsonSchema } from '../core/schema.ts';
import { RESPONSE_SCHEMAS, bool, num, obj, ref, str } from './response-schemas.ts';
import { ROUTES, type RouteDef } from './routes.ts';

const camel = (id: string): string => id.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase());
const ERRORS: Record<string, string> = {
  400: 'Bad input',
  401: 'Missing or wrong token',
  404: 'Not found',
  409: 'Conflict with the current state',
  500: 'Engine error',
  503: 'Feature unavailable',
};

function operation(r: RouteDef): JsonSchema {
  const spec = API_ROUTES[r.id];
  const parameters: JsonSchema[] = [];
  for (const [where, s] of [
    ['path', r.params],
    ['query', r.query],
  ] as const) {
    const props = (s?.json().properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((s?.json().required ?? []) as string[]);
    for (const [name, schema] of Object.entries(props))
      parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema });
  }
  const okStatus = String(r.status ?? 200);
  const content = r.produces
    ? { [r.produces]: { schema: ref(r.response) } }
    : { 'application/json': { schema: ref(r.response) } };
  const responses: Record<string, JsonSchema> = { [okStatus]: { description: 'OK', content } };
  for (const [code, description] of Object.entries(ERRORS))
    responses[code] = { description, content: { 'application/json': { schema: ref('Error') } } };
  const op: JsonSchema = {
    operationId: camel(r.id),
    summary: r.summary,
    tags: [r.id.split('.')[0]],
    parameters,
    responses,
    'x-bridge-method': spec.bridge,
  };
  if (r.rawBody)
    op.requestBody = {
      required: true,
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    };
  else if (r.body)
    op.requestBody = { required: !r.body.optional, content: { 'application/json': { schema: r.body.json() } } };
  return op;
}

export function openApiDocument(version: string, serverUrl?: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of ROUTES) {
    const spec = API_ROUTES[r.id];
    const p = spec.path.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[p] ??= {};
    paths[p][spec.method.toLowerCase()] = operation(r);
  }
  const plain = (summary: string, type: string, schema: JsonSchema): Record<string, JsonSchema> => ({
    get: {
      operationId: summary.split(' ')[0].toLowerCase() + 'Public',
      summary,
      tags: ['public'],
      security: [],
      parameters: [],
      responses: { 200: { description: 'OK', content: { [type]: { schema } } } },
    },
  });
  paths[PUBLIC_PATHS.health] = plain(
    'Health: liveness and version',
    'application/json',
    obj({ ok: bool, version: str, uptimeSeconds: num }),
  );
  paths[PUBLIC_PATHS.metrics] = plain('Metrics in Prometheus text format', 'text/plain', str);
  paths[PUBLIC_PATHS.openapi] = plain('Openapi document (this one)', 'application/json', { type: 'object' });
  paths[PUBLIC_PATHS.docs] = plain('Docs page listing the routes', 'text/html', str);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Warp daemon API',
      version,
      description:
        'The local control API of `warp daemon`: the HTTP form of the WarpBridge contract (src/shared/bridge.ts).',
    },
    servers: [{ url: serverUrl ?? '/' }],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    tags: [...new Set(ROUTES.map((r) => r.id.split('.')[0]))].map((name) => ({ name })).concat([{ name: 'public' }]),
    paths,
    components: {
      schemas: RESPONSE_SCHEMAS,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The token `warp daemon token` prints' },
        cookieAuth: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'Set by /login with the one-time code the daemon prints',
        },
      },
    },
  };
}
