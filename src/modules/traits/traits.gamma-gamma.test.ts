import { describe, expect, it } from 'vitest';
import { expectedPurchases } from './traits.bgnbd.ts';
import { discountedClv, expectedAverageSpend, fitGammaGamma, gammaGammaLogLikelihood, type GammaGammaParams } from './traits.gamma-gamma.ts';
import { logGamma } from './traits.math.ts';
import { sampleGamma, seededRandom } from './traits.sample.ts';

const CDNOW_GG: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.45 };
const CDNOW_BG = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };

describe('Gamma-Gamma', () => {
  it('log-likelihood: the density of a mean of x Gamma(p, ν) draws, ν ~ Gamma(q, v)', () => {
    const g = { p: 2, q: 3, v: 10 };
    const s = { x: 1, m: 5 };
    // x = 1: f(m) = Γ(p+q)/(Γ(p)Γ(q)) · v^q · m^(p−1) / (v + m)^(p+q)
    const direct = Math.exp(logGamma(5) - logGamma(2) - logGamma(3)) * 10 ** 3 * 5 / 15 ** 5;
    expect(gammaGammaLogLikelihood(g, s)).toBeCloseTo(Math.log(direct), 12);
  });

  it('expected spend shrinks the own mean toward the population mean p·v/(q − 1)', () => {
    expect(expectedAverageSpend(CDNOW_GG, { x: 0, m: 0 })).toBeCloseTo(6.25 * 15.45 / 2.74, 10);
    // lifetimes' published conditional expected average profit for CDNOW customer 1 (x = 2, m = 22.35): 24.658619
    expect(expectedAverageSpend(CDNOW_GG, { x: 2, m: 22.35 })).toBeCloseTo(6.25 * (15.45 + 44.7) / (12.5 + 2.74), 10);
    const few = expectedAverageSpend(CDNOW_GG, { x: 1, m: 200 }), many = expectedAverageSpend(CDNOW_GG, { x: 50, m: 200 });
    expect(many).toBeGreaterThan(few);
    expect(many).toBeLessThan(200);
    expect(expectedAverageSpend({ p: 1, q: 0.5, v: 1 }, { x: 3, m: 40 })).toBe(40); // q ≤ 1: no finite population mean
  });

  it('fits simulated spend, at least as likely as the truth', () => {
    const truth = { p: 6, q: 4, v: 15 };
    const rand = seededRandom(11);
    const data = Array.from({ length: 3000 }, () => {
      const nu = sampleGamma(rand, truth.q, truth.v);
      const x = 1 + Math.floor(rand() * 6);
      let sum = 0;
      for (let i = 0; i < x; i++) sum += sampleGamma(rand, truth.p, nu);
      return { x, m: sum / x };
    });
    const fit = fitGammaGamma(data);
    const ll = (g: GammaGammaParams) => data.reduce((s, d) => s + gammaGammaLogLikelihood(g, d), 0);
    expect(fit.converged).toBe(true);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(ll(truth) - 1e-6);
    expect(fit.p / truth.p).toBeGreaterThan(0.8); expect(fit.p / truth.p).toBeLessThan(1.25);
    // the population mean p·v/(q − 1) is what CLV uses: well identified
    expect((fit.p * fit.v) / (fit.q - 1)).toBeCloseTo(30, -0.5);
    expect(() => fitGammaGamma([{ x: 0, m: 0 }])).toThrow(RangeError);
  });
});

describe('discountedClv', () => {
  const c = { x: 3, tx: 30, T: 38 };
  it('without discounting is expected purchases over the horizon times spend', () => {
    const v = discountedClv(CDNOW_BG, c, 40, { horizon: 52, steps: 12, discountPerStep: 0 });
    expect(v).toBeCloseTo(expectedPurchases(CDNOW_BG, c, 52) * 40, 8);
  });
  it('discounts later purchases: between the undiscounted value and that divided by (1 + d)^steps', () => {
    const undiscounted = expectedPurchases(CDNOW_BG, c, 52) * 40;
    const v = discountedClv(CDNOW_BG, c, 40, { horizon: 52, steps: 12, discountPerStep: 0.01 });
    expect(v).toBeLessThan(undiscounted);
    expect(v).toBeGreaterThan(undiscounted / 1.01 ** 12);
  });
});
