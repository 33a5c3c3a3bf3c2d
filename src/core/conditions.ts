/**
 * One small predicate language for every "who" and "if" marketers write: worker entry rules and
 * branches, segment triggers, audiences. JSON, so it round-trips through the API and YAML files:
 *
 *   { "all": [ { "path": "traits.lifecycle", "op": "in", "value": ["at_risk", "lapsed"] },
 *              { "not": { "path": "profile.orders.count", "op": "eq", "value": 0 } } ] }
 *
 * Paths are dotted lookups into a scope the caller builds (profile, traits, event, decision...).
 * A missing path is `undefined`: it equals nothing, is in nothing and compares false, so a rule
 * about data a shopper lacks excludes them rather than throwing.
 */
import { invalid } from './errors.ts';

export const CONDITION_OPS = [
  'eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'exists', 'missing', 'contains', 'within_days', 'older_than_days',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { path: string; op: ConditionOp; value?: unknown };

export function lookupPath(scope: unknown, path: string): unknown {
  let cur: unknown = scope;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function toMs(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') { const t = Date.parse(v); return Number.isNaN(t) ? undefined : t; }
  if (v instanceof Date) return v.getTime();
  return undefined;
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

const DAY = 86_400_000;

/** The paths a condition reads that start with `prefix` (e.g. `rank.`), in order. */
export function conditionPaths(c: Condition, prefix: string, out: string[] = []): string[] {
  if ('all' in c) for (const x of c.all) conditionPaths(x, prefix, out);
  else if ('any' in c) for (const x of c.any) conditionPaths(x, prefix, out);
  else if ('not' in c) conditionPaths(c.not, prefix, out);
  else if (c.path.startsWith(prefix)) out.push(c.path);
  return out;
}

/** Does `scope` satisfy `cond`? `nowMs` anchors the relative-time operators. Pure. */
export function evaluateCondition(cond: Condition, scope: unknown, nowMs: number): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluateCondition(c, scope, nowMs));
  if ('any' in cond) return cond.any.some((c) => evaluateCondition(c, scope, nowMs));
  if ('not' in cond) return !evaluateCondition(cond.not, scope, nowMs);
  const v = lookupPath(scope, cond.path);
  const want = cond.value;
  switch (cond.op) {
    case 'exists': return v !== undefined && v !== null;
    case 'missing': return v === undefined || v === null;
    case 'eq': return v !== undefined && v === want;
    case 'neq': return v !== undefined && v !== want;
    case 'in': return v !== undefined && Array.isArray(want) && want.includes(v);
    case 'nin': return v !== undefined && Array.isArray(want) && !want.includes(v);
    case 'contains':
      if (Array.isArray(v)) return v.includes(want);
      return typeof v === 'string' && typeof want === 'string' && v.includes(want);
    case 'gt': case 'gte': case 'lt': case 'lte': {
      const d = compare(v, want);
      if (d === undefined) return false;
      return cond.op === 'gt' ? d > 0 : cond.op === 'gte' ? d >= 0 : cond.op === 'lt' ? d < 0 : d <= 0;
    }
    case 'within_days': case 'older_than_days': {
      const t = toMs(v);
      if (t === undefined || typeof want !== 'number') return false;
      return cond.op === 'within_days' ? nowMs - t <= want * DAY : nowMs - t > want * DAY;
    }
  }
}

/** Checks a condition's shape, throwing a 400 naming the field (`${field}.all[2].op`). */
export function parseCondition(raw: unknown, field: string, depth = 0): Condition {
  if (depth > 8) throw invalid(field, 'is nested too deeply (at most 8 levels)');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(field, 'must be an object with all, any, not, or path and op');
  const o = raw as Record<string, unknown>;
  const keys = Object.keys(o);
  for (const combinator of ['all', 'any'] as const) {
    if (combinator in o) {
      if (keys.length !== 1) throw invalid(field, `"${combinator}" must be the only key`);
      const list = o[combinator];
      if (!Array.isArray(list) || list.length === 0) throw invalid(`${field}.${combinator}`, 'must be a non-empty array of conditions');
      const parsed = list.map((c, i) => parseCondition(c, `${field}.${combinator}[${i}]`, depth + 1));
      return combinator === 'all' ? { all: parsed } : { any: parsed };
    }
  }
  if ('not' in o) {
    if (keys.length !== 1) throw invalid(field, '"not" must be the only key');
    return { not: parseCondition(o.not, `${field}.not`, depth + 1) };
  }
  for (const k of keys) if (!['path', 'op', 'value'].includes(k)) throw invalid(`${field}.${k}`, 'is not a known key (path, op, value, or all/any/not)');
  if (typeof o.path !== 'string' || !/^[A-Za-z_$][\w$-]*(\.[\w$-]+)*$/.test(o.path)) throw invalid(`${field}.path`, 'must be a dotted path such as traits.lifecycle');
  if (typeof o.op !== 'string' || !(CONDITION_OPS as readonly string[]).includes(o.op)) throw invalid(`${field}.op`, `must be one of ${CONDITION_OPS.join(', ')}`);
  const op = o.op as ConditionOp;
  if ((op === 'in' || op === 'nin') && !Array.isArray(o.value)) throw invalid(`${field}.value`, `must be an array for "${op}"`);
  if ((op === 'within_days' || op === 'older_than_days') && typeof o.value !== 'number') throw invalid(`${field}.value`, `must be a number of days for "${op}"`);
  if (['gt', 'gte', 'lt', 'lte'].includes(op) && typeof o.value !== 'number' && typeof o.value !== 'string') throw invalid(`${field}.value`, `must be a number or string for "${op}"`);
  if (!['exists', 'missing'].includes(op) && !('value' in o)) throw invalid(`${field}.value`, `is required for "${op}"`);
  return 'value' in o ? { path: o.path, op, value: o.value } : { path: o.path, op };
}
