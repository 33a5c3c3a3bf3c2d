/**
 * OPE estimators: a hand-computed four-decision log, then synthetic logs with known truth. In
 * the synthetic world contexts x ∈ {0..3}, three actions, Bernoulli rewards with known means
 * μ(x, a), a known logging policy and a different target policy, so the true value
 * V = Σ_x P(x) Σ_a π_e(a|x) μ(x, a) is exact. 400 independent logs of 1,500 decisions each:
 * the mean estimate must sit within 4 standard errors of V (unbiasedness) and the 95% CIs must
 * cover V in 91–98.5% of logs. DM with a wrong reward model must fail that test, DR with the same
 * wrong model must pass it (double robustness). Seeds are fixed: the test is deterministic.
 */
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from './stats.rng.ts';
import {
  estimateDirectMethod, estimateDoublyRobust, estimateIps, estimatePolicyValue, estimateSnips, type LoggedDecision, type OpeEstimate,
} from './stats.ope.ts';

describe('estimators on a hand-computed log', () => {
  // w = π_e/π_b = 2, 0.5, 0, 4; rewards 1, 1, 0, 0; q̂(a_i) = .5, .5, .2, .1; v̂ = .6, .4, .3, .2.
  const log: LoggedDecision[] = [
    { reward: 1, propensity: 0.25, targetProbability: 0.5, predictedReward: 0.5, targetValue: 0.6 },
    { reward: 1, propensity: 0.5, targetProbability: 0.25, predictedReward: 0.5, targetValue: 0.4 },
    { reward: 0, propensity: 0.5, targetProbability: 0, predictedReward: 0.2, targetValue: 0.3 },
    { reward: 0, propensity: 0.2, targetProbability: 0.8, predictedReward: 0.1, targetValue: 0.2 },
  ];
  it('IPS = mean(w·r) = 2.5/4; SNIPS = 2.5/6.5; DM = mean(v̂) = 0.375; DR adds mean(w·(r − q̂))', () => {
    expect(estimateIps(log).estimate).toBeCloseTo(2.5 / 4, 14);
    expect(estimateSnips(log).estimate).toBeCloseTo(2.5 / 6.5, 14);
    expect(estimateDirectMethod(log).estimate).toBeCloseTo(0.375, 14);
    // terms: .6 + 2·.5, .4 + .5·.5, .3 + 0, .2 + 4·(−.1) → 1.6, .65, .3, −.2
    expect(estimateDoublyRobust(log).estimate).toBeCloseTo((1.6 + 0.65 + 0.3 - 0.2) / 4, 14);
    // IPS terms 2, .5, 0, 0 (mean .625): SE = sample sd / √4
    const sd = Math.sqrt(((2 - 0.625) ** 2 + (0.5 - 0.625) ** 2 + 2 * 0.625 ** 2) / 3);
    const ips = estimateIps(log);
    expect(ips.stdError).toBeCloseTo(sd / 2, 14);
    expect(ips.ciHigh - ips.estimate).toBeCloseTo(1.959963984540054 * sd / 2, 12);
  });
  it('reports weight diagnostics and rejects impossible propensities', () => {
    const all = estimatePolicyValue(log);
    expect(all.meanWeight).toBeCloseTo(6.5 / 4, 14);
    expect(all.maxWeight).toBe(4);
    expect(all.effectiveSampleSize).toBeCloseTo(6.5 ** 2 / (4 + 0.25 + 16), 12);
    expect(all.dr).toBeDefined();
    expect(() => estimateIps([{ reward: 1, propensity: 0, targetProbability: 1 }, log[0]!])).toThrow(/propensity/);
    expect(() => estimateDoublyRobust([{ reward: 1, propensity: 1, targetProbability: 1 }, log[0]!])).toThrow(/required/);
  });
});

const MU = [[0.1, 0.3, 0.5], [0.4, 0.2, 0.1], [0.6, 0.5, 0.2], [0.05, 0.1, 0.7]];
const PB = [[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1]];
const PE = [[0.1, 0.2, 0.7], [0.8, 0.1, 0.1], [0.5, 0.5, 0], [0, 0.2, 0.8]];
const PX = [0.3, 0.2, 0.4, 0.1];
const TRUTH = PX.reduce((s, px, x) => s + px * PE[x]!.reduce((t, pe, a) => t + pe * MU[x]![a]!, 0), 0);

function draw(rng: Rng, probs: readonly number[]): number {
  let u = rng.next();
  for (let i = 0; i < probs.length; i++) { u -= probs[i]!; if (u < 0) return i; }
  return probs.length - 1;
}

/** One synthetic log; q̂ = μ + bias (bias 0 is the true model). */
function simulateLog(rng: Rng, n: number, bias: number): LoggedDecision[] {
  const out: LoggedDecision[] = [];
  for (let i = 0; i < n; i++) {
    const x = draw(rng, PX), a = draw(rng, PB[x]!);
    const q = MU[x]!.map((m) => m + bias);
    out.push({
      reward: rng.next() < MU[x]![a]! ? 1 : 0, propensity: PB[x]![a]!, targetProbability: PE[x]![a]!,
      predictedReward: q[a]!, targetValue: PE[x]!.reduce((s, pe, b) => s + pe * q[b]!, 0),
    });
  }
  return out;
}

function replicate(estimator: (log: LoggedDecision[]) => OpeEstimate, bias: number) {
  const rng = createRng(`ope-${bias}`);
  const R = 400;
  const est: number[] = [];
  let covered = 0;
  for (let r = 0; r < R; r++) {
    const e = estimator(simulateLog(rng, 1500, bias));
    est.push(e.estimate);
    if (e.ciLow <= TRUTH && TRUTH <= e.ciHigh) covered++;
  }
  const mean = est.reduce((s, v) => s + v, 0) / R;
  const sd = Math.sqrt(est.reduce((s, v) => s + (v - mean) ** 2, 0) / (R - 1));
  return { mean, se: sd / Math.sqrt(R), coverage: covered / R };
}

describe('unbiasedness and coverage on synthetic logs with known truth', () => {
  it(`IPS, SNIPS, DM (true model) and DR (wrong model) centre on V = ${TRUTH.toFixed(4)} and cover it ~95%`, () => {
    expect(TRUTH).toBeCloseTo(0.3*(0.1*0.1+0.2*0.3+0.7*0.5) + 0.2*(0.8*0.4+0.1*0.2+0.1*0.1) + 0.4*(0.5*0.6+0.5*0.5) + 0.1*(0.2*0.1+0.8*0.7), 14);
    const checks: Array<[string, (l: LoggedDecision[]) => OpeEstimate, number]> = [
      ['ips', estimateIps, 0], ['snips', estimateSnips, 0], ['dm', estimateDirectMethod, 0], ['dr', estimateDoublyRobust, 0.15],
    ];
    for (const [name, f, bias] of checks) {
      const r = replicate(f, bias);
      expect(Math.abs(r.mean - TRUTH), `${name} bias (mean ${r.mean})`).toBeLessThan(4 * r.se);
      expect(r.coverage, `${name} coverage`).toBeGreaterThan(0.91);
      expect(r.coverage, `${name} coverage`).toBeLessThan(0.985);
    }
  });
  it('DM with the same wrong reward model is visibly biased (so the check above can fail)', () => {
    const r = replicate(estimateDirectMethod, 0.15);
    expect(Math.abs(r.mean - TRUTH)).toBeGreaterThan(10 * r.se);
    expect(r.coverage).toBeLessThan(0.5);
  });
});
