/**
 * Ranks relative to the store's own data: `rank.event.properties.<name>` in a branch's condition is
 * the percentile rank (0-1) of this journey's trigger value among the same worker's journeys
 * entered in the last 30 days (holdouts included: they are the same carts). "The top half of
 * carts by value" then means the same thing in a store of $20 baskets and one of $400 baskets,
 * and follows the store as its baskets change, where a fixed dollar threshold would not.
 */
import { conditionPaths, lookupPath, type Condition, type Queryable } from '../../core/index.ts';

export const RANK_PREFIX = 'rank.';
/** The only values a rank can be taken of: a trigger event's property, stored on every journey. */
export const RANK_PATH = /^rank\.event\.properties\.([A-Za-z_$][\w$-]*)$/;
const WINDOW_MS = 30 * 86_400_000;
/** A sample this large ranks to within a point; the newest entries are kept. */
const SAMPLE = 2000;
/** The sample is refreshed at most this often (by Braid's clock). */
const REFRESH_MS = 3_600_000;

/** Paths under `rank.` that a condition reads. */
export function rankPaths(c: Condition): string[] {
  return conditionPaths(c, RANK_PREFIX);
}

/** Mid-rank of `v` in ascending `sorted`: the share below it, plus half the share equal to it. */
export function midRank(sorted: readonly number[], v: number): number {
  if (sorted.length === 0) return 0.5;
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m]! < v) lo = m + 1; else hi = m; }
  let eq = lo;
  while (eq < sorted.length && sorted[eq] === v) eq++;
  return (lo + (eq - lo) / 2) / sorted.length;
}

export type Ranker = (workerId: string, property: string, value: unknown, nowMs: number) => Promise<number | undefined>;

/** A ranker over worker_instances, with each (worker, property) sample cached for an hour. */
export function createRanker(db: Queryable): Ranker {
  const cache = new Map<string, { at: number; sorted: number[] }>();
  return async (workerId, property, value, nowMs) => {
    const v = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(v)) return undefined;
    const k = `${workerId}\u0000${property}`;
    let hit = cache.get(k);
    if (!hit || nowMs - hit.at >= REFRESH_MS || nowMs < hit.at) {
      const r = await db.query<{ v: string | null }>(
        `select ctx->'event'->'properties'->>$2 as v from worker_instances where worker_id = $1 and entered_at >= $3 order by entered_at desc limit $4`,
        [workerId, property, nowMs - WINDOW_MS, SAMPLE]);
      const sorted = r.rows.filter((x) => x.v !== null).map((x) => Number(x.v)).filter(Number.isFinite).sort((a, b) => a - b);
      cache.set(k, hit = { at: nowMs, sorted });
    }
    return midRank(hit.sorted, v);
  };
}

/**
 * The `rank` scope a condition sees: `{event: {properties: {NAME: rank}}}` for each asked path
 * (the definition admits only RANK_PATH), ranking the value found at the same path in `scope`.
 */
export async function rankScope(rank: Ranker | undefined, workerId: string, paths: readonly string[], scope: unknown, nowMs: number): Promise<Record<string, unknown>> {
  const properties: Record<string, unknown> = {};
  for (const p of paths) {
    const name = RANK_PATH.exec(p)?.[1];
    if (name !== undefined) properties[name] = await rank?.(workerId, name, lookupPath(scope, p.slice(RANK_PREFIX.length)), nowMs);
  }
  return { event: { properties } };
}
