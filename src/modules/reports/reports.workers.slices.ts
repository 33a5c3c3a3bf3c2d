/**
 * Slicing of a worker report's aggregation (aggregateUnits) so that it yields the database.
 *
 * The embedded store has one database session, shared through a priority lock (src/core/db): a
 * report computed as one statement of several seconds at a million shoppers holds every other
 * call (ingest, the shopper 360, the lists) behind it. So the units are split into K slices by
 * profile id range, each slice aggregated by its own statement (its own short transaction) at low
 * priority, and API calls run between slices. The boundaries are quantiles of a sample of the
 * profile ids (their exact places only balance the slices), so each slice reads its units, their
 * orders, consent records and decisions through the profile_id indexes and costs about 1/K of the
 * whole.
 *
 * Every figure of a UnitAggregate is a sum (n, Σy, Σy², Σpre·y, Σpre, Σpre², Σrevenue·orders) and
 * so are the excluded counts, so the slices' results add up. They are added EXACTLY: the
 * statement sums in numeric and returns decimal text, added here with BigInt, so a report is the
 * same to the last digit whatever K is (float sums would depend on the order of addition).
 */
import type { Db } from '../../core/index.ts';

/** Units per slice when the caller does not say: about a few hundred milliseconds of database time each. */
export const DEFAULT_UNITS_PER_SLICE = 50_000;

/** A slice of the units: profile ids in [from, to); null is open-ended. */
export interface ProfileRange { from: string | null; to: string | null }

const WHOLE: ProfileRange[] = [{ from: null, to: null }];

/**
 * The slices of a report over `db`: one (the whole) when the shoppers fit in one slice, else
 * K = ⌈shoppers / unitsPerSlice⌉ contiguous profile id ranges of about equal size. Shoppers are
 * counted from the planner's statistics when it has them (free), else counted (one index scan).
 */
export async function planProfileSlices(db: Db, unitsPerSlice: number): Promise<ProfileRange[]> {
  if (!Number.isFinite(unitsPerSlice)) return WHOLE;
  const est = await db.query<{ n: number }>(`select reltuples::float8 as n from pg_class where oid = 'profiles'::regclass`, [], { priority: 'low' });
  let shoppers = Number(est.rows[0]?.n ?? -1);
  if (!(shoppers > 0) || shoppers < unitsPerSlice) shoppers = Number((await db.query<{ n: number }>(`select count(*)::int8 as n from profiles`, [], { priority: 'low' })).rows[0]?.n ?? 0);
  const k = Math.ceil(shoppers / Math.max(1, unitsPerSlice));
  if (k <= 1) return WHOLE;
  // Quantiles of a sample of the profiles' pages (about 200 ids per slice): one cheap statement,
  // where numbering every id would read the whole key index (seconds at a million shoppers).
  const pct = Math.min(100, (100 * 200 * k) / shoppers);
  const sample = (await db.query<{ id: string }>(`select id from profiles tablesample system ($1::float8) order by id`, [pct], { priority: 'low' })).rows.map((r) => r.id);
  const bounds = [...new Set(Array.from({ length: k - 1 }, (_, i) => sample[Math.floor(((i + 1) * sample.length) / k)]).filter((b): b is string => b !== undefined))];
  const out: ProfileRange[] = [];
  let from: string | null = null;
  for (const b of bounds) { out.push({ from, to: b }); from = b; }
  out.push({ from, to: null });
  return out;
}

/**
 * Runs `fn` when no other report slice of this process is waiting for or holding `db`. The
 * priority lock serves a low-priority waiter ahead of the API once it has waited 250 ms, so
 * several reports computed at once (the refresher's, a `fresh=true` click) would each put a slice
 * in the low lane and an API call could wait behind all of them in turn; one at a time, it waits
 * behind one slice at most.
 */
export function takeSliceTurn<T>(db: object, fn: () => Promise<T>): Promise<T> {
  const prev = turns.get(db) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  turns.set(db, run.then(() => undefined, () => undefined));
  return run;
}
const turns = new WeakMap<object, Promise<void>>();

/** A decimal number as an integer of 10^-scale units (text as Postgres prints numeric: no exponent). */
function parseDecimal(s: string): { v: bigint; scale: number } {
  const neg = s.startsWith('-');
  const [int, frac = ''] = (neg ? s.slice(1) : s).split('.');
  const v = BigInt((int || '0') + frac);
  return { v: neg ? -v : v, scale: frac.length };
}

/** a + b, exactly, of two decimal texts. */
export function addDecimals(a: string, b: string): string {
  const x = parseDecimal(a), y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const v = x.v * 10n ** BigInt(scale - x.scale) + y.v * 10n ** BigInt(scale - y.scale);
  if (scale === 0) return v.toString();
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * Adds rows of several slices that share a group key (`key` names the group columns, `sums` the
 * summed columns, decimal text or null). Groups come out sorted by their key (code unit order of
 * the key's JSON), the same for any K.
 */
export function mergeSliceRows<R extends Record<string, unknown>>(slices: R[][], key: (r: R) => unknown[], sums: readonly string[]): R[] {
  const groups = new Map<string, R>();
  for (const rows of slices) {
    for (const r of rows) {
      const k = JSON.stringify(key(r));
      const g = groups.get(k);
      if (!g) { groups.set(k, { ...r }); continue; }
      for (const c of sums) (g as Record<string, unknown>)[c] = addDecimals(String(g[c] ?? '0'), String(r[c] ?? '0'));
    }
  }
  return [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
}
