/**
 * The console overview's lift chart: incremental contribution per shopper of one placement against
 * the global control group, week by week (cumulative windows ending each week), with the report's
 * confidence band. Unlike GET /v1/reports/holdout, a window without both arms is a null point, not
 * a 400: the console asks for every placement and must not fail on quiet ones. Aggregated in SQL
 * (reports' placementLiftBuckets): a request reads a few rows per week, never every order.
 */
import { Type } from 'typebox';
import type { Config, HttpServer, Queryable } from '../core/index.ts';
import type { DecisionService } from '../modules/decisioning/index.ts';
import { buildLiftPoints, placementLiftBuckets } from '../modules/reports/index.ts';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** Week ends, oldest first, of `weeks` cumulative windows that all start `weeks` weeks before now. */
export function weekEnds(nowMs: number, weeks: number): number[] {
  return Array.from({ length: weeks }, (_, i) => nowMs - (weeks - 1 - i) * WEEK);
}

export function registerConsoleLift(http: HttpServer, c: { db: Queryable; decisioning: DecisionService; config: Config; nowMs: () => number }): void {
  http.get('/v1/console/lift', {
    schema: {
      tags: ['reports'], summary: 'Weekly incremental contribution per shopper of a placement vs the global control group, with confidence bands (null where an arm is empty)',
      querystring: Type.Object({ placement: Type.String({ minLength: 1, maxLength: 100 }), weeks: Type.Integer({ minimum: 1, maximum: 26, default: 8 }) }),
      response: {
        200: Type.Object({
          placement: Type.String(),
          points: Type.Array(Type.Object({
            until: Type.String(), units: Type.Integer(), treated: Type.Integer(), control: Type.Integer(),
            lift: Type.Union([Type.Object({ estimate: Type.Number(), ciLow: Type.Number(), ciHigh: Type.Number() }), Type.Null()]),
          })),
        }),
      },
    },
  }, async (req) => {
    const { placement, weeks } = req.query as { placement: string; weeks: number };
    const ends = weekEnds(c.nowMs(), weeks);
    const sinceMs = ends[0]! - WEEK;
    await c.decisioning.log.flush(); // this process's buffered decisions count too
    const buckets = await placementLiftBuckets(c.db, { placement, sinceMs, untilMs: ends[ends.length - 1]!, bucketMs: WEEK, windowMs: c.config.brain.attributionWindowHours * 3_600_000 });
    return { placement, points: buildLiftPoints(buckets, ends, c.config.brain.globalHoldoutPct) };
  });
}
