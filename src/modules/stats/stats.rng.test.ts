/**
 * Samplers are checked against exact distributions: Kolmogorov–Smirnov distance to the exact
 * CDF (from stats.distributions / stats.special) and sample moments against closed forms. Seeds
 * are fixed, so these are deterministic; the bounds are the 0.1% critical values, so a correct
 * sampler passes them with a wide margin and a wrong one (e.g. a shape off by 10%) fails.
 */
import { describe, expect, it } from 'vitest';
import { estimateThompsonSlotProbabilities } from './stats.bandit.ts';
import { normalCdf } from './stats.distributions.ts';
import { createRng, createXoshiro128, sampleBeta, sampleGamma, sampleNormal } from './stats.rng.ts';
import { regularizedBeta, regularizedGammaPair } from './stats.special.ts';

const N = 20_000;
const KS_CRIT = 1.95 / Math.sqrt(N); // α = 0.001

function ksDistance(xs: number[], cdf: (x: number) => number): number {
  const s = [...xs].sort((a, b) => a - b);
  let d = 0;
  s.forEach((x, i) => { const f = cdf(x); d = Math.max(d, Math.abs(f - i / s.length), Math.abs(f - (i + 1) / s.length)); });
  return d;
}

describe('createRng', () => {
  it('is the reference xoshiro128** stream (state 1,2,3,4 gives 11520, 0, 5927040, ...)', () => {
    const u = createXoshiro128([1, 2, 3, 4]);
    // Hand-stepped from the reference C code: rotl(2·5, 7)·9 = 11520; s1 becomes 0, so 0; then s1 = 1029 and rotl(1029·5, 7)·9 = 5927040.
    expect([u(), u(), u()]).toEqual([11520, 0, 5927040]);
  });
  it('repeats for the same seed, differs across seeds, forks independent streams', () => {
    const a = createRng(42), b = createRng(42), c = createRng(43), s = createRng('campaign-7');
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
    expect(s.next()).toBe(createRng('campaign-7').next());
    expect(createRng(1).fork('x').next()).toBe(createRng(1).fork('x').next());
    expect(createRng(1).fork('x').next()).not.toBe(createRng(1).fork('y').next());
  });
  it('draws uniform doubles in [0, 1) and integers in [0, n)', () => {
    const r = createRng(7);
    const xs = Array.from({ length: N }, () => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(ksDistance(xs, (x) => x)).toBeLessThan(KS_CRIT);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[r.int(3)]! += 1;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(110); // ~4 sd
    expect(() => r.int(0)).toThrow(RangeError);
  });
});

describe('samplers', () => {
  it('sampleNormal follows N(μ, σ)', () => {
    const r = createRng(1);
    const xs = Array.from({ length: N }, () => sampleNormal(r, 2, 3));
    expect(ksDistance(xs, (x) => normalCdf((x - 2) / 3))).toBeLessThan(KS_CRIT);
  });
  it('sampleGamma follows Gamma(k, θ) for shapes below and above 1', () => {
    for (const [shape, scale] of [[0.3, 1], [1, 2], [4.5, 0.5], [120, 1]] as const) {
      const r = createRng(`gamma-${shape}`);
      const xs = Array.from({ length: N }, () => sampleGamma(r, shape, scale));
      expect(ksDistance(xs, (x) => regularizedGammaPair(shape, x / scale).lower), `shape ${shape}`).toBeLessThan(KS_CRIT);
    }
    // A wrong shape is detected by the same test.
    const r = createRng('gamma-wrong');
    const xs = Array.from({ length: N }, () => sampleGamma(r, 4.95));
    expect(ksDistance(xs, (x) => regularizedGammaPair(4.5, x).lower)).toBeGreaterThan(KS_CRIT);
  });
  it('sampleBeta follows Beta(a, b), including OBD-like priors (47, 12198)', () => {
    for (const [a, b] of [[0.5, 0.5], [2, 5], [47, 12198]] as const) {
      const r = createRng(`beta-${a}-${b}`);
      const xs = Array.from({ length: N }, () => sampleBeta(r, a, b));
      expect(ksDistance(xs, (x) => regularizedBeta(x, a, b)), `${a},${b}`).toBeLessThan(KS_CRIT);
    }
    expect(() => sampleBeta(createRng(1), 0, 1)).toThrow(RangeError);
  });
});

describe('Thompson slot probabilities', () => {
  it('matches closed forms: P(Beta(2,1) > U(0,1)) = 2/3; symmetric items split evenly', () => {
    const p = estimateThompsonSlotProbabilities([2, 1], [1, 1], 1, 40_000, createRng(3));
    expect(Math.abs(p[0]![0]! - 2 / 3)).toBeLessThan(4 * Math.sqrt((2 / 9) / 40_000));
    const q = estimateThompsonSlotProbabilities([1, 1, 1], [1, 1, 1], 2, 30_000, createRng(4));
    for (const row of q) for (const v of row) expect(Math.abs(v - 1 / 3)).toBeLessThan(0.012);
    for (let k = 0; k < 2; k++) expect(q.reduce((s, row) => s + row[k]!, 0)).toBeCloseTo(1, 12);
  });
});
