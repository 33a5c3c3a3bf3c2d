/**
 * The console overview's lift chart: incremental contribution per shopper of one placement against
 * the global control group, week by week (cumulative windows ending each week), with the report's
 * confidence band. Unlike GET /v1/reports/holdout, a window without both arms is a null point, not
 * a 400: the console asks for every placement and must not fail on quiet ones.
 */
import { Type } from 'typebox';
import { BraidError, type Config, type HttpServer } from '../core/index.ts';
import type { CatalogCache } from '../modules/catalog/index.ts';
import type { DecisionService } from '../modules/decisioning/index.ts';
import type { ProfileService } from '../modules/profiles/index.ts';
import { reportHoldout } from '../modules/reports/index.ts';

const DAY = 86_400_000;

export interface LiftPoint {
  until: string; units: number; treated: number; control: number;
  /** Contribution per shopper, treated minus control, with its confidence interval; null without both arms (or with too few units for an interval). */
  lift: { estimate: number; ciLow: number; ciHigh: number } | null;
}

/** Week ends, oldest first, of `weeks` cumulative windows that all start `weeks` weeks before now. */
export function weekEnds(nowMs: number, weeks: number): number[] {
  return Array.from({ length: weeks }, (_, i) => nowMs - (weeks - 1 - i) * 7 * DAY);
}

export function registerConsoleLift(http: HttpServer, c: { decisioning: DecisionService; profiles: ProfileService; catalog: CatalogCache; config: Config; nowMs: () => number }): void {
  http.get('/v1/console/lift', {
    schema: {
      tags: ['reports'], summary: 'Weekly incremental contribution per shopper of a placement vs the global control group, with confidence bands (null where an arm is empty)',
      querystring: Type.Object({ placement: Type.String({ minLength: 1, maxLength: 100 }), weeks: Type.Integer({ minimum: 1, maximum: 26, default: 8 }) }),
    },
  }, async (req) => {
    const { placement, weeks } = req.query as { placement: string; weeks: number };
    const ends = weekEnds(c.nowMs(), weeks);
    const sinceMs = ends[0]! - 7 * DAY;
    const points: LiftPoint[] = [];
    // No exposure in the whole range: every window is empty, skip the order scans.
    if ((await c.decisioning.log.firstExposures({ placement, sinceMs, untilMs: ends[ends.length - 1]! })).length === 0) {
      return { placement, points: ends.map((u) => ({ until: new Date(u).toISOString(), units: 0, treated: 0, control: 0, lift: null })) };
    }
    // Every window reads the same orders: scan them once per request, not once per window.
    const pages = new Map<string, Awaited<ReturnType<ProfileService['scanOrders']>>>();
    const profiles: ProfileService = {
      ...c.profiles,
      scanOrders: async (after, limit) => {
        const key = `${after}:${limit}`;
        if (!pages.has(key)) pages.set(key, await c.profiles.scanOrders(after, limit));
        return pages.get(key)!;
      },
    };
    for (const untilMs of ends) {
      try {
        const r = await reportHoldout(
          { decisioning: c.decisioning, profiles, catalog: c.catalog, holdoutPct: c.config.brain.globalHoldoutPct, windowHours: c.config.brain.attributionWindowHours },
          { placement, sinceMs, untilMs },
        );
        const m = r.metrics.find((x) => x.metric === 'contribution');
        const cmp = m?.comparisons[0];
        const n = (arm: string) => r.arms.find((a) => a.arm === arm)?.n ?? 0;
        points.push({
          until: new Date(untilMs).toISOString(), units: r.units, treated: r.arms.filter((a) => a.arm !== r.control).reduce((s, a) => s + a.n, 0), control: n(r.control),
          lift: cmp && [cmp.absolute.estimate, cmp.absolute.ciLow, cmp.absolute.ciHigh].every(Number.isFinite)
            ? { estimate: cmp.absolute.estimate, ciLow: cmp.absolute.ciLow, ciHigh: cmp.absolute.ciHigh } : null,
        });
      } catch (e) {
        if (!(e instanceof BraidError) || e.status !== 400) throw e;
        points.push({ until: new Date(untilMs).toISOString(), units: 0, treated: 0, control: 0, lift: null });
      }
    }
    return { placement, points };
  });
}
