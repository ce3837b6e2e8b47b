import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../domain/errors.js';
import { parseId } from '../domain/ids.js';
import type { Api } from './api.js';

/**
 * Parameters as Mastodon clients send them: in the query string, a JSON body, a form or a multipart body; arrays as
 * `name[]=a&name[]=b` (or one value); booleans as `true`/`false`, `1`/`0` or `on`. The schemas are lenient about
 * types where a form cannot be strict (everything arrives as text) and refuse values that make no sense.
 */

/** Folds `name[]` into `name` (a list), so schemas see one field whether a client wrote brackets or not. */
function foldBrackets(values: unknown): void {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return;
  const record = values as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!key.endsWith('[]')) continue;
    const value = record[key];
    const name = key.slice(0, -2);
    const existing = record[name];
    const listed = Array.isArray(value) ? value : [value];
    record[name] =
      existing === undefined ? listed : [...(Array.isArray(existing) ? existing : [existing]), ...listed];
    delete record[key];
  }
}

export function registerParameterFolding(app: Api) {
  app.addHook('preValidation', async (request) => {
    foldBrackets(request.query);
    foldBrackets(request.body);
  });
}

/** A boolean parameter: JSON booleans, or the strings forms and query strings carry. */
export const Flag = Type.Union([
  Type.Boolean(),
  Type.Union([
    Type.Literal('true'),
    Type.Literal('false'),
    Type.Literal('1'),
    Type.Literal('0'),
    Type.Literal('on'),
    Type.Literal('off'),
    Type.Literal(''),
  ]),
]);

export const isSet = (flag: boolean | string | undefined): boolean =>
  flag === true || flag === 'true' || flag === '1' || flag === 'on';

/** An id parameter: a decimal Snowflake. */
export const IdText = Type.String({ maxLength: 20, description: '64-bit Snowflake as a decimal string' });
export const IdParams = Type.Object({ id: IdText });

/** An optional id parameter, where clients also send null or an empty string for none. */
export const OptionalIdText = Type.Union([IdText, Type.Null()]);

export const optionalId = (value: string | null | undefined, name: string): bigint | undefined =>
  value === undefined || value === null || value === '' ? undefined : parseId(value, name);

/** A list parameter (`id[]=`), one value or many; at most `max`. */
export const List = (max: number) =>
  Type.Array(Type.String({ maxLength: 64 }), { maxItems: max, description: `at most ${max}` });

export function ids(values: readonly string[] | undefined, name: string): bigint[] {
  return [...new Set((values ?? []).map((value) => parseId(value, name)))];
}

/** The id in a route's `:id`, or 404: an id that cannot exist names nothing (as Mastodon answers). */
export function pathId(request: FastifyRequest<{ Params: { id: string } }>, what: string): bigint {
  try {
    return parseId(request.params.id);
  } catch {
    throw notFound(what);
  }
}

const NESTED = /^([A-Za-z0-9_]+)((?:\[[A-Za-z0-9_]*\])+)$/;

/**
 * Folds form keys written the Rails way, `source[privacy]` and `fields_attributes[0][name]`, into nested objects (as a
 * JSON body would carry them), for the routes that take such parameters. Other keys stay as they are.
 */
export function nestParams(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) return body;
  // Objects without a prototype: a key such as `__proto__[x]` names a plain field, never the prototype.
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const match = NESTED.exec(key);
    if (!match?.[1] || !match[2]) {
      out[key] = value;
      continue;
    }
    const path = [match[1], ...[...match[2].matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '')];
    let at = out;
    for (const [i, part] of path.entries()) {
      if (i === path.length - 1) {
        at[part] = value;
        break;
      }
      const next = at[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next) || Buffer.isBuffer(next)) {
        at[part] = Object.create(null);
      }
      at = at[part] as Record<string, unknown>;
    }
  }
  return out;
}

/** A list sent as an array, or as an object keyed by position (`fields_attributes[0]`), in order. */
export function listOf<T>(value: readonly T[] | Record<string, T> | undefined): T[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return [...value];
  return Object.entries(value)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, item]) => item);
}
