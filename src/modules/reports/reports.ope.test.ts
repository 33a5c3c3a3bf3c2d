/**
 * evaluatePolicyOnLog on synthetic logs with known truth (reports.synthetic): many independent
 * logs, each evaluated with cross-fitted reward models. Unbiased = the mean estimate within 4
 * standard errors of the true value; honest intervals = coverage of the true value near 95%.
 * Seeds are fixed, so the outcome is deterministic; the bounds are wide enough for a correct
 * estimator and far too narrow for a biased one (DM with a misspecified model is the control).
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../stats/index.ts';
import { createSyntheticBanditWorld, evaluatePolicyOnLog, measureOpeCoverage } from './index.ts';

describe('off-policy evaluation on synthetic logs with known truth', () => {
  it('IPS, SNIPS and DR are unbiased with ~95% coverage even when the reward model is wrong; DM is not', () => {
    const world = createSyntheticBanditWorld();
    const res = measureOpeCoverage(world, { logs: 150, n: 1000 });
    for (const r of res.filter((x) => x.method !== 'dm')) {
      expect(Math.abs(r.meanEstimate - world.truth), r.method).toBeLessThan(4 * r.standardError);
      expect(r.coverage, r.method).toBeGreaterThan(0.9);
      expect(r.coverage, r.method).toBeLessThan(0.99);
    }
    const dm = res.find((x) => x.method === 'dm')!;
    expect(Math.abs(dm.meanEstimate - world.truth)).toBeGreaterThan(10 * dm.standardError);
  });

  it('DM is unbiased too, and its interval (with the model variance) covers, when the reward model is right', () => {
    const world = createSyntheticBanditWorld({ misspecified: false });
    const dm = measureOpeCoverage(world, { logs: 60, n: 1000, interactions: true, l2: 1e-6 }).find((x) => x.method === 'dm')!;
    expect(Math.abs(dm.meanEstimate - world.truth)).toBeLessThan(4 * dm.standardError);
    expect(dm.coverage).toBeGreaterThan(0.9);
  });

  it('knows the logging policy value, and names bad input', () => {
    const world = createSyntheticBanditWorld();
    const log = world.simulate(createRng(5), 4000);
    const ev = evaluatePolicyOnLog(log, { actions: world.actions, targetProbabilities: (r) => world.targetProbabilities(r) });
    expect(Math.abs(ev.loggedValue - world.loggingValue)).toBeLessThan(4 * Math.sqrt(0.25 / 4000));
    expect(ev.rewardModel).toEqual({ kind: 'logistic', folds: 3, features: 3 + 4, interactions: false });
    expect(() => evaluatePolicyOnLog([{ ...log[0]!, action: 9 }, ...log.slice(1)], { actions: 5, targetProbabilities: () => [1, 0, 0, 0, 0] })).toThrow(/log\[0\]\.action/);
    expect(() => evaluatePolicyOnLog(log, { actions: 5, targetProbabilities: () => [1] })).toThrow(/targetProbabilities/);
  });
});
