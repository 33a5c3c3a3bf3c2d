/**
 * References: SciPy 1.17.1 scipy.stats.ttest_ind(B, A, equal_var=False) and its
 * .confidence_interval() for Welch; the delta-method and ratio formulas re-implemented in NumPy
 * (np.cov, np.var(ddof=1)) and scipy.stats.t.ppf; CUPED checked as Welch on the explicitly
 * adjusted per-unit values y − θx with θ from np.cov over both arms; SRM by scipy.stats.chisquare.
 */
import { describe, expect, it } from 'vitest';
import { compareCuped, computeCupedTheta } from './stats.cuped.ts';
import { computePairedStats, computeSampleStats } from './stats.moments.ts';
import { testSampleRatio } from './stats.srm.ts';
import { compareMetric, compareRelative, summarizeMean, summarizeRatio, welchTest } from './stats.ttest.ts';

const A = [3.1, 0, 2.5, 7.2, 0, 1.1, 4.4, 0, 0, 5.0, 2.2, 0.3];
const B = [4.0, 6.1, 0, 3.3, 8.8, 2.9, 0, 5.5, 7.1, 1.0];
const close = (a: number, b: number, tol = 1e-10) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThan(tol);

describe('Welch t-test from sufficient statistics', () => {
  it('equals SciPy ttest_ind(equal_var=False): difference, CI, p-value, df', () => {
    const r = welchTest(computeSampleStats(A), computeSampleStats(B));
    close(r.estimate, 1.72);
    close(r.ciLow, -0.7619748748270867);
    close(r.ciHigh, 4.201974874827087);
    close(r.pValue, 0.16199420129046566);
    close(r.df, 17.05405103317048, 1e-9);
    const r90 = welchTest(computeSampleStats(A), computeSampleStats(B), { alpha: 0.1 });
    close(r90.ciLow, -0.32658422560627764);
    close(r90.ciHigh, 3.766584225606277);
  });
  it('has no interval when neither arm varies, and rejects a bad alpha', () => {
    const r = welchTest(computeSampleStats([0, 0, 0]), computeSampleStats([0, 0]));
    expect(r.estimate).toBe(0);
    expect(r.ciLow).toBeNaN();
    expect(() => welchTest(computeSampleStats(A), computeSampleStats(B), { alpha: 1.5 })).toThrow(RangeError);
  });
});

describe('relative lift by the delta method', () => {
  it('equals the GrowthBook formula computed in NumPy', () => {
    const r = compareRelative(summarizeMean(computeSampleStats(A)), summarizeMean(computeSampleStats(B)));
    close(r.estimate, 0.8);
    close(r.stdError, 0.7278855495889015);
    close(r.ciLow, -0.7353335860938667);
    close(r.ciHigh, 2.335333586093867);
    close(r.pValue, 0.2870100591112693);
  });
});

describe('ratio metrics (e.g. AOV = revenue / orders)', () => {
  it('summarizes Σx/Σy with the delta-method variance and compares arms (NumPy reference)', () => {
    const a = summarizeRatio(computePairedStats([10, 0, 25, 40, 0, 5, 12, 0], [1, 0, 2, 3, 0, 1, 1, 0]));
    const b = summarizeRatio(computePairedStats([30, 15, 0, 22, 18, 0, 9, 44, 5], [2, 1, 0, 2, 1, 0, 1, 3, 1]));
    close(a.mean, 11.5); close(a.variance, 11.285714285714278, 1e-9);
    close(b.mean, 13); close(b.variance, 13.890495867768578, 1e-9);
    const c = compareMetric(a, b);
    close(c.absolute.estimate, 1.5);
    close(c.absolute.ciLow, -2.16358131038035, 1e-9);
    close(c.absolute.ciHigh, 5.16358131038035, 1e-9);
    close(c.absolute.df, 14.992872598796309, 1e-8);
    close(c.relative.estimate, 1.5 / 11.5);
  });
});

describe('CUPED', () => {
  const a = computePairedStats([5, 0, 3, 9, 1, 0, 4, 7, 2, 6], [6, 1, 3, 11, 0, 0, 5, 9, 2, 8]);
  const b = computePairedStats([4, 8, 0, 2, 6, 10, 3, 1, 5], [7, 12, 2, 3, 9, 14, 5, 2, 8]);
  it('uses the pooled slope and equals Welch on the adjusted values y − θx (SciPy)', () => {
    close(computeCupedTheta(a, b), 1.3139534883720931);
    const c = compareCuped(a, b);
    close(c.absolute.estimate, 1.55671834625323);
    close(c.absolute.ciLow, 0.9878880660271641, 1e-9);
    close(c.absolute.ciHigh, 2.1255486264792958, 1e-9);
    close(c.absolute.pValue, 2.3342402109731784e-05, 1e-12);
    close(c.varianceReduction, 0.9798853023318755);
    expect(c.unadjusted.absolute.estimate).toBeCloseTo(62 / 9 - 4.5, 12); // raw means 62/9 and 45/10
    expect(c.relative.estimate).toBeCloseTo(1.55671834625323 / 4.5, 12); // relative to the unadjusted control mean
  });
  it('changes nothing when the covariate is constant', () => {
    const flat = (ys: number[]) => computePairedStats(ys.map(() => 1), ys);
    const c = compareCuped(flat([1, 2, 3]), flat([2, 3, 5]));
    expect(c.theta).toBe(0);
    expect(c.varianceReduction).toBeCloseTo(0, 14);
    expect(c.absolute.ciLow).toBeCloseTo(c.unadjusted.absolute.ciLow, 14);
  });
});

describe('sample ratio mismatch', () => {
  it('equals scipy.stats.chisquare for equal and unequal intended splits', () => {
    const eq = testSampleRatio([21307, 21387, 21306]);
    close(eq.chiSquare, 0.20253125000000002); close(eq.pValue, 0.9036929575604196); expect(eq.mismatch).toBe(false);
    const two = testSampleRatio([5000, 5300]);
    close(two.chiSquare, 8.737864077669903); close(two.pValue, 0.003116693839866867); expect(two.mismatch).toBe(false);
    const skew = testSampleRatio([900, 2100], [1, 2]);
    close(skew.chiSquare, 15); close(skew.pValue, 0.00010751117672950066); expect(skew.mismatch).toBe(true);
    expect(() => testSampleRatio([1])).toThrow(RangeError);
  });
});
