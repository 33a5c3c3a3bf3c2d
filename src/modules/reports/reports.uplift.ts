/**
 * Uplift targeting from a randomized experiment: who responds to the treatment because of it?
 * Units of the treatment and control arms are split at random (by a seeded hash of the unit id)
 * into a training and a test half; a two-model uplift (stats.fitTwoModelUplift) is fitted on the
 * training half and scores the test half, where the Qini curve, Qini coefficient, AUUC and the
 * uplift among the top-scored k% are measured against random targeting.
 *
 * Features (buildFeatureEncoder), learned from the training half only:
 *   numeric covariate      → its value (a missing value → 0, plus a `name=missing` 0/1 indicator
 *                            when any is missing); regression standardizes internally
 *   categorical covariate  → one 0/1 indicator per level except the most frequent (the reference);
 *                            a level unseen in training encodes as the reference
 */
import { invalid } from '../../core/index.ts';
import {
  computeUpliftAtTop, computeUpliftCurves, createRng, evaluateUpliftScores, fitTwoModelUplift, predictUplift, sampleUpliftCurve, type OutcomeKind,
  type UpliftEvaluation,
} from '../stats/index.ts';
import type { UnitRow } from './reports.types.ts';

export interface FeatureEncoder {
  names: string[];
  encode(row: UnitRow): number[];
}

export function buildFeatureEncoder(rows: readonly UnitRow[], covariates: readonly string[]): FeatureEncoder {
  const names: string[] = [];
  const parts: Array<(row: UnitRow, out: number[]) => void> = [];
  for (const c of covariates) {
    const values = rows.map((r) => r.covariates[c] ?? null);
    const categorical = values.some((v) => typeof v === 'string');
    if (!categorical) {
      const anyMissing = values.some((v) => v === null);
      names.push(c);
      if (anyMissing) names.push(`${c}=missing`);
      parts.push((row, out) => {
        const v = row.covariates[c];
        out.push(typeof v === 'number' ? v : 0);
        if (anyMissing) out.push(typeof v === 'number' ? 0 : 1);
      });
      continue;
    }
    const counts = new Map<string, number>();
    for (const v of values) { const k = v === null ? '' : String(v); counts.set(k, (counts.get(k) ?? 0) + 1); }
    const levels = [...counts.keys()].sort();
    const reference = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    const kept = levels.filter((l) => l !== reference);
    for (const l of kept) names.push(`${c}=${l === '' ? 'missing' : l}`);
    parts.push((row, out) => {
      const v = row.covariates[c];
      const k = v === null || v === undefined ? '' : String(v);
      for (const l of kept) out.push(k === l ? 1 : 0);
    });
  }
  return { names, encode: (row) => { const out: number[] = []; for (const p of parts) p(row, out); return out; } };
}

export interface UpliftOptions {
  treatment: string;
  control: string;
  outcome: string;
  /** Default: binary when every value is 0 or 1, else continuous. */
  kind?: OutcomeKind;
  /** Covariates used as features (default: all the experiment's). */
  features?: string[];
  /** Share of units used for training (default 0.5). */
  trainFraction?: number;
  /** Seed of the train/test split (default 'braid-uplift'). */
  seed?: string;
  /** The k of "uplift at top k" (default 0.3). */
  topFraction?: number;
  /** L2 penalty of the two regressions (default 1e-3). */
  l2?: number;
}

/** Qini, AUUC and the average effect (stats' evaluation) on the test half, with the experiment's split. */
export interface UpliftReport extends UpliftEvaluation {
  treatment: string;
  control: string;
  outcome: string;
  kind: OutcomeKind;
  features: string[];
  train: { units: number; treated: number; control: number };
  test: { units: number; treated: number; control: number };
  topFraction: number;
  upliftAtTop: number;
  randomUpliftAtTop: number;
  /** Qini and uplift curves at every 10% of the test population. */
  curve: Array<{ fraction: number; qini: number; uplift: number }>;
}

function counts(rows: readonly UnitRow[], treatment: string) {
  const treated = rows.filter((r) => r.arm === treatment).length;
  return { units: rows.length, treated, control: rows.length - treated };
}

/** Trains on one part of the units, evaluates on the rest. `outcomes` names the columns of UnitRow.outcomes. */
export function evaluateUplift(rows: readonly UnitRow[], outcomes: readonly string[], covariates: readonly string[], opts: UpliftOptions): UpliftReport {
  const oi = outcomes.indexOf(opts.outcome);
  if (oi < 0) throw invalid('outcome', `${opts.outcome} is not an outcome (${outcomes.join(', ')})`);
  if (opts.treatment === opts.control) throw invalid('treatment', 'must differ from control');
  const features = opts.features ?? [...covariates];
  features.forEach((f, i) => { if (!covariates.includes(f)) throw invalid(`features[${i}]`, `${f} is not a covariate`); });
  const trainFraction = opts.trainFraction ?? 0.5, topFraction = opts.topFraction ?? 0.3, seed = opts.seed ?? 'braid-uplift';
  if (!(trainFraction > 0 && trainFraction < 1)) throw invalid('trainFraction', 'must be in (0, 1)');
  if (!(topFraction > 0 && topFraction <= 1)) throw invalid('topFraction', 'must be in (0, 1]');

  const units = rows.filter((r) => r.arm === opts.treatment || r.arm === opts.control);
  const train: UnitRow[] = [], test: UnitRow[] = [];
  for (const r of units) (createRng(`${seed}:${r.unitId}`).next() < trainFraction ? train : test).push(r);
  for (const [name, part] of [['training', train], ['test', test]] as const) {
    const c = counts(part, opts.treatment);
    if (c.treated < 2 || c.control < 2) throw invalid('treatment', `the ${name} half needs treated and control units (has ${c.treated} and ${c.control})`);
  }
  const y = (r: UnitRow) => r.outcomes[oi]!;
  const kind: OutcomeKind = opts.kind ?? (units.every((r) => y(r) === 0 || y(r) === 1) ? 'binary' : 'continuous');

  const encoder = buildFeatureEncoder(train, features);
  const model = fitTwoModelUplift(train.map(encoder.encode), train.map(y), train.map((r) => r.arm === opts.treatment), kind, { l2: opts.l2 ?? 1e-3 });
  const scores = test.map((r) => predictUplift(model, encoder.encode(r)));
  const ys = test.map(y), ts = test.map((r) => r.arm === opts.treatment);
  const ev = evaluateUpliftScores(scores, ys, ts);
  return {
    treatment: opts.treatment, control: opts.control, outcome: opts.outcome, kind, features: encoder.names,
    train: counts(train, opts.treatment), test: counts(test, opts.treatment),
    ...ev,
    topFraction,
    upliftAtTop: computeUpliftAtTop(scores, ys, ts, topFraction),
    randomUpliftAtTop: ev.averageTreatmentEffect,
    curve: sampleUpliftCurve(computeUpliftCurves(scores, ys, ts), 10),
  };
}
