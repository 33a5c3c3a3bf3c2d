/**
 * Worker reports over HTTP (admin): incrementality per worker against its holdout, for all
 * workers against the global control group (`/v1/reports/workers/_all`, also
 * `/v1/reports/overview`), per cohort, as a time series, and last-touch attribution beside it.
 * Undefined numbers (no variance, an empty arm) are null. docs/proof.md describes the method.
 * The reports the console opens are served from snapshots (reports.snapshots) with `asOf`;
 * `?fresh=true` computes them live.
 */
import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpServer } from '../../core/index.ts';
import { nullifyNonFinite } from './reports.routes.ts';
import { COHORTS, type Cohort } from './reports.workers.store.ts';
import { ALL_WORKERS, type WorkerReports } from './reports.workers.service.ts';
import {
  AsOf, errors, Fresh, Id, Incremental, Nullable, Num, Period, periodOf, SeriesPoints, SeriesQuery, seriesQueryOf, tags, Units, WorkerReportSchema,
} from './reports.workers.schemas.ts';
import { registerArmsReportRoute } from './reports.arms.routes.ts';
import { snapshotKey, type ReportSnapshots } from './reports.snapshots.ts';

/** Serves the route's body from its snapshot (keyed by the request's path and query), or computes it. */
export function snapshotOf(snapshots: ReportSnapshots) {
  return <T extends object>(req: FastifyRequest, compute: () => Promise<T>) =>
    snapshots.serve(snapshotKey(req.url), compute, { fresh: (req.query as { fresh?: boolean }).fresh });
}

type SeriesRaw = { since?: string; until?: string; alpha?: number; bucket?: string };
/**
 * Serves a series route (a worker's or a placement's): the query is checked first, so a bad one is
 * a 400 before any snapshot is looked up; the default period is taken when the body is computed, so
 * a refreshed snapshot covers up to its own asOf.
 */
export function seriesSnapshotOf(snapshots: ReportSnapshots, nowMs: () => number) {
  const snap = snapshotOf(snapshots);
  return <T extends object>(req: FastifyRequest, compute: (q: ReturnType<typeof seriesQueryOf>) => Promise<T>) => {
    const raw = req.query as SeriesRaw;
    seriesQueryOf(raw, nowMs());
    return snap(req, async () => nullifyNonFinite(await compute(seriesQueryOf(raw, nowMs()))));
  };
}

export function registerWorkerReportRoutes(http: HttpServer, reports: WorkerReports, snapshots: ReportSnapshots, nowMs: () => number): void {
  const snap = snapshotOf(snapshots);
  const series = seriesSnapshotOf(snapshots, nowMs);
  http.get('/v1/reports/workers', {
    schema: {
      tags, summary: 'Every worker\'s incrementality against its holdout (and _all: all workers against the global control group)',
      querystring: Type.Object({ ...Period, ...Fresh }),
      response: {
        200: Type.Object({
          since: Type.String(), until: Type.String(), windowHours: Type.Number(), ...AsOf,
          workers: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), status: Type.String(), units: Units, srmMismatch: Nullable(Type.Boolean()), incremental: Incremental })),
        }), ...errors,
      },
    },
  }, async (req) => snap(req, async () => nullifyNonFinite(await reports.list(periodOf(req.query)))));

  const one = {
    schema: {
      tags, summary: 'A worker\'s incrementality against its holdout: conversion, revenue, AOV, contribution, discount, contact cost, messages, unsubscribes per shopper entered; Welch and delta-method CIs, CUPED, SRM; per cohort',
      params: Id,
      querystring: Type.Object({
        ...Period, ...Fresh, cohort: Type.Optional(Type.Union(COHORTS.map((c) => Type.Literal(c)), { description: 'Also report per lifecycle stage, value tier or most responsive channel' })),
        windowHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 366, description: 'Outcome window after each entry, hours (default BRAID_ATTRIBUTION_WINDOW_HOURS): e.g. the whole period, to count every order after a shopper\'s first entry' })),
      }),
      response: { 200: Type.Object({ ...WorkerReportSchema.properties, ...AsOf }), ...errors },
    },
  };
  http.get('/v1/reports/workers/:id', one, async (req) => {
    const q = req.query as { since?: string; until?: string; alpha?: number; cohort?: Cohort; windowHours?: number };
    return snap(req, async () => nullifyNonFinite(await reports.worker((req.params as { id: string }).id, { ...periodOf(q), cohort: q.cohort, windowHours: q.windowHours })));
  });
  http.get('/v1/reports/overview', {
    schema: { tags, summary: `All workers together against the global control group (same as /v1/reports/workers/${ALL_WORKERS})`, querystring: one.schema.querystring, response: one.schema.response },
  }, async (req) => {
    const q = req.query as { since?: string; until?: string; alpha?: number; cohort?: Cohort; windowHours?: number };
    return snap(req, async () => nullifyNonFinite(await reports.worker(ALL_WORKERS, { ...periodOf(q), cohort: q.cohort, windowHours: q.windowHours })));
  });

  http.get('/v1/reports/workers/:id/series', {
    schema: {
      tags, summary: 'Incremental contribution vs holdout over time: per bucket of entry time, the cumulative estimate with its 95% interval',
      params: Id,
      querystring: SeriesQuery,
      response: {
        200: Type.Object({
          worker: Type.String(), since: Type.String(), until: Type.String(), bucketMs: Type.Number(), ...AsOf,
          points: SeriesPoints,
        }), ...errors,
      },
    },
  }, async (req) => series(req, (q) => reports.series((req.params as { id: string }).id, q)));

  const Count = Type.Object({ units: Type.Integer(), treated: Type.Integer(), control: Type.Integer() });
  http.get('/v1/reports/workers/:id/uplift', {
    schema: {
      tags, summary: 'A worker\'s uplift targeting (entry.uplift): the model\'s Qini coefficient, AUUC and uplift at the top 30% on a held-out half of its journeys, against random targeting, and how journeys were admitted',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
      querystring: Type.Object({ since: Period.since, until: Period.until }),
      response: {
        200: Type.Object({
          worker: Type.Object({ id: Type.String(), name: Nullable(Type.String()) }), since: Type.String(), until: Type.String(),
          spec: Nullable(Type.Object({ minScore: Type.Number(), outcome: Type.String(), model: Type.String(), explorePct: Type.Number(), minUnits: Type.Integer(), retrainHours: Type.Number() })),
          model: Nullable(Type.Object({
            trainedAt: Type.String(), outcome: Type.String(), method: Type.String(), features: Type.Array(Type.String()),
            evaluation: Type.Object({
              train: Count, test: Count, qiniCoefficient: Num, qiniArea: Num, qiniAreaRandom: Num, auuc: Num, auucRandom: Num,
              averageTreatmentEffect: Num, topFraction: Type.Number(), upliftAtTop: Num, minScore: Type.Number(), admittedShare: Num,
              upliftAdmitted: Num, upliftSkipped: Num,
              curve: Type.Array(Type.Object({ fraction: Type.Number(), qini: Num, uplift: Num })),
            }),
          })),
          admissions: Type.Array(Type.Object({ admitted: Type.String({ description: 'score, explore, no_model (no model yet: everyone enters) or untargeted' }), arm: Type.String(), n: Type.Integer() })),
        }), ...errors,
      },
    },
  }, async (req) => nullifyNonFinite(await reports.uplift((req.params as { id: string }).id, periodOf(req.query))));

  http.get('/v1/reports/attribution', {
    schema: {
      tags, summary: 'Last-touch attribution of orders to worker messages and decisions (what others report), beside each worker\'s holdout-based incrementality (the truth)',
      querystring: Type.Object({ ...Period, since: Type.Optional(Type.String({ format: 'date-time', description: 'Orders from (default: 90 days before until)' })), until: Type.Optional(Type.String({ format: 'date-time', description: 'Orders before (default: now)' })) }),
      response: {
        200: Type.Object({
          since: Type.String(), until: Type.String(), windowHours: Type.Number(), orders: Type.Integer(), revenue: Type.Number(), contribution: Type.Number(),
          unattributed: Type.Object({ orders: Type.Integer(), revenue: Type.Number(), contribution: Type.Number() }),
          touches: Type.Array(Type.Object({
            kind: Type.String({ description: 'worker (a message) or placement (a decision)' }), id: Type.String(),
            orders: Type.Integer(), revenue: Type.Number(), contribution: Type.Number(), incremental: Nullable(Incremental),
          })),
        }), ...errors,
      },
    },
  }, async (req) => nullifyNonFinite(await reports.attribution(periodOf(req.query))));

  registerArmsReportRoute(http, reports, snap);
}
