/**
 * Placement reports over HTTP: a placement's incrementality against the persistent global control
 * group, with the same body as a worker's report (conversion, revenue, AOV, contribution, discount,
 * contact cost, messages, unsubscribes per shopper; Welch and delta-method CIs, CUPED, SRM, cost
 * per incremental dollar; per cohort) and as a time series. The unit is a shopper decided for at
 * the placement, from their FIRST decision there in the period (docs/proof.md). Aggregated in SQL
 * like the worker reports, so a million shoppers move a few rows.
 *
 * `GET /v1/reports/holdout?placement=` is the older address of the same report (default period:
 * the last 30 days).
 */
import { Type } from 'typebox';
import type { HttpServer } from '../../core/index.ts';
import { nullifyNonFinite } from './reports.routes.ts';
import { AsOf, Fresh, Period, SeriesPoints, SeriesQuery, bodyFields, errors, periodOf, tags } from './reports.workers.schemas.ts';
import type { ReportSnapshots } from './reports.snapshots.ts';
import { seriesSnapshotOf, snapshotOf } from './reports.workers.routes.ts';
import type { WorkerReportQuery, WorkerReports } from './reports.workers.service.ts';
import { COHORTS, type Cohort } from './reports.workers.store.ts';

const DAY = 86_400_000;
const Placement = Type.String({ minLength: 1, maxLength: 100, description: 'A decision placement, e.g. checkout_assist' });
const PlacementReportSchema = Type.Object({
  placement: Type.String(), since: Type.String(), until: Type.String(), windowHours: Type.Number(), ...AsOf,
  ...bodyFields,
  cohort: Type.Optional(Type.String()),
  cohorts: Type.Optional(Type.Array(Type.Object({ cohort: Type.String(), ...bodyFields }))),
});
const ReportQuery = {
  ...Period, ...Fresh,
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Shoppers first decided for at the placement from (default: 90 days before until; 30 on /v1/reports/holdout)' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Shoppers first decided for before (default: now)' })),
  cohort: Type.Optional(Type.Union(COHORTS.map((c) => Type.Literal(c)), { description: 'Also report per lifecycle stage, value tier or marketing channels granted' })),
  windowHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 366, description: 'Outcome window after the first decision, hours (default BRAID_ATTRIBUTION_WINDOW_HOURS)' })),
};
type Query = { since?: string; until?: string; alpha?: number; cohort?: Cohort; windowHours?: number };

export function registerPlacementReportRoutes(http: HttpServer, reports: WorkerReports, snapshots: ReportSnapshots, nowMs: () => number): void {
  const snap = snapshotOf(snapshots);
  const series = seriesSnapshotOf(snapshots, nowMs);
  const one = {
    schema: {
      tags, summary: 'A placement\'s incrementality against the global control group: conversion, revenue, AOV, contribution, discount, contact cost, messages, unsubscribes per shopper decided for; Welch and delta-method CIs, CUPED, SRM, cost per incremental dollar; per cohort',
      params: Type.Object({ placement: Placement }),
      querystring: Type.Object(ReportQuery),
      response: { 200: PlacementReportSchema, ...errors },
    },
  };
  const report = (placement: string, q: Query, base: WorkerReportQuery = {}) =>
    reports.placement(placement, { ...base, ...periodOf(q), cohort: q.cohort, windowHours: q.windowHours }).then(nullifyNonFinite);
  http.get('/v1/reports/placements/:placement', one, async (req) => snap(req, () => report((req.params as { placement: string }).placement, req.query as Query)));

  http.get('/v1/reports/holdout', {
    schema: {
      tags, summary: 'The placement report at its older address (GET /v1/reports/placements/{placement}); default period the last 30 days',
      querystring: Type.Object({ placement: Placement, ...ReportQuery }),
      response: one.schema.response,
    },
  }, async (req) => {
    const q = req.query as Query & { placement: string };
    return snap(req, () => {
      const untilMs = q.until ? Date.parse(q.until) : nowMs(); // now when computed (a refreshed snapshot moves with it)
      return report(q.placement, q, { untilMs, sinceMs: untilMs - 30 * DAY });
    });
  });

  http.get('/v1/reports/placements/:placement/series', {
    schema: {
      tags, summary: 'A placement\'s incremental contribution vs the global control group over time: per bucket of first-decision time, the cumulative estimate with its 95% interval',
      params: Type.Object({ placement: Placement }),
      querystring: SeriesQuery,
      response: {
        200: Type.Object({
          placement: Type.String(), since: Type.String(), until: Type.String(), bucketMs: Type.Number(), ...AsOf,
          points: SeriesPoints,
        }), ...errors,
      },
    },
  }, async (req) => series(req, (q) => reports.placementSeries((req.params as { placement: string }).placement, q)));
}
