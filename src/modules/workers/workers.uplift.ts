/**
 * Uplift targeting for a worker (`entry.uplift`): admit only shoppers whose predicted incremental
 * response to the worker is at least `minScore` — treat the persuadables, leave the sure things
 * (who buy anyway) and the sleeping dogs (who buy less when contacted) alone.
 *
 * The model learns from the worker's own randomized journeys: the first journey of each shopper,
 * treated or in the worker holdout (never the global control group), with the features recorded
 * at entry and the outcome in the attribution window after it. Two-model (one regression per arm,
 * stats.fitTwoModelUplift) or transformed outcome (stats.fitTransformedOutcomeUplift). Half of the
 * shoppers (a hash of the profile id) train it, the other half measure it: Qini coefficient, AUUC,
 * uplift among the top 30%, and the observed uplift among those the threshold would admit or skip.
 *
 * The targeting is applied BEFORE the holdout split, so the holdout and the treated arm are drawn
 * from the same targeted population and the worker report measures exactly what the worker does.
 * `explorePct` of the shoppers below the threshold are admitted anyway (by a hash of the entry), so
 * later training data still cover everyone; selection on the features alone keeps E[y | x, arm]
 * unbiased where the data reach.
 *
 * Everything here is pure; the engine records features at entry, the store reads the training rows.
 */
import {
  computeUpliftAtTop, computeUpliftCurves, evaluateUpliftScores, fitTransformedOutcomeUplift, fitTwoModelUplift, predictTransformedOutcome, predictUplift,
  sampleUpliftCurve, type LinearModel, type OutcomeKind, type UpliftEvaluation as ScoreEvaluation,
} from '../stats/index.ts';
import type { ProfileState } from '../profiles/index.ts';
import type { UpliftSpec, UpliftStamp } from './workers.types.ts';

const DAY = 86_400_000;

/**
 * The features, measured from the profile when the shopper enters: behaviour only, never a trait
 * (so no sensitive trait can reach the model, whatever BRAID_SENSITIVE_TRAITS lists).
 */
export const UPLIFT_FEATURES = [
  'orders', // log(1 + orders placed)
  'net_revenue', // log(1 + revenue − refunds)
  'never_ordered', // 1 when no order yet
  'days_since_last_order', // 0–365 (365 when never)
  'days_since_first_seen', // 0–365
  'events', // log(1 + events seen)
  'cart_value', // log(1 + Σ price × quantity in the cart)
  'cart_items', // items in the cart
  'recent_views', // products viewed recently (bounded list)
  'wishlist', // wishlisted products
  'refund_share', // refunds / revenue, 0–1
] as const;
/** Names the feature list above; journeys and models recorded with another set are not mixed. */
export const UPLIFT_FEATURE_SET = 'f1';

const days = (fromIso: string | null | undefined, nowMs: number) => {
  const t = fromIso ? Date.parse(fromIso) : NaN;
  return Number.isFinite(t) ? Math.min(365, Math.max(0, (nowMs - t) / DAY)) : 365;
};

/** The feature vector of a shopper now (UPLIFT_FEATURES order). */
export function upliftFeatures(p: ProfileState | undefined, nowMs: number): number[] {
  if (!p) return [0, 0, 1, 365, 0, 0, 0, 0, 0, 0, 0];
  const o = p.orders;
  const cartValue = p.cart.items.reduce((s, i) => s + (i.price ?? 0) * i.quantity, 0);
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return [
    Math.log1p(o.count), Math.log1p(Math.max(0, o.revenue - o.refunds)), o.count === 0 ? 1 : 0, days(o.lastOrderAt, nowMs),
    days(p.firstSeenAt, nowMs), Math.log1p(p.eventCount), Math.log1p(Math.max(0, cartValue)), p.cart.items.length,
    p.recentViews.length, p.wishlist.length, o.revenue > 0 ? Math.min(1, o.refunds / o.revenue) : 0,
  ].map(round);
}

export type UpliftParams =
  | { method: 'two_model'; kind: OutcomeKind; treated: LinearModel; control: LinearModel }
  | { method: 'transformed_outcome'; model: LinearModel; treatedShare: number };

/** The score evaluation of stats (Qini, AUUC, average effect) on the test half, plus the split and the threshold's effect. */
export interface UpliftEvaluation extends ScoreEvaluation {
  train: { units: number; treated: number; control: number };
  test: { units: number; treated: number; control: number };
  topFraction: number;
  upliftAtTop: number;
  /** At the worker's threshold, on the test half: the share admitted and the observed Ȳ_T − Ȳ_C among admitted and skipped. */
  minScore: number;
  admittedShare: number;
  upliftAdmitted: number | null;
  upliftSkipped: number | null;
  curve: Array<{ fraction: number; qini: number; uplift: number }>;
}

export interface UpliftModel {
  workerId: string;
  trainedAt: number;
  featureSet: string;
  features: string[];
  outcome: UpliftSpec['outcome'];
  params: UpliftParams;
  evaluation: UpliftEvaluation;
}

export interface TrainingRow { profileId: string; treated: boolean; features: number[]; orders: number; revenue: number }

export function predictUpliftScore(params: UpliftParams, x: readonly number[]): number {
  return params.method === 'two_model'
    ? predictUplift({ kind: params.kind, treated: params.treated, control: params.control }, x)
    : predictTransformedOutcome({ model: params.model, treatedShare: params.treatedShare }, x);
}

/** Is this model usable for this spec (same outcome and method, same features)? */
export function modelFits(model: UpliftModel | undefined, spec: UpliftSpec): model is UpliftModel {
  return !!model && model.featureSet === UPLIFT_FEATURE_SET && model.outcome === spec.outcome && model.params.method === spec.model;
}

/**
 * The targeting decision for one entry: its stamp, or null when the shopper is left out.
 * `exploreDraw` is a uniform [0, 1) draw fixed by the entry (a hash), so a replay decides alike.
 */
export function targetEntry(spec: UpliftSpec, model: UpliftModel | undefined, features: number[], exploreDraw: number): UpliftStamp | null {
  if (!modelFits(model, spec)) return { set: UPLIFT_FEATURE_SET, features, score: null, admitted: 'no_model', modelAt: null };
  const score = predictUpliftScore(model.params, features);
  const stamp = { set: UPLIFT_FEATURE_SET, features, score: Math.round(score * 1e6) / 1e6, modelAt: model.trainedAt };
  if (score >= spec.minScore) return { ...stamp, admitted: 'score' };
  if (exploreDraw < spec.explorePct / 100) return { ...stamp, admitted: 'explore' };
  return null;
}

const l2 = 0.01;
const counts = (rows: readonly TrainingRow[]) => { const t = rows.filter((r) => r.treated).length; return { units: rows.length, treated: t, control: rows.length - t }; };
function upliftOf(rows: Array<{ y: number; t: boolean }>): number | null {
  let nt = 0, nc = 0, yt = 0, yc = 0;
  for (const r of rows) if (r.t) { nt++; yt += r.y; } else { nc++; yc += r.y; }
  return nt > 0 && nc > 0 ? yt / nt - yc / nc : null;
}

/**
 * Trains on the rows whose `inTrain` draw (a hash of the profile id) is below 0.5 and measures on
 * the rest. Not enough rows: the reason, and no model.
 */
export function trainUpliftModel(workerId: string, rows: readonly TrainingRow[], spec: UpliftSpec, nowMs: number, inTrain: (profileId: string) => boolean):
  { model: UpliftModel } | { model: null; reason: string; train: ReturnType<typeof counts>; test: ReturnType<typeof counts> } {
  const usable = rows.filter((r) => r.features.length === UPLIFT_FEATURES.length && r.features.every(Number.isFinite));
  const train = usable.filter((r) => inTrain(r.profileId)), test = usable.filter((r) => !inTrain(r.profileId));
  const need = Math.max(2, Math.ceil(spec.minUnits / 2));
  const ct = counts(train), cs = counts(test);
  if (Math.min(ct.treated, ct.control, cs.treated, cs.control) < need) {
    return { model: null, reason: `needs ${need} closed journeys per arm in each half (train: ${ct.treated} treated, ${ct.control} held out; test: ${cs.treated}, ${cs.control})`, train: ct, test: cs };
  }
  const y = (r: TrainingRow) => (spec.outcome === 'conversion' ? (r.orders > 0 ? 1 : 0) : r.revenue);
  const kind: OutcomeKind = spec.outcome === 'conversion' ? 'binary' : 'continuous';
  const X = train.map((r) => r.features), Y = train.map(y), T = train.map((r) => r.treated);
  let params: UpliftParams;
  if (spec.model === 'two_model') {
    const m = fitTwoModelUplift(X, Y, T, kind, { l2 });
    params = { method: 'two_model', kind, treated: m.treated, control: m.control };
  } else {
    const m = fitTransformedOutcomeUplift(X, Y, T, { l2 });
    params = { method: 'transformed_outcome', model: m.model, treatedShare: m.treatedShare };
  }
  const scores = test.map((r) => predictUpliftScore(params, r.features));
  const ys = test.map(y), ts = test.map((r) => r.treated);
  const ev = evaluateUpliftScores(scores, ys, ts);
  const admitted = test.map((_, i) => scores[i]! >= spec.minScore);
  const topFraction = 0.3;
  return {
    model: {
      workerId, trainedAt: nowMs, featureSet: UPLIFT_FEATURE_SET, features: [...UPLIFT_FEATURES], outcome: spec.outcome, params,
      evaluation: {
        train: ct, test: cs, ...ev, topFraction, upliftAtTop: computeUpliftAtTop(scores, ys, ts, topFraction),
        minScore: spec.minScore, admittedShare: admitted.filter(Boolean).length / test.length,
        upliftAdmitted: upliftOf(test.map((_, i) => ({ y: ys[i]!, t: ts[i]! })).filter((_, i) => admitted[i])),
        upliftSkipped: upliftOf(test.map((_, i) => ({ y: ys[i]!, t: ts[i]! })).filter((_, i) => !admitted[i])),
        curve: sampleUpliftCurve(computeUpliftCurves(scores, ys, ts), 10),
      },
    },
  };
}
