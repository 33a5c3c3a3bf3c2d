/**
 * CUPED (Deng et al. 2013), as GrowthBook's RegressionAdjustedStatistic: with a pre-period
 * covariate x measured before assignment, each arm's outcome mean is adjusted to
 *   ȳ_adj = ȳ − θ·x̄,   per-unit variance σ²_y + θ²σ²_x − 2θ·cov(x, y),
 * with one θ = cov(x, y)/var(x) pooled over the two arms compared (so the adjustment cannot
 * favour either arm). Randomization makes E[x̄_B − x̄_A] = 0, so the adjusted difference is
 * unbiased, and its variance is (1 − ρ²) of the raw one when θ is the pooled regression slope.
 */
import { addPairedStats, covarianceOf, varianceOf, xStatsOf, yStatsOf, type PairedStats } from './stats.moments.ts';
import { compareMetric, summarizeMean, type Comparison, type MetricSummary, type TestOptions } from './stats.ttest.ts';

/** θ = pooled cov(x, y) / pooled var(x) over both arms; 0 when x has no variance. */
export function computeCupedTheta(a: PairedStats, b: PairedStats): number {
  const joint = addPairedStats(a, b);
  const vx = varianceOf(xStatsOf(joint));
  return vx > 0 ? covarianceOf(joint) / vx : 0;
}

/** One arm's outcome y adjusted by the pre-period covariate x with slope theta. */
export function summarizeCuped(p: PairedStats, theta: number): MetricSummary {
  const y = summarizeMean(yStatsOf(p));
  const x = summarizeMean(xStatsOf(p));
  const variance = Math.max(0, y.variance + theta * theta * x.variance - 2 * theta * covarianceOf(p));
  return { n: p.n, mean: y.mean - theta * x.mean, variance, unadjustedMean: y.mean };
}

export interface CupedComparison extends Comparison {
  theta: number;
  /** 1 − Var(adjusted Δ)/Var(raw Δ): the share of the absolute difference's variance removed. */
  varianceReduction: number;
  /** The same comparison without the adjustment. */
  unadjusted: Comparison;
}

/** Compares arm B against arm A with and without CUPED. x = pre-period covariate, y = outcome. */
export function compareCuped(a: PairedStats, b: PairedStats, opts: TestOptions = {}): CupedComparison {
  const theta = computeCupedTheta(a, b);
  const adjusted = compareMetric(summarizeCuped(a, theta), summarizeCuped(b, theta), opts);
  const unadjusted = compareMetric(summarizeMean(yStatsOf(a)), summarizeMean(yStatsOf(b)), opts);
  const varianceReduction = 1 - adjusted.absolute.stdError ** 2 / unadjusted.absolute.stdError ** 2;
  return { ...adjusted, theta, varianceReduction, unadjusted };
}
