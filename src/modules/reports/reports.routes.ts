/**
 * Reports HTTP routes (admin scope). The experiment import takes the CSV file itself as the body
 * (any Content-Type) and the column mapping in the query string, so `curl --data-binary @file`
 * works; larger files go in chunks to /rows. Numbers that are undefined (no variance, no units)
 * are returned as null.
 */
import { Type } from 'typebox';
import { invalid, type HttpServer } from '../../core/index.ts';
import type { ReportOptions, ReportsService } from './reports.service.ts';
import type { ExperimentMapping } from './reports.types.ts';

const tags = ['reports'];
const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;

const Num = Type.Union([Type.Number(), Type.Null()]);
const ErrorSchema = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema };

const ExperimentSchema = Type.Object({
  id: Type.String(), name: Type.String(), armColumn: Type.String(), unitColumn: Type.Union([Type.String(), Type.Null()]),
  outcomes: Type.Array(Type.String()), covariates: Type.Array(Type.String()), numericCovariates: Type.Array(Type.String()),
  control: Type.Union([Type.String(), Type.Null()]), weights: Type.Union([Type.Record(Type.String(), Type.Number()), Type.Null()]),
  ratios: Type.Record(Type.String(), Type.Array(Type.String())),
  units: Type.Integer(), arms: Type.Array(Type.Object({ arm: Type.String(), units: Type.Integer() })),
  createdAt: Type.String(), updatedAt: Type.String(),
});
const ImportSchema = Type.Object({
  experiment: ExperimentSchema, rows: Type.Integer(), imported: Type.Integer(), errorCount: Type.Integer(),
  errors: Type.Array(Type.Object({ line: Type.Integer(), field: Type.String(), message: Type.String() })),
});
const EstimateSchema = Type.Object({ estimate: Num, stdError: Num, ciLow: Num, ciHigh: Num, pValue: Num, df: Num });
const ReportSchema = Type.Object({
  experiment: ExperimentSchema,
  control: Type.String(), alpha: Type.Number(),
  arms: Type.Array(Type.Object({ arm: Type.String(), n: Type.Integer(), share: Type.Number() })),
  srm: Type.Object({ chiSquare: Num, df: Type.Integer(), pValue: Num, expected: Type.Array(Type.Number()), mismatch: Type.Boolean(), arms: Type.Array(Type.String()) }),
  metrics: Type.Array(Type.Object({
    metric: Type.String(), kind: Type.String(),
    arms: Type.Array(Type.Object({ arm: Type.String(), n: Type.Integer(), mean: Num, stdDev: Num })),
    comparisons: Type.Array(Type.Object({
      arm: Type.String(), absolute: EstimateSchema, relative: EstimateSchema,
      cuped: Type.Optional(Type.Object({ covariate: Type.String(), theta: Num, varianceReduction: Num, absolute: EstimateSchema, relative: EstimateSchema })),
    })),
  })),
});
const UpliftSchema = Type.Object({
  treatment: Type.String(), control: Type.String(), outcome: Type.String(), kind: Type.String(), features: Type.Array(Type.String()),
  train: Type.Object({ units: Type.Integer(), treated: Type.Integer(), control: Type.Integer() }),
  test: Type.Object({ units: Type.Integer(), treated: Type.Integer(), control: Type.Integer() }),
  qiniCoefficient: Num, qiniArea: Num, qiniAreaRandom: Num, auuc: Num, auucRandom: Num, averageTreatmentEffect: Num,
  topFraction: Type.Number(), upliftAtTop: Num, randomUpliftAtTop: Num,
  curve: Type.Array(Type.Object({ fraction: Type.Number(), qini: Num, uplift: Num })),
});

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const List = (description: string) => Type.Optional(Type.String({ maxLength: 4000, description }));

/** Replaces NaN and ±Infinity by null, recursively (JSON has no NaN). */
export function nullifyNonFinite<T>(v: T): T {
  if (typeof v === 'number') return (Number.isFinite(v) ? v : null) as T;
  if (Array.isArray(v)) return v.map(nullifyNonFinite) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nullifyNonFinite(x)])) as T;
  return v;
}

function splitList(s: string | undefined): string[] | undefined {
  return s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean);
}

/** `name:numerator/denominator,...` */
export function parseRatiosParam(s: string | undefined, field = 'ratios'): Record<string, [string, string]> | undefined {
  if (s === undefined) return undefined;
  const out: Record<string, [string, string]> = {};
  for (const part of splitList(s)!) {
    const m = /^([^:]+):([^/]+)\/(.+)$/.exec(part);
    if (!m) throw invalid(field, `"${part}" must look like name:numerator/denominator`);
    out[m[1]!.trim()] = [m[2]!.trim(), m[3]!.trim()];
  }
  return out;
}

/** `arm:weight,...` */
export function parseWeightsParam(s: string | undefined): Record<string, number> | undefined {
  if (s === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const part of splitList(s)!) {
    const i = part.lastIndexOf(':');
    const w = Number(part.slice(i + 1));
    if (i <= 0 || !(w > 0)) throw invalid('weights', `"${part}" must look like arm:weight with weight > 0`);
    out[part.slice(0, i).trim()] = w;
  }
  return out;
}

interface ImportQuery { name: string; arm: string; outcomes: string; covariates?: string; unit?: string; control?: string; weights?: string; ratios?: string }

export function registerReportRoutes(app: HttpServer, reports: ReportsService): void {
  app.post('/v1/reports/experiments', {
    config: { scope: 'admin', rawBody: true },
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      tags, summary: 'Import a past randomized experiment (CSV)',
      description: 'The CSV file is the body (header row first; comma- or tab-separated). The query maps its columns: one row per unit, its arm, numeric outcomes and pre-assignment covariates. Bad rows are reported by line and skipped.',
      consumes: ['text/csv', 'text/plain'],
      querystring: Type.Object({
        name: Type.String({ minLength: 1, maxLength: 200 }),
        arm: Type.String({ minLength: 1, maxLength: 64, description: 'Column with the arm of each unit' }),
        outcomes: Type.String({ minLength: 1, maxLength: 4000, description: 'Comma-separated numeric outcome columns' }),
        covariates: List('Comma-separated covariate columns (numeric or categorical)'),
        unit: Type.Optional(Type.String({ maxLength: 64, description: 'Column with a unit id (default: row number)' })),
        control: Type.Optional(Type.String({ maxLength: 200, description: 'Default control arm' })),
        weights: List('Intended split for the SRM check, arm:weight,... (default equal)'),
        ratios: List('Ratio metrics, name:numerator/denominator,... (e.g. aov:spend/conversion)'),
      }),
      body: Type.String({ description: 'CSV file contents' }),
      response: { 200: ImportSchema, ...errors },
    },
  }, async (req) => {
    const q = req.query as ImportQuery;
    const mapping: ExperimentMapping = { name: q.name, arm: q.arm, outcomes: splitList(q.outcomes)!, covariates: splitList(q.covariates) ?? [] };
    if (q.unit) mapping.unit = q.unit;
    if (q.control) mapping.control = q.control;
    const weights = parseWeightsParam(q.weights);
    if (weights) mapping.weights = weights;
    const ratios = parseRatiosParam(q.ratios);
    if (ratios) mapping.ratios = ratios;
    return nullifyNonFinite(await reports.importExperiment(mapping, req.body as string));
  });

  app.post('/v1/reports/experiments/:id/rows', {
    config: { scope: 'admin', rawBody: true },
    bodyLimit: IMPORT_BODY_LIMIT,
    schema: {
      tags, summary: 'Add rows to an imported experiment (a CSV chunk with the same header)',
      params: Id,
      querystring: Type.Object({ firstUnit: Type.Optional(Type.Integer({ minimum: 1, description: 'Data-row number of the chunk\'s first row, for experiments without a unit column' })) }),
      body: Type.String(), response: { 200: ImportSchema, ...errors },
    },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const { firstUnit } = req.query as { firstUnit?: number };
    return nullifyNonFinite(await reports.appendRows(id, req.body as string, firstUnit === undefined ? {} : { firstUnit }));
  });

  app.get('/v1/reports/experiments', {
    schema: { tags, summary: 'Imported experiments, newest first', response: { 200: Type.Object({ experiments: Type.Array(ExperimentSchema) }), 401: ErrorSchema } },
  }, async () => ({ experiments: await reports.list() }));

  app.get('/v1/reports/experiments/:id', {
    schema: {
      tags, summary: 'Experiment report: per-arm means, lift vs control with Welch CIs, delta-method relative lift, p-values, SRM, CUPED',
      params: Id,
      querystring: Type.Object({
        control: Type.Optional(Type.String({ maxLength: 200 })),
        cuped: Type.Optional(Type.String({ maxLength: 64, description: 'Numeric pre-period covariate for CUPED' })),
        alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.5, description: '1 − confidence level (default 0.05)' })),
        ratios: List('Ratio metrics name:numerator/denominator,... (default: the experiment\'s)'),
      }),
      response: { 200: ReportSchema, ...errors },
    },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const q = req.query as { control?: string; cuped?: string; alpha?: number; ratios?: string };
    const opts: ReportOptions = {};
    if (q.control) opts.control = q.control;
    if (q.cuped) opts.cuped = q.cuped;
    if (q.alpha !== undefined) opts.alpha = q.alpha;
    const ratios = parseRatiosParam(q.ratios);
    if (ratios) opts.ratios = ratios;
    return nullifyNonFinite(await reports.report(id, opts));
  });

  app.get('/v1/reports/experiments/:id/uplift', {
    schema: {
      tags, summary: 'Uplift model (two-model) trained on half the units, Qini/AUUC on the other half',
      params: Id,
      querystring: Type.Object({
        treatment: Type.String({ minLength: 1, maxLength: 200 }), control: Type.String({ minLength: 1, maxLength: 200 }),
        outcome: Type.String({ minLength: 1, maxLength: 64 }),
        features: List('Covariates to use (default all)'),
        seed: Type.Optional(Type.String({ maxLength: 100 })),
        top: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'k of uplift at top k (default 0.3)' })),
      }),
      response: { 200: UpliftSchema, ...errors },
    },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const q = req.query as { treatment: string; control: string; outcome: string; features?: string; seed?: string; top?: number };
    const features = splitList(q.features);
    return nullifyNonFinite(await reports.uplift(id, {
      treatment: q.treatment, control: q.control, outcome: q.outcome,
      ...(features ? { features } : {}), ...(q.seed ? { seed: q.seed } : {}), ...(q.top !== undefined ? { topFraction: q.top } : {}),
    }));
  });
}
