/**
 * Validation of every IPC call's arguments before main hands them to the engine. The renderer is untrusted (a
 * compromised page can send anything over the channels the preload uses), so:
 *  1. each call's shape is checked by the operation's own schemas (src/shared/operations.ts: the same checks
 *     the HTTP API applies and /openapi.json documents, so both transports accept exactly the same requests
 *     and a field added to the contract is added once);
 *  2. then the rules only the desktop needs: paths on this machine (the table's `localPaths`) must be absolute (they are resolved here,
 *     never against main's working directory) and free of control characters, ids printable, schedule times
 *     real times, config keys "section.key" with plain values, and not both a password and a key file.
 * A failure throws an InputError (a WarpError answered as BAD_REQUEST) naming the field. Pure; test/main/ipc-validate.test.ts.
 */
import path from 'node:path';
import { InputError, type Schema } from '../engine/core/schema.ts';
import type { IpcArgs, IpcMethod } from '../shared/ipc.ts';
import { argForm, OPERATION_NAMES, OPERATIONS, type ArgForm, type OperationSpec } from '../shared/operations.ts';

/** A refused IPC call: the same InputError (a WarpError answered as BAD_REQUEST) the HTTP API throws. */
export function isIpcValidationError(e: unknown): e is InputError {
  return e instanceof InputError;
}

function bad(at: string, message: string): never {
  throw new InputError(at, message);
}

/** Longest path accepted (Linux PATH_MAX); the route schemas allow the same. */
export const MAX_PATH = 4096;
// C0 control characters and DEL: no legitimate id or path needs them, and NUL truncates paths in C APIs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** How each method's positional arguments map onto its inputs (derived from the operation table). */
export const IPC_ARG_FORMS = Object.fromEntries(OPERATION_NAMES.map((n) => [n, argForm(OPERATIONS[n])])) as Record<
  IpcMethod,
  ArgForm
>;

function withSchema<T>(schema: Schema<T> | undefined, v: unknown, at: string): T {
  if (!schema) bad(at, 'has no input schema (internal)');
  return schema.parse(v, at, false);
}

function localPath(v: unknown, at: string): void {
  if (typeof v !== 'string') return;
  if (CONTROL.test(v)) bad(at, 'must not contain control characters');
  if (!path.isAbsolute(v)) bad(at, `must be an absolute path (got '${v}')`);
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const CONFIG_KEY = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

/** The desktop's own rules on top of the route schema (see the header). */
function extraChecks(method: IpcMethod, req: Record<string, unknown>, at: string): void {
  for (const field of OPERATIONS[method].localPaths ?? []) {
    if (field.endsWith('[]')) {
      const name = field.slice(0, -2);
      (req[name] as unknown[] | undefined)?.forEach((p, i) => localPath(p, `${at}.${name}[${i}]`));
    } else localPath(req[field], `${at}.${field}`);
  }
  if (req.password !== undefined && req.keyFile !== undefined) bad(at, 'give a password or a key file, not both');
  if (method === 'sync.add') {
    (req.windows as { start: string; end: string }[] | undefined)?.forEach((w, i) => {
      for (const k of ['start', 'end'] as const)
        if (!HHMM.test(w[k])) bad(`${at}.windows[${i}].${k}`, 'must be a local time HH:MM (00:00-23:59)');
    });
  }
  if (method === 'config.set') {
    const values = req.values as Record<string, unknown>;
    const keys = Object.keys(values);
    if (keys.length === 0) bad(`${at}.values`, 'must set at least one key');
    if (keys.length > 256) bad(`${at}.values`, 'too many keys');
    for (const k of keys) {
      if (!CONFIG_KEY.test(k)) bad(`${at}.values.${k}`, 'keys are "section.key" (e.g. "transfer.port")');
      const x = values[k];
      if (typeof x === 'string') {
        if (x.length > MAX_PATH || CONTROL.test(x)) bad(`${at}.values.${k}`, 'must be a short single-line string');
      } else if (typeof x === 'number') {
        if (!Number.isFinite(x)) bad(`${at}.values.${k}`, 'must be a finite number');
      } else if (typeof x !== 'boolean') bad(`${at}.values.${k}`, 'must be a string, number or boolean');
    }
  }
}

function plainObject(v: unknown, at: string): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return; // the schema names the type error
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) bad(at, 'must be a plain object');
}

function arity(a: unknown[], at: string, min: number, max: number): void {
  if (!Array.isArray(a)) bad(at, 'arguments must be an array');
  if (a.length < min || a.length > max)
    bad(
      at,
      min === max
        ? `takes ${min} argument${min === 1 ? '' : 's'}, got ${a.length}`
        : `takes ${min} to ${max} arguments, got ${a.length}`,
    );
}

/** Returns the arguments to pass to the engine (as the schemas normalised them), or throws BAD_REQUEST. */
export function validateIpcArgs<M extends IpcMethod>(method: M, a: unknown[]): IpcArgs<M> {
  const route = (OPERATIONS as Record<string, OperationSpec | undefined>)[method];
  if (!route || !Object.hasOwn(OPERATIONS, method)) bad(String(method), 'unknown method');
  const form = argForm(route);
  switch (form) {
    case 'none':
      arity(a, method, 0, 0);
      return [] as unknown as IpcArgs<M>;
    case 'id': {
      arity(a, method, 1, 1);
      if (typeof a[0] === 'string' && CONTROL.test(a[0])) bad(`${method}(id)`, 'must not contain control characters');
      const p = withSchema(route.params, { id: a[0] }, `${method}(id)`) as { id: string };
      return [p.id] as unknown as IpcArgs<M>;
    }
    case 'query': {
      arity(a, method, 0, 1);
      if (a[0] === undefined) return [] as unknown as IpcArgs<M>;
      plainObject(a[0], `${method}(request)`);
      return [withSchema(route.query, a[0], `${method}(request)`)] as unknown as IpcArgs<M>;
    }
    case 'body':
    case 'optional-body': {
      arity(a, method, form === 'body' ? 1 : 0, 1);
      if (a[0] === undefined && form === 'optional-body') return [] as unknown as IpcArgs<M>;
      const at = `${method}(request)`;
      plainObject(a[0], at);
      const req = withSchema(route.body, a[0], at) as Record<string, unknown>;
      extraChecks(method, req, at);
      return [req] as unknown as IpcArgs<M>;
    }
  }
}
