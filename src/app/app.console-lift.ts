/**
 * The console overview's lift chart: incremental contribution per shopper of one placement against
 * the global control group, week by week (cumulative windows ending each week), with the report's
 * confidence band. Unlike GET /v1/reports/placements/{placement}, a window without both arms is a
 * null point: the console asks for every placement and must not fail on quiet ones. It is the
 * placement report's series (one SQL aggregate: a request reads a few rows per week, never every
 * order), so the last point equals the placement report over the same period.
 */
import { Type } from 'typebox';
import type { HttpServer } from '../core/index.ts';
import { snapshotOf, type ReportSnapshots, type WorkerReports } from '../modules/reports/index.ts';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** Week ends, oldest first, of `weeks` cumulative windows that all start `weeks` weeks before now. */
export function weekEnds(nowMs: number, weeks: number): number[] {
  return Array.from({ length: weeks }, (_, i) => nowMs - (weeks - 1 - i) * WEEK);
}

export function registerConsoleLift(http: HttpServer, c: { reports: WorkerReports; snapshots: ReportSnapshots; nowMs: () => number }): void {
  const snap = snapshotOf(c.snapshots);
  http.get('/v1/console/lift', {
    schema: {
      tags: ['reports'], summary: 'Weekly incremental contribution per shopper of a placement vs the global control group, with confidence bands (null where an arm is empty)',
      querystring: Type.Object({
        placement: Type.String({ minLength: 1, maxLength: 100 }), weeks: Type.Integer({ minimum: 1, maximum: 26, default: 8 }),
        fresh: Type.Optional(Type.Boolean({ description: 'Compute live instead of serving the stored snapshot' })),
      }),
      response: {
        200: Type.Object({
          placement: Type.String(), asOf: Type.Optional(Type.String({ format: 'date-time', description: 'When this body was computed' })),
          points: Type.Array(Type.Object({
            until: Type.String(), units: Type.Integer(), treated: Type.Integer(), control: Type.Integer(),
            lift: Type.Union([Type.Object({ estimate: Type.Number(), ciLow: Type.Number(), ciHigh: Type.Number() }), Type.Null()]),
          })),
        }),
      },
    },
  }, async (req) => {
    const { placement, weeks } = req.query as { placement: string; weeks: number };
    return snap(req, async () => {
      const ends = weekEnds(c.nowMs(), weeks);
      const series = await c.reports.placementSeries(placement, { sinceMs: ends[0]! - WEEK, untilMs: ends[ends.length - 1]!, bucketMs: WEEK });
      return {
        placement,
        points: series.points.map((p) => {
          const e = p.cumulative.contributionPerShopper;
          const lift = e && [e.estimate, e.ciLow, e.ciHigh].every(Number.isFinite) ? { estimate: e.estimate, ciLow: e.ciLow, ciHigh: e.ciHigh } : null;
          return { until: p.end, units: p.cumulative.treated + p.cumulative.holdout, treated: p.cumulative.treated, control: p.cumulative.holdout, lift };
        }),
      };
    });
  });
}
