import { describe, expect, it } from 'vitest';
import {
  bgNbdLogLikelihood, bgNbdTotalLogLikelihood, compressSummaries, expectedPurchases, expectedPurchasesNew, fitBgNbd, probabilityAlive,
  type BgNbdParams, type RfmSummary,
} from './traits.bgnbd.ts';
import { logGamma } from './traits.math.ts';
import { sampleBeta, sampleExponential, sampleGamma, seededRandom } from './traits.sample.ts';

const CDNOW: BgNbdParams = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };

/** Customers drawn from the BG/NBD story itself: Poisson buying, drop-out after each purchase. */
function simulate(p: BgNbdParams, n: number, seed: number): RfmSummary[] {
  const rand = seededRandom(seed);
  const out: RfmSummary[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = sampleGamma(rand, p.r, p.alpha), drop = sampleBeta(rand, p.a, p.b);
    const T = 30 + Math.floor(rand() * 10);
    let t = 0, x = 0, tx = 0;
    for (;;) {
      t += sampleExponential(rand, lambda);
      if (t > T) break;
      x++; tx = t;
      if (rand() < drop) break;
    }
    out.push({ x, tx, T });
  }
  return out;
}

describe('BG/NBD likelihood', () => {
  it('equals the paper\'s eq. (6) written out for a hand case', () => {
    const p = { r: 0.5, alpha: 2, a: 1.5, b: 3 };
    const c = { x: 2, tx: 10, T: 20 };
    const B = (a: number, b: number) => Math.exp(logGamma(a) + logGamma(b) - logGamma(a + b));
    const g = Math.exp(logGamma(p.r + c.x) - logGamma(p.r));
    const direct = (B(p.a, p.b + c.x) / B(p.a, p.b)) * g * p.alpha ** p.r / (p.alpha + c.T) ** (p.r + c.x)
      + (B(p.a + 1, p.b + c.x - 1) / B(p.a, p.b)) * g * p.alpha ** p.r / (p.alpha + c.tx) ** (p.r + c.x);
    expect(bgNbdLogLikelihood(p, c)).toBeCloseTo(Math.log(direct), 12);
    const zero = { x: 0, tx: 0, T: 20 };
    expect(bgNbdLogLikelihood(p, zero)).toBeCloseTo(Math.log((p.alpha / (p.alpha + 20)) ** p.r), 12);
  });

  it('sums the same with identical rows compressed into weights', () => {
    const data = [{ x: 0, tx: 0, T: 5 }, { x: 0, tx: 0, T: 5 }, { x: 3, tx: 2, T: 5 }, { x: 1, tx: 4, T: 6 }];
    const direct = data.reduce((s, c) => s + bgNbdLogLikelihood(CDNOW, c), 0);
    expect(compressSummaries(data)).toHaveLength(3);
    expect(bgNbdTotalLogLikelihood(CDNOW, compressSummaries(data))).toBeCloseTo(direct, 10);
  });
});

describe('BG/NBD predictions', () => {
  it('reproduces the paper\'s worked example: E[Y(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226', () => {
    expect(expectedPurchases(CDNOW, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 3);
  });

  it('gives a brand-new customer the unconditional expectation E[X(t)]', () => {
    for (const t of [1, 10, 52]) expect(expectedPurchases(CDNOW, { x: 0, tx: 0, T: 0 }, t)).toBeCloseTo(expectedPurchasesNew(CDNOW, t), 10);
    expect(expectedPurchases(CDNOW, { x: 3, tx: 20, T: 30 }, 0)).toBe(0);
  });

  it('computes P(alive) by hand, 1 for one-time buyers, lower the longer the silence', () => {
    const p = { r: 1, alpha: 1, a: 1, b: 2 };
    // 1 / (1 + a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)) with x = 1, t_x = 1, T = 3: 1 / (1 + 0.5 · 4) = 1/3
    expect(probabilityAlive(p, { x: 1, tx: 1, T: 3 })).toBeCloseTo(1 / 3, 12);
    expect(probabilityAlive(p, { x: 0, tx: 0, T: 50 })).toBe(1);
    const recent = probabilityAlive(CDNOW, { x: 4, tx: 37, T: 38 }), silent = probabilityAlive(CDNOW, { x: 4, tx: 10, T: 38 });
    expect(recent).toBeGreaterThan(0.8);
    expect(silent).toBeLessThan(0.3);
  });

  it('expects more future purchases from a frequent, recent buyer than from a lapsed one', () => {
    expect(expectedPurchases(CDNOW, { x: 10, tx: 38, T: 39 }, 52)).toBeGreaterThan(expectedPurchases(CDNOW, { x: 10, tx: 5, T: 39 }, 52) * 5);
  });
});

describe('fitBgNbd', () => {
  it('recovers the parameters of simulated customers, at least as likely as the truth', () => {
    const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    const data = simulate(truth, 6000, 7);
    const fit = fitBgNbd(data);
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdTotalLogLikelihood(truth, data) - 1e-6);
    expect(fit.r / truth.r).toBeGreaterThan(0.8); expect(fit.r / truth.r).toBeLessThan(1.25);
    expect(fit.alpha / truth.alpha).toBeGreaterThan(0.7); expect(fit.alpha / truth.alpha).toBeLessThan(1.4);
    expect(fit.a / fit.b).toBeGreaterThan(0.5 * truth.a / truth.b); expect(fit.a / fit.b).toBeLessThan(2 * truth.a / truth.b);
  });

  it('refuses impossible summaries', () => {
    expect(() => fitBgNbd([])).toThrow(RangeError);
    expect(() => fitBgNbd([{ x: 1, tx: 5, T: 3 }])).toThrow(/invalid summary/);
  });
});
