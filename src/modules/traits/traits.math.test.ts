import { describe, expect, it } from 'vitest';
import { dayOf, hyp2f1, logBeta, logGamma, median, nelderMead, quantileSorted } from './traits.math.ts';

describe('logGamma and logBeta', () => {
  it('match closed forms', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(2)).toBeCloseTo(0, 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 10);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 10); // ln Γ(0.1)
    const x = 171.5; // Stirling's series is exact to ~1e-12 this far out
    expect(logGamma(x)).toBeCloseTo((x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3), 9);
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 12);
  });
});

describe('hyp2f1', () => {
  it('matches closed forms inside the unit interval', () => {
    for (const z of [0, 0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(z === 0 ? 1 : -Math.log(1 - z) / z, 9);
      expect(hyp2f1(2.5, 1, 1, z) / Math.pow(1 - z, -2.5)).toBeCloseTo(1, 10); // 2F1(a, b; b; z) = (1 − z)^−a
    }
  });
  it('refuses z outside [0, 1)', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });
});

describe('nelderMead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const res = nelderMead((v) => 100 * (v[1]! - v[0]! ** 2) ** 2 + (1 - v[0]!) ** 2, [-1.2, 1]);
    expect(res.converged).toBe(true);
    expect(res.x[0]).toBeCloseTo(1, 5);
    expect(res.x[1]).toBeCloseTo(1, 5);
  });
  it('treats non-finite values as worse than anything', () => {
    const res = nelderMead((v) => (v[0]! < 0 ? NaN : (v[0]! - 2) ** 2), [1]);
    expect(res.x[0]).toBeCloseTo(2, 6);
  });
});

describe('order statistics and days', () => {
  it('computes type-7 quantiles and medians', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([10], 0.8)).toBe(10);
    expect(median([5, 1, 3])).toBe(3);
  });
  it('counts UTC days', () => {
    expect(dayOf(Date.UTC(1970, 0, 2, 23, 59))).toBe(1);
    expect(dayOf(Date.UTC(1997, 0, 1))).toBe(9862);
  });
});
