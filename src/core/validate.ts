/**
 * Validation outside HTTP routes (config files, service calls, YAML definitions) with the same
 * rules and messages as the routes: a BraidError `invalid_request` naming the field, e.g.
 * `offer.eligibility.customer: must be equal to one of the allowed values`.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { invalid } from './errors.ts';

const ajv = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
/** For query strings and path params: text by nature, so `?limit=25` is the integer 25. */
const coercing = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
for (const a of [ajv, coercing]) (addFormats as unknown as (a: Ajv) => void)(a);

/** Turns an ajv instancePath like `/batch/3/userId` into `batch[3].userId` (`body` when empty). */
export function fieldFromPointer(pointer: string, missing?: string): string {
  const parts = pointer.split('/').filter(Boolean);
  if (missing) parts.push(missing);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : (out ? '.' : '') + p;
  return out || 'body';
}

/** The field under `root` (`offer.kind`), or the pointer alone when there is no root. */
function fieldUnder(root: string, pointer: string, missing?: string): string {
  const f = fieldFromPointer(pointer, missing);
  if (!root) return f;
  if (f === 'body') return root;
  return f.startsWith('[') ? root + f : `${root}.${f}`;
}

/** A validator that fills defaults on a copy and returns it, or throws a 400 naming the field. */
export function compileValidator<T>(schema: object, root: string, opts: { coerce?: boolean } = {}): (value: unknown) => T {
  const validate: ValidateFunction = (opts.coerce ? coercing : ajv).compile(schema);
  return (value) => {
    const copy = structuredClone(value);
    if (validate(copy)) return copy as T;
    const e = validate.errors?.[0];
    const missing = e?.keyword === 'required' ? String((e.params as { missingProperty: string }).missingProperty)
      : e?.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : undefined;
    const field = fieldUnder(root, e?.instancePath ?? '', missing);
    throw invalid(field, e?.keyword === 'additionalProperties' ? 'is not a known property' : (e?.message ?? 'is invalid'));
  };
}

/**
 * A Fastify `validatorCompiler` with the messages above, for routes where a typo must not pass
 * silently: the server's default path reports an unknown property as `body`, this one names it
 * (e.g. `evidance`), and fills defaults. Bodies are not coerced (a string is not a number); query
 * strings and path params are text, so they are (`?limit=25`), as on every other route.
 */
export function routeValidator({ schema, httpPart }: { schema: object; httpPart?: string }) {
  const validate = compileValidator<unknown>(schema, '', { coerce: httpPart === 'querystring' || httpPart === 'params' });
  return (value: unknown) => {
    try { return { value: validate(value) }; } catch (e) { return { error: e as Error }; }
  };
}
