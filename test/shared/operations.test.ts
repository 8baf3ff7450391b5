/**
 * The operation table is the one list of the bridge's calls: the IPC channels, the HTTP routes and both clients
 * come from it. These check the derivations agree with each other for every operation.
 */
import { describe, expect, it } from 'vitest';
import { API_ROUTES, WEB_ROUTES } from '../../src/shared/api-routes.ts';
import { IPC_METHODS } from '../../src/shared/ipc.ts';
import {
  argForm,
  httpInputs,
  nestOperations,
  operationArgs,
  OPERATION_NAMES,
  OPERATIONS,
} from '../../src/shared/operations.ts';
import { ROUTES } from '../../src/engine/http/routes.ts';

const sample: Record<string, unknown[]> = {
  none: [],
  id: ['t-1'],
  body: [{ archive: '/a.warp' }],
  'optional-body': [{ name: 'laptop' }],
  query: [{ all: false }],
};

describe('operation table', () => {
  it('gives every operation an IPC channel and an HTTP route with its method and path, and nothing more', () => {
    expect([...IPC_METHODS]).toEqual(OPERATION_NAMES);
    for (const n of OPERATION_NAMES)
      expect(API_ROUTES[n]).toEqual({ method: OPERATIONS[n].method, path: OPERATIONS[n].path, bridge: n });
    expect(Object.keys(API_ROUTES).sort()).toEqual([...OPERATION_NAMES, ...Object.keys(WEB_ROUTES)].sort());
    expect(ROUTES.map((r) => r.id).sort()).toEqual(Object.keys(API_ROUTES).sort());
    const seen = new Set<string>();
    for (const r of Object.values(API_ROUTES)) {
      const key = `${r.method} ${r.path}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it('declares the inputs each argument form needs (an id operation has `:id` in its path)', () => {
    for (const n of OPERATION_NAMES) {
      const o = OPERATIONS[n];
      const form = argForm(o);
      expect(o.path.includes(':id'), n).toBe(form === 'id');
      if (form === 'query') expect(o.method, n).toBe('GET');
      if (form === 'body' || form === 'optional-body') expect(o.method, n).not.toBe('GET');
    }
  });

  it('carries arguments over HTTP and back unchanged (client: httpInputs, server: operationArgs)', () => {
    for (const n of OPERATION_NAMES) {
      const o = OPERATIONS[n];
      const args = sample[argForm(o)];
      const sent = httpInputs(o, args);
      const query = Object.fromEntries(
        Object.entries(sent.query ?? {}).map(([k, v]) => [k, v === 'false' ? false : v === 'true' ? true : v]),
      );
      expect(operationArgs(o, { params: sent.params ?? {}, query, body: sent.body }), n).toEqual(args);
    }
    // An omitted optional request travels as {} and reaches the service as such.
    expect(httpInputs(OPERATIONS['peers.pairStart'], [])).toEqual({ body: {} });
  });

  it('nests the operations as the bridge does: info(), archive.create(), …', async () => {
    const b = nestOperations((name) => async () => name) as {
      info: () => Promise<string>;
      archive: { create: () => Promise<string> };
      config: { set: () => Promise<string> };
    };
    expect(await b.info()).toBe('info');
    expect(await b.archive.create()).toBe('archive.create');
    expect(await b.config.set()).toBe('config.set');
  });
});
