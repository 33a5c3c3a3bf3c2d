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
  return engine;
}

export function createEngines(): Engines {
  return { text: createEngine(false), html: createEngine(true) };
}

const parsed = new WeakMap<Liquid, Map<string, Template[]>>();

/** Parses once per source text (templates and blocks render thousands of times). */
export function parseCached(engine: Liquid, source: string): Template[] {
  let cache = parsed.get(engine);
  if (!cache) { cache = new Map(); parsed.set(engine, cache); }
  let t = cache.get(source);
  if (!t) {
    t = engine.parse(source);
    if (cache.size >= PARSE_CACHE_MAX) cache.clear();
    cache.set(source, t);
  }
  return t;
}

/** The QA reason for a Liquid failure in `field`. */
export function liquidReason(field: string, err: unknown): QaReason {
  const e = err as { name?: string; message?: string };
  const message = String(e.message ?? err);
  if (e.name === 'UndefinedVariableError') return { rule: 'missing_variable', field, message };
  if (/undefined filter/.test(message)) return { rule: 'unknown_filter', field, message };
  return { rule: 'liquid_error', field, message };
}

/** Renders one field; on failure returns '' and pushes the reason. */
export function renderField(engine: Liquid, source: string, scope: object, field: string, reasons: QaReason[]): string {
  try {
    return engine.renderSync(parseCached(engine, source), scope) as string;
  } catch (err) {
    reasons.push(liquidReason(field, err));
    return '';
  }
}

/** Syntax check for saving a template or block: undefined filters and unclosed tags are 400s. */
export function checkSyntax(engine: Liquid, source: string): string | undefined {
  try { engine.parse(source); return undefined; } catch (err) { return String((err as Error).message); }
}
