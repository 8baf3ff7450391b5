/**
 * What one operation of the table is (OperationSpec: HTTP method and path, input schemas, response schema name,
 * which inputs are local paths) and how a bridge method's positional arguments travel as HTTP inputs and back
 * (argForm, httpInputs, operationArgs: one the inverse of the other). `op` attaches the argument and result
 * types to a spec at the type level only. Pure, no table: operations.ts and its ops/ groups build on it.
 */
import type { Schema } from '../../engine/core/schema.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface OperationSpec {
  method: HttpMethod;
  /** Express-style path; `:id` is the one path parameter an operation may have. */
  path: string;
  summary: string;
  /** `:id` (operations whose one argument is an id). */
  params?: Schema<Record<string, unknown>>;
  /** The request object of a GET. */
  query?: Schema<Record<string, unknown>>;
  /** The request object of a POST/PUT (optional(...) when the argument may be omitted). */
  body?: Schema<unknown>;
  /** Name of the response schema in /openapi.json's components; status 200 unless `status`. */
  response: string;
  status?: number;
  /** Fields of the request that are paths on the engine's machine (`name[]`: every item); main requires them absolute. */
  localPaths?: readonly string[];
}

/** An operation with the bridge method's argument and result types attached (types only, never set at run time). */
export interface Operation<A extends unknown[], R> extends OperationSpec {
  readonly types?: { args: A; result: R };
}

export function op<A extends unknown[], R>(spec: OperationSpec): Operation<A, R> {
  return spec;
}

export type ArgForm = 'none' | 'id' | 'body' | 'optional-body' | 'query';

/** How the operation's positional arguments map onto its inputs (see the header). */
export function argForm(o: OperationSpec): ArgForm {
  if (o.body) return o.body.optional ? 'optional-body' : 'body';
  if (o.query) return 'query';
  if (o.params) return 'id';
  return 'none';
}

/** The HTTP inputs for a call: `id` -> path parameter, request -> body (or query values as text for a GET). */
export function httpInputs(
  o: OperationSpec,
  args: readonly unknown[],
): { params?: Record<string, string>; query?: Record<string, string>; body?: unknown } {
  switch (argForm(o)) {
    case 'none':
      return {};
    case 'id':
      return { params: { id: String(args[0]) } };
    case 'body':
      return { body: args[0] };
    case 'optional-body':
      return { body: args[0] ?? {} };
    case 'query': {
      const query: Record<string, string> = {};
      for (const [k, v] of Object.entries((args[0] ?? {}) as Record<string, unknown>))
        if (v !== undefined) query[k] = String(v);
      return { query };
    }
  }
}

/** The positional arguments of the bridge method from checked HTTP inputs (the inverse of httpInputs). */
export function operationArgs(
  o: OperationSpec,
  input: { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown },
): unknown[] {
  switch (argForm(o)) {
    case 'none':
      return [];
    case 'id':
      return [String(input.params.id)];
    case 'body':
      return [input.body];
    case 'optional-body':
      return input.body === undefined ? [] : [input.body];
    case 'query':
      return [input.query];
  }
}
