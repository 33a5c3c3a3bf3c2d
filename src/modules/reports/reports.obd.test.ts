/**
 * Proof on real data: the Open Bandit Dataset men campaign (../shared/data/open_bandit, see its
 * SOURCE.md). Braid's estimators evaluate the Bernoulli Thompson sampling policy (its slot
 * probabilities from prior_bts.yaml, computed as OBP's compute_batch_action_dist does) on the
 * uniform-random logs, next to that policy's on-policy CTR in its own logs (69 clicks / 10,000).
 *
 * What "sane" means here, and why not "IPS inside the on-policy CTR's interval": the random
 * sample has only 46 clicks, so the off-policy estimate has a standard error of about 0.0012 and
 * the on-policy CTR one of about 0.0008. The check is therefore that the two independent
 * estimates agree within their combined uncertainty (|z| < 1.96 for the difference) and their
 * 95% intervals overlap. Measured: IPS ≈ 0.0045 vs 0.0069 on-policy, z ≈ −1.6. The production
 * BTS also updated its posteriors during the week (its logged propensities drift away from the
 * priors), so the test also evaluates that time-varying policy, reconstructed from the BTS log's
 * propensities, and finds the same value: the gap is sampling noise, not a policy mismatch.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHARED_DATA_DIR } from '../../testing/test.config.ts';
import { estimateIps, normalQuantile } from '../stats/index.ts';
import {
  computeBtsSlotProbabilities, evaluatePolicyOnLog, parseBtsPriors, parseObdLog, reconstructLoggedSlotPolicy,
  type ObdLog, type PolicyEvaluation,
} from './index.ts';

const DIR = join(SHARED_DATA_DIR, 'open_bandit');
const present = ['prior_bts.yaml', 'random/men/men.csv', 'bts/men/men.csv'].every((f) => existsSync(join(DIR, f)));
if (!present) console.warn(`skipping Open Bandit Dataset tests: ${DIR} is absent (public data sets live in ../shared/data; see its README.md)`);

let dist: number[][];
let random: ObdLog;
let bts: ObdLog;
let ev: PolicyEvaluation;
let onPolicy: { ctr: number; se: number };

beforeAll(() => {
  if (!present) return;
  dist = computeBtsSlotProbabilities(parseBtsPriors(readFileSync(join(DIR, 'prior_bts.yaml'), 'utf8'), 'men'), { simulations: 100_000 });
  random = parseObdLog(readFileSync(join(DIR, 'random/men/men.csv'), 'utf8'), 34);
  bts = parseObdLog(readFileSync(join(DIR, 'bts/men/men.csv'), 'utf8'), 34, random.levels);
  ev = evaluatePolicyOnLog(random.records, { actions: 34, slots: 3, targetProbabilities: (r) => dist.map((row) => row[r.slot]!) });
  const ctr = bts.records.reduce((s, r) => s + r.reward, 0) / bts.records.length;
  onPolicy = { ctr, se: Math.sqrt((ctr * (1 - ctr)) / (bts.records.length - 1)) };
}, 120_000);

describe.skipIf(!present)('Open Bandit Dataset (men): OPE of Bernoulli TS on uniform-random logs', () => {
  it('reads both logs as SOURCE.md describes them', () => {
    expect(random.records).toHaveLength(10_000);
    expect(bts.records).toHaveLength(10_000);
    expect(random.records.filter((r) => r.reward === 1)).toHaveLength(46);
    expect(bts.records.filter((r) => r.reward === 1)).toHaveLength(69);
    expect(new Set(random.records.map((r) => r.propensity))).toEqual(new Set([1 / 34]));
    expect(random.contextFeatures).toHaveLength(2 + 4 + 8 + 7);
  });

  it('computes a BTS slot distribution whose favourites are the items the BTS log shows most', () => {
    for (let k = 0; k < 3; k++) expect(dist.reduce((s, row) => s + row[k]!, 0)).toBeCloseTo(1, 12);
    const shown = (item: number) => dist[item]!.reduce((s, p) => s + p, 0);
    const byPolicy = [...Array(34).keys()].sort((a, b) => shown(b) - shown(a)).slice(0, 2);
    const counts = new Map<number, number>();
    for (const r of bts.records) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
    const byLog = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([i]) => i);
    expect(byPolicy).toEqual(byLog); // items 13 and 23
  });

  it('weights average to 1 within sampling error (propensities and target distribution are consistent)', () => {
    const w = random.records.map((r) => dist[r.action]![r.slot]! / r.propensity);
    const sd = Math.sqrt(w.reduce((s, x) => s + (x - ev.meanWeight) ** 2, 0) / (w.length - 1));
    expect(Math.abs(ev.meanWeight - 1)).toBeLessThan(3 * sd / Math.sqrt(w.length));
  });

  it('IPS, SNIPS and DR agree with the BTS on-policy CTR within their combined uncertainty', () => {
    const z = normalQuantile(0.975);
    for (const e of [ev.ips, ev.snips, ev.dr!]) {
      expect(e.estimate, e.method).toBeGreaterThan(0.002);
      expect(e.estimate, e.method).toBeLessThan(0.012);
      expect(Math.abs(e.estimate - onPolicy.ctr) / Math.hypot(e.stdError, onPolicy.se), e.method).toBeLessThan(z);
      expect(e.ciHigh, e.method).toBeGreaterThan(onPolicy.ctr - z * onPolicy.se); // intervals overlap
    }
    // DM is a model-based extrapolation; its interval includes the reward model's variance.
    expect(ev.dm!.ciHigh - ev.dm!.ciLow).toBeGreaterThan(0);
  });

  it('evaluates the time-varying production BTS (from its logged propensities) at the same value: the gap is noise', () => {
    const logged = reconstructLoggedSlotPolicy(bts);
    const ips = estimateIps(random.records.map((r, i) => ({ reward: r.reward, propensity: r.propensity, targetProbability: logged(random.times[i]!, r.slot)[r.action]! })));
    expect(Math.abs(ips.estimate - ev.ips.estimate)).toBeLessThan(ev.ips.stdError / 2);
  });
});
