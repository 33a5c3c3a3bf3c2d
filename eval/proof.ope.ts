/**
 * Off-policy evaluation for `npm run eval:proof`: the Open Bandit Dataset (men) — Braid's
 * estimators evaluate Bernoulli TS (slot probabilities from prior_bts.yaml) on the
 * uniform-random logs, next to BTS's on-policy CTR in its own logs — and synthetic logs with a
 * known true value, where the estimators' bias and interval coverage are measured.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  computeBtsSlotProbabilities, createSyntheticBanditWorld, evaluatePolicyOnLog, measureOpeCoverage, parseBtsPriors, parseObdLog,
  reconstructLoggedSlotPolicy, type CoverageResult, type PolicyEvaluation,
} from '../src/modules/reports/index.ts';
import { estimateIps, normalQuantile, type OpeEstimate } from '../src/modules/stats/index.ts';

export interface ObdProof {
  evaluation: PolicyEvaluation;
  btsOnPolicy: { ctr: number; ciLow: number; ciHigh: number; clicks: number; n: number };
  randomOnPolicy: { ctr: number; clicks: number; n: number };
  /** IPS of the production BTS as it ran (time-varying; reconstructed from the BTS log's propensities). */
  loggedBtsIps: OpeEstimate;
  /** z of (IPS − on-policy CTR) with both standard errors combined. */
  zIps: number;
  seconds: number;
}

export function proveObd(dataDir: string): ObdProof {
  const t0 = performance.now();
  const dir = join(dataDir, 'open_bandit');
  const dist = computeBtsSlotProbabilities(parseBtsPriors(readFileSync(join(dir, 'prior_bts.yaml'), 'utf8'), 'men'), { simulations: 100_000 });
  const random = parseObdLog(readFileSync(join(dir, 'random', 'men', 'men.csv'), 'utf8'), 34);
  const bts = parseObdLog(readFileSync(join(dir, 'bts', 'men', 'men.csv'), 'utf8'), 34, random.levels);
  const evaluation = evaluatePolicyOnLog(random.records, { actions: 34, slots: 3, targetProbabilities: (r) => dist.map((row) => row[r.slot]!) });
  const clicks = bts.records.reduce((s, r) => s + r.reward, 0), n = bts.records.length, ctr = clicks / n;
  const se = Math.sqrt((ctr * (1 - ctr)) / (n - 1)), z = normalQuantile(0.975);
  const logged = reconstructLoggedSlotPolicy(bts);
  const loggedBtsIps = estimateIps(random.records.map((r, i) => ({ reward: r.reward, propensity: r.propensity, targetProbability: logged(random.times[i]!, r.slot)[r.action]! })));
  const randomClicks = random.records.reduce((s, r) => s + r.reward, 0);
  return {
    evaluation,
    btsOnPolicy: { ctr, ciLow: ctr - z * se, ciHigh: ctr + z * se, clicks, n },
    randomOnPolicy: { ctr: randomClicks / random.records.length, clicks: randomClicks, n: random.records.length },
    loggedBtsIps,
    zIps: (evaluation.ips.estimate - ctr) / Math.hypot(evaluation.ips.stdError, se),
    seconds: (performance.now() - t0) / 1000,
  };
}

export interface SyntheticProof {
  truth: number;
  /** Reward model misspecified (additive logistic vs an interacting truth): IPS, SNIPS, DM, DR. */
  misspecified: CoverageResult[];
  /** Well-specified world and reward model (per-action slopes): DM. */
  wellSpecifiedTruth: number;
  wellSpecifiedDm: CoverageResult;
  logs: number;
  n: number;
  seconds: number;
}

export function proveSynthetic(logs = 200, n = 1000): SyntheticProof {
  const t0 = performance.now();
  const world = createSyntheticBanditWorld();
  const misspecified = measureOpeCoverage(world, { logs, n, seed: 'eval-proof' });
  const well = createSyntheticBanditWorld({ misspecified: false });
  const wellSpecifiedDm = measureOpeCoverage(well, { logs: Math.ceil(logs / 2), n, seed: 'eval-proof-well', interactions: true, l2: 1e-6 }).find((r) => r.method === 'dm')!;
  return { truth: world.truth, misspecified, wellSpecifiedTruth: well.truth, wellSpecifiedDm, logs, n, seconds: (performance.now() - t0) / 1000 };
}
