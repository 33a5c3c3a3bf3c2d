/**
 * Regression references: SciPy 1.17.1 — logistic by scipy.optimize.minimize(BFGS, gtol 1e-13) on
 * the same penalized mean log-loss over features standardized with the population sd, ridge by
 * numpy.linalg.solve of the penalized normal equations. Uplift curves: hand-computed below.
 */
import { describe, expect, it } from 'vitest';
import { createRng, sampleNormal } from './stats.rng.ts';
import { fitLinearRegression, fitLogisticRegression, predictLogistic } from './stats.regression.ts';
import {
  computeUpliftAtTop, computeUpliftCurves, evaluateUpliftScores, fitTransformedOutcomeUplift, fitTwoModelUplift, predictTransformedOutcome, predictUplift,
} from './stats.uplift.ts';

const X = [[1.0, 20, 0], [2, 35, 1], [0.5, 18, 0], [3, 50, 1], [2.5, 41, 0], [1.2, 22, 1], [0.1, 30, 0], [2.2, 28, 1], [1.7, 33, 0], [2.9, 45, 1], [0.8, 25, 1], [1.5, 38, 0]];
const yBin = [0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0];
const yCont = [2.1, 5.3, 1.2, 8.8, 6.1, 2.9, 1.0, 5.5, 3.3, 8.1, 3.0, 3.9];

describe('regression', () => {
  it('logistic regression matches SciPy BFGS on the same penalized objective', () => {
    const cases: Array<[number, number, number[]]> = [
      [0.1, -4.012762061491739, [0.8255850574273969, 0.05662364901526556, 1.8169222422788947]],
      [0.01, -10.332832969567434, [1.4114837914257434, 0.18790104798656695, 4.452993996392324]],
    ];
    for (const [l2, b0, w] of cases) {
      const m = fitLogisticRegression(X, yBin, { l2 });
      expect(m.intercept).toBeCloseTo(b0, 6);
      m.weights.forEach((v, j) => expect(v).toBeCloseTo(w[j]!, 6));
    }
    const p = predictLogistic(fitLogisticRegression(X, yBin, { l2: 0.1 }), X[0]!);
    expect(p).toBeGreaterThan(0); expect(p).toBeLessThan(0.5);
  });
  it('ridge linear regression matches numpy (λ = 0 is ordinary least squares)', () => {
    const ols = fitLinearRegression(X, yCont, { l2: 0 });
    expect(ols.intercept).toBeCloseTo(-1.401106566221551, 9);
    [1.733243538917008, 0.07418867535130638, 0.9709523549026169].forEach((w, j) => expect(ols.weights[j]).toBeCloseTo(w, 9));
    const ridge = fitLinearRegression(X, yCont, { l2: 0.5 });
    expect(ridge.intercept).toBeCloseTo(-0.5848105422846617, 9);
    [1.1270437126133055, 0.07952837564637212, 0.9557756431440926].forEach((w, j) => expect(ridge.weights[j]).toBeCloseTo(w, 9));
    expect(() => fitLinearRegression([[1], [2]], [1])).toThrow(RangeError);
  });
});

describe('transformed-outcome uplift', () => {
  it('recovers a known heterogeneous effect with one regression (y = x1 + t·2·x2 + noise, 30% treated)', () => {
    const rng = createRng('transformed');
    const Xs: number[][] = [], ys: number[] = [], ts: boolean[] = [];
    for (let i = 0; i < 40000; i++) {
      const x1 = sampleNormal(rng), x2 = sampleNormal(rng), t = rng.next() < 0.3;
      Xs.push([x1, x2]); ts.push(t); ys.push(x1 + (t ? 2 * x2 : 0) + sampleNormal(rng, 0, 0.5));
    }
    const m = fitTransformedOutcomeUplift(Xs, ys, ts);
    expect(m.treatedShare).toBeCloseTo(0.3, 2);
    // E[Z | x] = 2·x2 exactly; Z is noisy (sd ~ 5 here), so 40k units pin the slope to about ±0.03 (1 se).
    expect(m.model.weights[1]).toBeCloseTo(2, 0);
    expect(Math.abs(m.model.weights[1]! - 2)).toBeLessThan(0.15);
    expect(Math.abs(m.model.weights[0]!)).toBeLessThan(0.15);
    expect(predictTransformedOutcome(m, [0, 1])).toBeGreaterThan(1.7);
    expect(predictTransformedOutcome(m, [0, -1])).toBeLessThan(-1.7);
    expect(() => fitTransformedOutcomeUplift([[1], [2]], [1, 0], [true, true])).toThrow(RangeError);
  });
});

describe('two-model uplift', () => {
  it('recovers a known heterogeneous effect (y = x1 + t·2·x2 + noise)', () => {
    const rng = createRng('uplift');
    const Xs: number[][] = [], ys: number[] = [], ts: boolean[] = [];
    for (let i = 0; i < 4000; i++) {
      const x1 = sampleNormal(rng), x2 = sampleNormal(rng), t = rng.next() < 0.5;
      Xs.push([x1, x2]); ts.push(t); ys.push(x1 + (t ? 2 * x2 : 0) + sampleNormal(rng, 0, 0.5));
    }
    const m = fitTwoModelUplift(Xs, ys, ts, 'continuous');
    expect(predictUplift(m, [0, 1])).toBeCloseTo(2, 1);
    expect(predictUplift(m, [3, -1])).toBeCloseTo(-2, 1);
    // Ranking by the model beats random targeting on fresh data.
    const scores = Xs.map((x) => predictUplift(m, x));
    const ev = evaluateUpliftScores(scores, ys, ts);
    expect(ev.qiniCoefficient).toBeGreaterThan(0.5);
    expect(computeUpliftAtTop(scores, ys, ts, 0.3)).toBeGreaterThan(ev.averageTreatmentEffect + 1.5);
  });
});

describe('Qini, AUUC and uplift at k (hand-computed)', () => {
  // Six units, scores descending; T C T C T C with outcomes 1 0 1 0 0 1.
  const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
  const treated = [true, false, true, false, true, false];
  const y = [1, 0, 1, 0, 0, 1];
  it('builds the curves point by point', () => {
    const c = computeUpliftCurves(scores, y, treated);
    expect(c.map((p) => p.qini)).toEqual([0, 1 / 6, 1 / 6, 2 / 6, 2 / 6, 2 / 6, 1 / 6].map((v) => expect.closeTo(v, 12)));
    expect(c.map((p) => p.uplift)).toEqual([0, 0, 1 / 3, 1 / 2, 2 / 3, 5 / 9, 1 / 3].map((v) => expect.closeTo(v, 12)));
  });
  it('areas: Qini 17/72 vs random 6/72 vs perfect 19/72, so q = 11/13; AUUC 10/27', () => {
    const ev = evaluateUpliftScores(scores, y, treated);
    expect(ev.qiniArea).toBeCloseTo(17 / 72, 12);
    expect(ev.qiniAreaRandom).toBeCloseTo(6 / 72, 12);
    expect(ev.qiniCoefficient).toBeCloseTo(11 / 13, 12);
    expect(ev.auuc).toBeCloseTo(10 / 27, 12);
    expect(ev.averageTreatmentEffect).toBeCloseTo(1 / 3, 12);
    expect(computeUpliftAtTop(scores, y, treated, 0.5)).toBeCloseTo(1, 12);
  });
  it('a constant score is random targeting: one step, Qini coefficient 0', () => {
    const ev = evaluateUpliftScores(scores.map(() => 0), y, treated);
    expect(computeUpliftCurves(scores.map(() => 0), y, treated)).toHaveLength(2);
    expect(ev.qiniCoefficient).toBeCloseTo(0, 12);
    expect(() => evaluateUpliftScores(scores, y, treated.map(() => true))).toThrow(RangeError);
  });
});
