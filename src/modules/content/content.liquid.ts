/**
 * The Liquid engines every template and block renders with. Strict on purpose: an undefined
 * variable or filter is an error (liquidjs strictVariables/strictFilters), never a silent blank,
 * so QA catches it before a shopper does. `if`/`unless` and `default` stay lenient so templates
 * can test optional data. Only own properties are visible (no prototype walking).
 *
 * Filters: `money` (Intl.NumberFormat in the shopper's locale and currency, or a currency named
 * as argument) and `date` (Intl.DateTimeFormat in the shopper's locale and time zone; replaces
 * Liquid's strftime `date`). Both read `locale`, `currency`, `timezone` and `now` from the root
 * scope the renderer builds.
 */
import { randomBytes } from 'node:crypto';
import { Liquid, type Template } from 'liquidjs';
import type { QaReason } from './content.types.ts';

export interface Engines { text: Liquid; html: Liquid }

const DATE_STYLES = new Set(['short', 'medium', 'long', 'full']);
const PARSE_CACHE_MAX = 5000;

/** Intl formatters cost tens of microseconds to build and are reused across messages. */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cachedFormatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = formatters.get(key) as T | undefined;
  if (!f) {
    f = make(); // throws (RangeError) on a bad locale, currency or time zone, before anything is cached
    if (formatters.size >= 1000) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

export function formatMoney(amount: number, locale: string, currency: string, opts: { whole?: boolean } = {}): string {
  const whole = !!opts.whole && Number.isInteger(amount);
  return cachedFormatter(`n|${locale}|${currency}|${whole}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency, ...(whole ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {}) })).format(amount);
}

export function formatDate(value: number | string | Date, locale: string, timeZone: string, style = 'medium'): string {
  const d = value instanceof Date ? value : new Date(typeof value === 'number' ? value : Date.parse(value));
  if (Number.isNaN(d.getTime())) throw new RangeError(`date: "${String(value)}" is not a date`);
  if (style === 'datetime') return cachedFormatter(`dt|${locale}|${timeZone}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone })).format(d);
  if (!DATE_STYLES.has(style)) throw new RangeError(`date: style must be short, medium, long, full or datetime, got "${style}"`);
  return cachedFormatter(`d|${locale}|${timeZone}|${style}`, () => new Intl.DateTimeFormat(locale, { dateStyle: style as 'medium', timeZone })).format(d);
}

type Env = { locale?: string; currency?: string; timezone?: string; now?: string };

function createEngine(escape: boolean): Liquid {
  const engine = new Liquid({
    strictVariables: true, strictFilters: true, lenientIf: true, ownPropertyOnly: true,
    // No partials: `include`, `render` and `layout` find nothing (an empty in-memory file system)
    // rather than reading files relative to Braid's working directory into a message.
    templates: {},
    ...(escape ? { outputEscape: 'escape' as const } : {}),
    renderLimit: 2000, parseLimit: 1_000_000, memoryLimit: 50_000_000,
  });
  engine.registerFilter('money', function (this: { context: { environments: unknown } }, v: unknown, currency?: unknown) {
    const env = this.context.environments as Env;
    const n = typeof v === 'number' ? v : Number(v);
    if (v === null || v === undefined || v === '' || !Number.isFinite(n)) throw new RangeError(`money: "${String(v)}" is not an amount`);
    return formatMoney(n, env.locale ?? 'en-US', typeof currency === 'string' ? currency : (env.currency ?? 'USD'));
  });
  engine.registerFilter('date', function (this: { context: { environments: unknown } }, v: unknown, style?: unknown) {
    const env = this.context.environments as Env;
    const value = v === 'now' || v === 'today' ? (env.now ?? '') : v;
    if (typeof value !== 'string' && typeof value !== 'number' && !(value instanceof Date)) throw new RangeError(`date: "${String(v)}" is not a date`);
    return formatDate(value, env.locale ?? 'en-US', env.timezone ?? 'UTC', typeof style === 'string' ? style : 'medium');
  });
  if (escape) escaping.add(engine);
  return engine;
}

/** The engines whose every output goes through liquidjs's `escape` (HTML). */
const escaping = new WeakSet<Liquid>();

export function createEngines(): Engines {
  return { text: createEngine(false), html: createEngine(true) };
}

/** The QA reason for a Liquid failure in `field`. */
export function liquidReason(field: string, err: unknown): QaReason {
  const e = err as { name?: string; message?: string };
  const message = String(e.message ?? err);
  if (e.name === 'UndefinedVariableError') return { rule: 'missing_variable', field, message };
  if (/undefined filter/.test(message)) return { rule: 'unknown_filter', field, message };
  return { rule: 'liquid_error', field, message };
}

/**
 * A source's parse (once per source text: templates and blocks render thousands of times) plus the
 * variable paths it reads from the root scope (liquidjs static analysis), for the render memo.
 * `locale`, `currency` and `timezone` are always read (the `money` and `date` filters take them
 * from the root scope), and `now` where dates may be formatted.
 */
interface Analysed { id: number; templates: Template[]; paths: Path[]; memo: boolean; renders: number; hits: number; tokens: string[] }
type Path = Array<string | number | unknown[]>;
const analysed = new WeakMap<Liquid, Map<string, Analysed>>();
let nextAnalysed = 0;
const ENV_PATHS: Path[] = [['locale'], ['currency'], ['timezone']];
const PARTIALS = /\{%-?\s*(include|render|layout)\b/;

/**
 * Root variables that differ for every recipient (a signed link each). Where a source only prints
 * one (`{{ unsubscribe_url }}`, no filter, no tag), it is rendered as a token and the value put in
 * after, escaped as the engine would have: the rest of the message can then be memoized.
 */
const PER_RECIPIENT = ['unsubscribe_url'];
const TOKEN = `BRAIDRCPT${randomBytes(8).toString('hex')}N`;
const tokenFor = (name: string) => TOKEN + PER_RECIPIENT.indexOf(name);
/** True when every mention of `name` is a plain `{{ name }}` and no `capture` could pass one through a filter. */
const onlyPrinted = (source: string, name: string): boolean => {
  if (/\bcapture\b/.test(source)) return false;
  const all = source.match(new RegExp(`\\b${name}\\b`, 'g'))?.length ?? 0;
  const printed = source.match(new RegExp(`\\{\\{-?\\s*${name}\\s*-?\\}\\}`, 'g'))?.length ?? 0;
  return all > 0 && all === printed;
};
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
/** liquidjs's `escape` filter, which the HTML engine applies to every output. */
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function analyse(engine: Liquid, source: string): Analysed {
  let cache = analysed.get(engine);
  if (!cache) { cache = new Map(); analysed.set(engine, cache); }
  let a = cache.get(source);
  if (!a) {
    const templates = engine.parse(source);
    const paths = new Map<string, Path>(ENV_PATHS.map((p) => [JSON.stringify(p), p]));
    // Partials are read at render time, so their output is not a function of the scope alone.
    let memo = !PARTIALS.test(source);
    try {
      if (memo) for (const seg of engine.globalVariableSegmentsSync(templates)) paths.set(JSON.stringify(seg), seg as Path);
    } catch {
      memo = false; // the analysis renders partials too; the render reports what failed
    }
    if (/date|now/.test(source)) paths.set('["now"]', ['now']);
    const tokens = PER_RECIPIENT.filter((name) => onlyPrinted(source, name));
    a = { id: nextAnalysed++, templates, paths: [...paths.values()], memo, renders: 0, hits: 0, tokens };
    if (cache.size >= PARSE_CACHE_MAX) cache.clear();
    cache.set(source, a);
  }
  return a;
}

/**
 * The value a path reads, or the value of its longest prefix that plain own properties and array
 * indexes reach (a `size` or `first` of an array, a dynamic index, a missing key): the output is a
 * function of that prefix's value, so keying on it is exact, only coarser.
 */
function valueAt(scope: Record<string, unknown>, path: Path): unknown {
  const root = path[0];
  if (typeof root !== 'string' || !Object.hasOwn(scope, root)) return MISSING;
  let v: unknown = scope[root];
  for (let i = 1; i < path.length; i++) {
    const s = path[i];
    if (Array.isArray(v)) {
      if (typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s >= v.length) return v;
    } else if (!v || typeof v !== 'object' || (typeof s !== 'string' && typeof s !== 'number') || !Object.hasOwn(v, s)) return v;
    v = (v as Record<string | number, unknown>)[s as string | number];
  }
  return v;
}

/**
 * Rendered output by source and the values of the variable paths it reads. Liquid rendering is a
 * pure function of those (no filter here has side effects or reads anything else), and most block
 * and subject renders repeat across a batch of shoppers. A source whose inputs differ for nearly
 * every shopper (an unsubscribe link, the shopper's own products) stops being memoized after
 * MEMO_TRIAL renders: the key would cost without ever hitting.
 */
const rendered = new WeakMap<Liquid, { outputs: Map<string, string>; chars: number }>();
/** Characters of keys and outputs kept per engine (a few MB), and how many renders decide whether a source is worth it. */
const MEMO_CHARS = 4_000_000;
const MEMO_TRIAL = 200;
/** `undefined` and a missing root must not key like `null`: with strictVariables one may throw where the other renders. */
const MISSING = '\u0000missing';
const keyValue = (_k: string, v: unknown) => (v === undefined ? '\u0000undefined' : v);
function memoKey(a: Analysed, scope: Record<string, unknown>): string | undefined {
  try {
    return a.id + JSON.stringify(a.paths.map((p) => valueAt(scope, p)), keyValue);
  } catch {
    return undefined; // not JSON (a BigInt, a cycle): rendered without the memo
  }
}

/** Renders one field; on failure returns '' and pushes the reason. */
export function renderField(engine: Liquid, source: string, scope: object, field: string, reasons: QaReason[]): string {
  let a: Analysed;
  try { a = analyse(engine, source); } catch (err) { reasons.push(liquidReason(field, err)); return ''; } // a parse error
  let memo = rendered.get(engine);
  if (!memo) { memo = { outputs: new Map(), chars: 0 }; rendered.set(engine, memo); }
  const vars = scope as Record<string, unknown>;
  // The per-recipient values this render prints as tokens (only strings: anything else renders as is).
  const tokens = a.tokens.filter((name) => typeof vars[name] === 'string' && Object.hasOwn(vars, name));
  const view = tokens.length > 0 ? { ...vars, ...Object.fromEntries(tokens.map((name) => [name, tokenFor(name)])) } : vars;
  const fill = (out: string): string => {
    for (const name of tokens) {
      const value = vars[name] as string;
      out = out.split(tokenFor(name)).join(escaping.has(engine) ? escapeHtml(value) : value);
    }
    return out;
  };
  const key = a.memo ? memoKey(a, view) : undefined;
  if (key !== undefined) {
    a.renders++;
    const hit = memo.outputs.get(key);
    if (hit !== undefined) { a.hits++; return fill(hit); }
    if (a.renders >= MEMO_TRIAL && a.hits * 10 < a.renders) a.memo = false;
  }
  try {
    const out = engine.renderSync(a.templates, view) as string;
    if (key !== undefined) {
      if (memo.chars + key.length + out.length > MEMO_CHARS) { memo.outputs.clear(); memo.chars = 0; }
      memo.outputs.set(key, out);
      memo.chars += key.length + out.length;
    }
    return fill(out);
  } catch (err) {
    reasons.push(liquidReason(field, err));
    return '';
  }
}

/** Syntax check for saving a template or block: undefined filters and unclosed tags are 400s. */
export function checkSyntax(engine: Liquid, source: string): string | undefined {
  try { engine.parse(source); return undefined; } catch (err) { return String((err as Error).message); }
}
