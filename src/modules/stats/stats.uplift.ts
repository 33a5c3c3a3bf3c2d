/**
 * Uplift modelling and its evaluation.
 *
 * Model: the two-model (T-learner) approach. One regression is fitted on treated units and one
 * on control units; a unit's uplift score is the difference of their predictions, its expected
 * incremental response to treatment. Binary outcomes use logistic regression (score = Δ
 * probability), continuous ones ridge linear regression (score = Δ expected value). Features are
 * whatever numeric vectors the caller builds (see reports' encodeFeatures for the default).
 *
 * Alternative: the transformed outcome (Athey & Imbens 2015). With p the treated share,
 * Z = Y·(T − p)/(p·(1 − p)) has E[Z | x] = τ(x) under randomization, so one ridge regression of Z
 * on x estimates the uplift directly (noisier than two models, but one fit, any outcome kind).
 *
 * Evaluation (units sorted by score, highest first; ties kept together as one step, so a
 * constant score is exactly random targeting): at the top fraction φ of the population with
 * N_T, N_C units and outcome totals Y_T, Y_C,
 *   Qini curve    Q(φ) = (Y_T − Y_C·N_T/N_C) / N
 *   uplift curve  U(φ) = (Y_T/N_T − Y_C/N_C)·(N_T + N_C) / N
 *   Qini coefficient = (A_model − A_random)/(A_perfect − A_random), A = trapezoid area under Q,
 *     random = the straight line to Q(1), perfect = scores y·t − y·(1 − t) (treated responders
 *     first, control responders last), as scikit-uplift's qini_auc_score;
 *   AUUC = trapezoid area under U over φ ∈ [0, 1] (random targeting's is U(1)/2);
 *   uplift at k = Ȳ_T − Ȳ_C among the top k of all units (scikit-uplift's "overall" strategy).
 */
import { fitLinearRegression, fitLogisticRegression, predictLinear, predictLogistic, type FitOptions, type LinearModel } from './stats.regression.ts';

export type OutcomeKind = 'binary' | 'continuous';

export interface TwoModelUplift {
  kind: OutcomeKind;
  treated: LinearModel;
  control: LinearModel;
}

type Matrix = readonly (readonly number[])[];

export function fitTwoModelUplift(X: Matrix, y: readonly number[], treated: readonly boolean[], kind: OutcomeKind, opts: FitOptions = {}): TwoModelUplift {
  if (X.length !== y.length || X.length !== treated.length) throw new RangeError('fitTwoModelUplift: X, y and treated must have the same length');
  const pick = (t: boolean) => {
    const xs: Array<readonly number[]> = [], ys: number[] = [];
    X.forEach((row, i) => { if (treated[i] === t) { xs.push(row); ys.push(y[i]!); } });
    if (xs.length === 0) throw new RangeError(`fitTwoModelUplift: no ${t ? 'treated' : 'control'} units`);
    return kind === 'binary' ? fitLogisticRegression(xs, ys, opts) : fitLinearRegression(xs, ys, opts);
  };
  return { kind, treated: pick(true), control: pick(false) };
}

export function predictUplift(model: TwoModelUplift, x: readonly number[]): number {
  const f = model.kind === 'binary' ? predictLogistic : predictLinear;
  return f(model.treated, x) - f(model.control, x);
}

export interface TransformedOutcomeUplift {
  /** Ridge regression of the transformed outcome: its prediction is the uplift. */
  model: LinearModel;
  /** The treated share p the outcome was transformed with. */
  treatedShare: number;
}

export function fitTransformedOutcomeUplift(X: Matrix, y: readonly number[], treated: readonly boolean[], opts: FitOptions = {}): TransformedOutcomeUplift {
  if (X.length !== y.length || X.length !== treated.length) throw new RangeError('fitTransformedOutcomeUplift: X, y and treated must have the same length');
  const p = treated.filter((t) => t).length / treated.length;
  if (!(p > 0 && p < 1)) throw new RangeError('fitTransformedOutcomeUplift needs both treated and control units');
  const z = y.map((v, i) => (treated[i] ? v / p : -v / (1 - p)));
  return { model: fitLinearRegression(X, z, opts), treatedShare: p };
}

export function predictTransformedOutcome(m: TransformedOutcomeUplift, x: readonly number[]): number {
  return predictLinear(m.model, x);
}

export interface UpliftCurvePoint {
  /** Share of the population targeted (0..1). */
  fraction: number;
  nTreated: number;
  nControl: number;
  qini: number;
  uplift: number;
}

function checkInputs(scores: readonly number[], y: readonly number[], treated: readonly boolean[]): void {
  if (scores.length !== y.length || y.length !== treated.length) throw new RangeError('uplift evaluation: scores, y and treated must have the same length');
  if (!treated.some((t) => t) || !treated.some((t) => !t)) throw new RangeError('uplift evaluation needs both treated and control units');
}

/** Qini and uplift curves, one point per distinct score (plus the origin). */
export function computeUpliftCurves(scores: readonly number[], y: readonly number[], treated: readonly boolean[]): UpliftCurvePoint[] {
  checkInputs(scores, y, treated);
  const n = scores.length;
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const points: UpliftCurvePoint[] = [{ fraction: 0, nTreated: 0, nControl: 0, qini: 0, uplift: 0 }];
  let nt = 0, nc = 0, yt = 0, yc = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (treated[i]) { nt++; yt += y[i]!; } else { nc++; yc += y[i]!; }
    const last = k === n - 1 || scores[order[k + 1]!]! !== scores[i]!;
    if (!last) continue;
    const qini = (yt - (nc > 0 ? (yc * nt) / nc : 0)) / n;
    const uplift = nt > 0 && nc > 0 ? ((yt / nt - yc / nc) * (nt + nc)) / n : 0;
    points.push({ fraction: (k + 1) / n, nTreated: nt, nControl: nc, qini, uplift });
  }
  return points;
}

/** Curve values at `steps` + 1 evenly spaced fractions (the step curve's value at the last point not beyond each). */
export function sampleUpliftCurve(points: readonly UpliftCurvePoint[], steps: number): Array<{ fraction: number; qini: number; uplift: number }> {
  const out: Array<{ fraction: number; qini: number; uplift: number }> = [];
  let j = 0;
  for (let s = 0; s <= steps; s++) {
    const f = s / steps;
    while (j + 1 < points.length && points[j + 1]!.fraction <= f + 1e-12) j++;
    out.push({ fraction: f, qini: points[j]!.qini, uplift: points[j]!.uplift });
  }
  return out;
}

function trapezoid(points: readonly UpliftCurvePoint[], f: (p: UpliftCurvePoint) => number): number {
  let a = 0;
  for (let i = 1; i < points.length; i++) a += ((points[i]!.fraction - points[i - 1]!.fraction) * (f(points[i]!) + f(points[i - 1]!))) / 2;
  return a;
}

export interface UpliftEvaluation {
  /** Normalized Qini coefficient: 0 = random targeting, 1 = perfect. */
  qiniCoefficient: number;
  /** Area under the Qini curve, and the random line's. */
  qiniArea: number;
  qiniAreaRandom: number;
  /** Area under the uplift curve, and random targeting's. */
  auuc: number;
  auucRandom: number;
  /** Ȳ_T − Ȳ_C over everyone: what any random selection yields in expectation. */
  averageTreatmentEffect: number;
}

export function evaluateUpliftScores(scores: readonly number[], y: readonly number[], treated: readonly boolean[]): UpliftEvaluation {
  const curve = computeUpliftCurves(scores, y, treated);
  const end = curve[curve.length - 1]!;
  const qiniArea = trapezoid(curve, (p) => p.qini);
  const qiniAreaRandom = end.qini / 2;
  const perfect = computeUpliftCurves(y.map((v, i) => (treated[i] ? v : -v)), y, treated);
  const perfectArea = trapezoid(perfect, (p) => p.qini);
  const denom = perfectArea - qiniAreaRandom;
  return {
    qiniCoefficient: denom !== 0 ? (qiniArea - qiniAreaRandom) / denom : NaN,
    qiniArea, qiniAreaRandom,
    auuc: trapezoid(curve, (p) => p.uplift),
    auucRandom: end.uplift / 2,
    averageTreatmentEffect: end.uplift,
  };
}

/**
 * Ȳ_T − Ȳ_C among the top `fraction` of all units by score (ties broken by input order, so the
 * cut is exact). NaN when the top has no treated or no control unit.
 */
export function computeUpliftAtTop(scores: readonly number[], y: readonly number[], treated: readonly boolean[], fraction: number): number {
  checkInputs(scores, y, treated);
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`fraction must be in (0, 1] (got ${fraction})`);
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const k = Math.ceil(fraction * scores.length);
  let nt = 0, nc = 0, yt = 0, yc = 0;
  for (let j = 0; j < k; j++) { const i = order[j]!; if (treated[i]) { nt++; yt += y[i]!; } else { nc++; yc += y[i]!; } }
  return nt > 0 && nc > 0 ? yt / nt - yc / nc : NaN;
}
