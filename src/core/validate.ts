/**
 * Validation outside HTTP routes (config files, service calls, YAML definitions) with the same
 * rules and messages as the routes: a BraidError `invalid_request` naming the field, e.g.
 * `offer.eligibility.customer: must be equal to one of the allowed values`.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { invalid } from './errors.ts';

const ajv = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);

/** `/a/3/b` -> `a[3].b` */
export function fieldOf(root: string, instancePath: string): string {
  const parts = instancePath.split('/').filter((p) => p.length > 0);
  let out = root;
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : (out ? `.${p}` : p);
  return out;
}

/** A validator that fills defaults on a copy and returns it, or throws a 400 naming the field. */
export function compileValidator<T>(schema: object, root: string): (value: unknown) => T {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => {
    const copy = structuredClone(value);
    if (validate(copy)) return copy as T;
    const e = validate.errors?.[0];
    let field = fieldOf(root, e?.instancePath ?? '');
    if (e?.keyword === 'required') field = fieldOf(field, '/' + String((e.params as { missingProperty: string }).missingProperty));
    if (e?.keyword === 'additionalProperties') field = fieldOf(field, '/' + String((e.params as { additionalProperty: string }).additionalProperty));
    throw invalid(field, e?.keyword === 'additionalProperties' ? 'is not a known field' : (e?.message ?? 'is invalid'));
  };
}

/**
 * A Fastify `validatorCompiler` with the messages above (unknown properties named, defaults
 * filled), for routes whose bodies are definitions a human writes.
 */
export function routeValidator({ schema }: { schema: object }) {
  const validate = compileValidator<unknown>(schema, '');
  return (value: unknown) => {
    try { return { value: validate(value) }; } catch (e) { return { error: e as Error }; }
  };
}
