/**
 * Off-policy evaluation: what would target policy π_e have earned on the traffic that logging
 * policy π_b served? Each logged decision i carries its reward r_i, the logging propensity
 * p_i = π_b(a_i|x_i) and the target's probability π_e(a_i|x_i); w_i = π_e(a_i|x_i)/p_i.
 *   IPS   V̂ = (1/n) Σ w_i r_i                                   (unbiased if p_i > 0 wherever π_e > 0)
 *   SNIPS V̂ = Σ w_i r_i / Σ w_i                                 (self-normalized; small bias, less variance)
 *   DM    V̂ = (1/n) Σ v̂_i,  v̂_i = Σ_a π_e(a|x_i) q̂(x_i, a)      (reward model q̂; biased if q̂ is)
 *   DR    V̂ = (1/n) Σ [v̂_i + w_i (r_i − q̂(x_i, a_i))]           (unbiased if either p or q̂ is right)
 * Confidence intervals are normal (CLT) intervals V̂ ± z_{1−α/2}·SE: for IPS, DM and DR SE is the
 * sample standard deviation of the per-decision terms over √n; for SNIPS it is the delta-method
 * SE of the ratio of the means of w·r and w. For DM the caller may add `modelVariance`, the
 * variance of the estimate due to fitting q̂ (reports' evaluatePolicyOnLog computes it by the
 * delta method from the reward model's information matrix); without it the DM interval reflects
 * the sampling of contexts only. No interval covers a biased q̂'s error: DM is only as right as q̂.
 */
import { normalQuantile } from './stats.distributions.ts';
import { computeRatioVariance } from './stats.moments.ts';

export interface LoggedDecision {
  reward: number;
  /** π_b(a_i|x_i): the probability the logging policy gave the action it took (the decision log's propensity). */
  propensity: number;
  /** π_e(a_i|x_i): the target policy's probability of that same action in that context. */
  targetProbability: number;
  /** q̂(x_i, a_i): the reward model's prediction for the logged action (DR). */
  predictedReward?: number;
  /** Σ_a π_e(a|x_i)·q̂(x_i, a): the reward model's value of the target policy in this context (DM, DR). */
  targetValue?: number;
}

export type OpeMethod = 'ips' | 'snips' | 'dm' | 'dr';

export interface OpeEstimate {
  method: OpeMethod;
  estimate: number;
  stdError: number;
  ciLow: number;
  ciHigh: number;
  n: number;
}

export interface OpeOptions {
  /** 1 − confidence level; default 0.05. */
  alpha?: number;
  /** DM only: variance of the estimate due to the reward model's estimation, added to the sampling variance. */
  modelVariance?: number;
}

function weightOf(d: LoggedDecision, i: number): number {
  if (!(d.propensity > 0 && d.propensity <= 1)) throw new RangeError(`decisions[${i}].propensity must be in (0, 1] (got ${d.propensity})`);
  if (!(d.targetProbability >= 0 && d.targetProbability <= 1)) throw new RangeError(`decisions[${i}].targetProbability must be in [0, 1] (got ${d.targetProbability})`);
  return d.targetProbability / d.propensity;
}

function fromTerms(method: OpeMethod, terms: readonly number[], alpha: number, extraVariance = 0): OpeEstimate {
  const n = terms.length;
  if (n < 2) throw new RangeError('off-policy evaluation needs at least two logged decisions');
  let sum = 0, sumSq = 0;
  for (const t of terms) { sum += t; sumSq += t * t; }
  const mean = sum / n;
  const stdError = Math.sqrt(Math.max(0, (sumSq - sum * mean) / (n - 1)) / n + extraVariance);
  const z = normalQuantile(1 - alpha / 2);
  return { method, estimate: mean, stdError, ciLow: mean - z * stdError, ciHigh: mean + z * stdError, n };
}

function need(d: LoggedDecision, i: number, key: 'predictedReward' | 'targetValue', method: string): number {
  const v = d[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${method}: decisions[${i}].${key} is required`);
  return v;
}

export function estimateIps(decisions: readonly LoggedDecision[], opts: OpeOptions = {}): OpeEstimate {
  return fromTerms('ips', decisions.map((d, i) => weightOf(d, i) * d.reward), opts.alpha ?? 0.05);
}

export function estimateSnips(decisions: readonly LoggedDecision[], opts: OpeOptions = {}): OpeEstimate {
  const n = decisions.length;
  if (n < 2) throw new RangeError('off-policy evaluation needs at least two logged decisions');
  let sw = 0, swr = 0, sww = 0, swrwr = 0, swwr = 0;
  decisions.forEach((d, i) => {
    const w = weightOf(d, i), wr = w * d.reward;
    sw += w; swr += wr; sww += w * w; swrwr += wr * wr; swwr += w * wr;
  });
  const estimate = swr / sw;
  const mW = sw / n, mWR = swr / n;
  const varW = (sww - sw * mW) / (n - 1), varWR = (swrwr - swr * mWR) / (n - 1), cov = (swwr - sw * mWR) / (n - 1);
  const stdError = Math.sqrt(Math.max(0, computeRatioVariance(mWR, varWR, mW, varW, cov)) / n);
  const z = normalQuantile(1 - (opts.alpha ?? 0.05) / 2);
  return { method: 'snips', estimate, stdError, ciLow: estimate - z * stdError, ciHigh: estimate + z * stdError, n };
}

export function estimateDirectMethod(decisions: readonly LoggedDecision[], opts: OpeOptions = {}): OpeEstimate {
  const mv = opts.modelVariance ?? 0;
  if (!(mv >= 0)) throw new RangeError('modelVariance must be >= 0');
  return fromTerms('dm', decisions.map((d, i) => need(d, i, 'targetValue', 'dm')), opts.alpha ?? 0.05, mv);
}

export function estimateDoublyRobust(decisions: readonly LoggedDecision[], opts: OpeOptions = {}): OpeEstimate {
  return fromTerms('dr', decisions.map((d, i) =>
    need(d, i, 'targetValue', 'dr') + weightOf(d, i) * (d.reward - need(d, i, 'predictedReward', 'dr'))), opts.alpha ?? 0.05);
}

export interface PolicyValueEstimates {
  ips: OpeEstimate;
  snips: OpeEstimate;
  /** Present when every decision has targetValue and predictedReward. */
  dm?: OpeEstimate;
  dr?: OpeEstimate;
  /** (Σw)²/Σw²: how many logged decisions the weighted estimate is "worth". */
  effectiveSampleSize: number;
  maxWeight: number;
  /** Σw/n; should be near 1 when the propensities are right (a cheap logging check). */
  meanWeight: number;
}

/** All four estimators over one log. */
export function estimatePolicyValue(decisions: readonly LoggedDecision[], opts: OpeOptions = {}): PolicyValueEstimates {
  const w = decisions.map(weightOf);
  const sw = w.reduce((s, x) => s + x, 0), sww = w.reduce((s, x) => s + x * x, 0);
  const out: PolicyValueEstimates = {
    ips: estimateIps(decisions, opts), snips: estimateSnips(decisions, opts),
    effectiveSampleSize: sww > 0 ? (sw * sw) / sww : 0, maxWeight: w.reduce((m, x) => Math.max(m, x), 0), meanWeight: sw / decisions.length,
  };
  if (decisions.every((d) => typeof d.targetValue === 'number' && typeof d.predictedReward === 'number')) {
    out.dm = estimateDirectMethod(decisions, opts);
    out.dr = estimateDoublyRobust(decisions, opts);
  }
  return out;
}
