/**
 * A small schema language, one for every untrusted structured input: the daemon's route descriptors (one
 * descriptor gives both the input check, a clear 400 naming the field, and the JSON Schema in /openapi.json, so
 * the two cannot drift apart) and the peer protocol's frame headers (net/wire.ts: each frame type's schema,
 * checked on arrival, a failure being E_PROTOCOL). A failed check throws InputError naming the field; each
 * edge turns it into its own error.
 */
import { WarpError, ErrorCodes } from './errors.ts';

export type JsonSchema = Record<string, unknown>;

export interface Schema<T = unknown> {
  /** Checks and converts `v` (query strings arrive as text: `fromText` lets numbers and booleans parse). */
  parse(v: unknown, where: string, fromText: boolean): T;
  json(): JsonSchema;
  optional?: boolean;
  description?: string;
}

/** What a failed check throws; the server answers 400 with code BAD_REQUEST. */
export class InputError extends WarpError {
  readonly field: string;

  /** A WarpError like every other failure: E_USAGE, answered as 400 BAD_REQUEST (details.status, details.code). */
  constructor(field: string, message: string) {
    super(ErrorCodes.USAGE, `${field}: ${message}`, { details: { status: 400, code: 'BAD_REQUEST', field } });
    this.name = 'InputError';
    this.field = field;
  }
}

const bad = (where: string, msg: string): never => {
  throw new InputError(where, msg);
};

export function string(o: { min?: number; max?: number; pattern?: RegExp; description?: string } = {}): Schema<string> {
  return {
    description: o.description,
    parse(v, where) {
      if (typeof v !== 'string') return bad(where, 'must be a string');
      if (o.min !== undefined && v.length < o.min)
        bad(where, o.min === 1 ? 'must not be empty' : `must be at least ${o.min} characters`);
      if (o.max !== undefined && v.length > o.max) bad(where, `must be at most ${o.max} characters`);
      if (o.pattern && !o.pattern.test(v)) bad(where, `must match ${o.pattern.source}`);
      return v;
    },
    json: () => ({
      type: 'string',
      ...(o.min !== undefined ? { minLength: o.min } : {}),
      ...(o.max !== undefined ? { maxLength: o.max } : {}),
      ...(o.pattern ? { pattern: o.pattern.source } : {}),
      ...(o.description ? { description: o.description } : {}),
    }),
  };
}

export function integer(o: { min?: number; max?: number; description?: string } = {}): Schema<number> {
  return {
    description: o.description,
    parse(v, where, fromText) {
      const n = typeof v === 'number' ? v : fromText && typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n)) return bad(where, 'must be a whole number');
      if (o.min !== undefined && n < o.min) bad(where, `must be at least ${o.min}`);
      if (o.max !== undefined && n > o.max) bad(where, `must be at most ${o.max}`);
      return n;
    },
    json: () => ({
      type: 'integer',
      ...(o.min !== undefined ? { minimum: o.min } : {}),
      ...(o.max !== undefined ? { maximum: o.max } : {}),
      ...(o.description ? { description: o.description } : {}),
    }),
  };
}

export function number(description?: string): Schema<number> {
  return {
    description,
    parse(v, where) {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad(where, 'must be a number');
      return v;
    },
    json: () => ({ type: 'number', ...(description ? { description } : {}) }),
  };
}

export function boolean(description?: string): Schema<boolean> {
  return {
    description,
    parse(v, where, fromText) {
      if (typeof v === 'boolean') return v;
      if (fromText && (v === 'true' || v === 'false')) return v === 'true';
      return bad(where, 'must be true or false');
    },
    json: () => ({ type: 'boolean', ...(description ? { description } : {}) }),
  };
}

export function literal<V extends string>(values: readonly V[], description?: string): Schema<V> {
  return {
    description,
    parse(v, where) {
      if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
        return bad(where, `must be one of ${values.join(', ')}`);
      return v as V;
    },
    json: () => ({ type: 'string', enum: [...values], ...(description ? { description } : {}) }),
  };
}

export function array<T>(item: Schema<T>, o: { min?: number; max?: number; description?: string } = {}): Schema<T[]> {
  return {
    description: o.description,
    parse(v, where, fromText) {
      if (!Array.isArray(v)) return bad(where, 'must be an array');
      if (o.min !== undefined && v.length < o.min) bad(where, `needs at least ${o.min} item${o.min === 1 ? '' : 's'}`);
      if (o.max !== undefined && v.length > o.max) bad(where, `takes at most ${o.max} items`);
      return v.map((x, i) => item.parse(x, `${where}[${i}]`, fromText));
    },
    json: () => ({
      type: 'array',
      items: item.json(),
      ...(o.min !== undefined ? { minItems: o.min } : {}),
      ...(o.max !== undefined ? { maxItems: o.max } : {}),
      ...(o.description ? { description: o.description } : {}),
    }),
  };
}

/** Any JSON value (for config values, whose type the config schema checks). */
export function any(description?: string): Schema<unknown> {
  return { description, parse: (v) => v, json: () => (description ? { description } : {}) };
}

/** `null` allowed besides the schema's own values. */
export function nullable<T>(s: Schema<T>): Schema<T | null> {
  return {
    ...s,
    parse: (v, where, fromText) => (v === null ? null : s.parse(v, where, fromText)),
    json: () => ({ anyOf: [s.json(), { type: 'null' }] }),
  };
}

/** A schema whose value may be absent (its field is optional in the object's type too). */
export type OptionalSchema<T> = Schema<T | undefined> & { optional: true };

export function optional<T>(s: Schema<T>): OptionalSchema<T> {
  return {
    ...s,
    optional: true,
    parse: (v, where, fromText) => (v === undefined ? undefined : s.parse(v, where, fromText)),
  };
}

export type Shape = Record<string, Schema<unknown>>;
export type Infer<S> = S extends Schema<infer T> ? T : never;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type Flat<T> = { [K in keyof T]: T[K] };
export type ObjectOf<S extends Shape> = Flat<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

/**
 * An object of known fields. Unknown fields are refused, kept when `extra` checks them, or dropped with
 * `dropUnknown` (a peer protocol ignores fields a newer peer adds; the handler never sees them).
 */
export function object<S extends Shape>(
  shape: S,
  o: { description?: string; extra?: Schema<unknown>; dropUnknown?: boolean } = {},
): Schema<ObjectOf<S>> {
  const entries = Object.entries(shape);
  // The fields' names for error messages, made once per `where` (a frame type parses thousands of times a second).
  let namedFor: string | undefined;
  let named: string[] = [];
  return {
    description: o.description,
    parse(v, where, fromText) {
      if (where !== namedFor) {
        namedFor = where;
        named = entries.map(([k]) => `${where}.${k}`);
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v))
        return bad(where, 'must be an object');
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      if (!o.dropUnknown)
        for (const k of Object.keys(src)) {
          if (!Object.hasOwn(shape, k)) {
            if (o.extra) out[k] = o.extra.parse(src[k], `${where}.${k}`, fromText);
            else bad(`${where}.${k}`, `unknown field (known: ${Object.keys(shape).join(', ') || 'none'})`);
          }
        }
      for (let i = 0; i < entries.length; i++) {
        const [k, s] = entries[i];
        const x = Object.hasOwn(src, k) ? src[k] : undefined;
        if (x === undefined && !s.optional) bad(named[i], 'is required');
        const val = s.parse(x, named[i], fromText);
        if (val !== undefined) out[k] = val;
      }
      return out as ObjectOf<S>;
    },
    json: () => ({
      type: 'object',
      properties: Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, s.json()])),
      required: Object.entries(shape)
        .filter(([, s]) => !s.optional)
        .map(([k]) => k),
      additionalProperties: o.extra ? o.extra.json() : false,
      ...(o.description ? { description: o.description } : {}),
    }),
  };
}

/** One of several object shapes, told apart by a string field (`kind`). */
export function tagged<S extends Record<string, Schema<Record<string, unknown>>>>(
  tag: string,
  variants: S,
  description?: string,
): Schema<Infer<S[keyof S]>> {
  return {
    description,
    parse(v, where, fromText) {
      const t = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[tag] : undefined;
      if (typeof t !== 'string' || !Object.hasOwn(variants, t))
        return bad(`${where}.${tag}`, `must be one of ${Object.keys(variants).join(', ')}`);
      return variants[t].parse(v, where, fromText) as Infer<S[keyof S]>;
    },
    json: () => ({
      oneOf: Object.values(variants).map((s) => s.json()),
      discriminator: { propertyName: tag },
      ...(description ? { description } : {}),
    }),
  };
}

/** A response schema given as JSON Schema directly (responses are not validated, only documented). */
export function doc(schema: JsonSchema): Schema<unknown> {
  return { parse: (v) => v, json: () => schema };
}
