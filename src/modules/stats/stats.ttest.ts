/**
 * Two-sample comparisons as GrowthBook's frequentist engine (gbstats TwoSidedTTest) does them:
 * each arm is reduced to a MetricSummary (n, mean, per-unit variance), then
 *   absolute: Δ = μ_B − μ_A, Var = σ²_A/n_A + σ²_B/n_B            (Welch)
 *   relative: Δ = (μ_B − μ_A)/μ*_A, Var = σ²_B/(n_B μ*_A²) + σ²_A μ*_B²/(n_A μ*_A⁴)  (delta method)
 * where μ* is the unadjusted mean (differs from μ only under CUPED), with Welch–Satterthwaite
 * degrees of freedom, a two-sided t interval Δ ± t_{1−α/2, ν}·√Var and p = 2·P(T_ν > |Δ|/√Var).
 */
import { studentTQuantile, studentTTwoSidedP } from './stats.distributions.ts';
import {
  computeRatioVariance, covarianceOf, meanOf, varianceOf, xStatsOf, yStatsOf, type PairedStats, type SampleStats,
} from './stats.moments.ts';

/** What a test needs from one arm. `variance` is per unit (not of the mean). */
export interface MetricSummary { n: number; mean: number; variance: number; unadjustedMean: number }

export interface Estimate {
  estimate: number;
  stdError: number;
  /** Two-sided (1 − alpha) confidence interval. */
  ciLow: number;
  ciHigh: number;
  pValue: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
}

export interface Comparison { absolute: Estimate; relative: Estimate }

export interface TestOptions {
  /** 1 − confidence level; default 0.05. */
  alpha?: number;
}

/** A plain mean metric (conversion rate, revenue per shopper...). */
export function summarizeMean(s: SampleStats): MetricSummary {
  const mean = meanOf(s);
  return { n: s.n, mean, variance: varianceOf(s), unadjustedMean: mean };
}

/**
 * A ratio metric Σx / Σy over units (x = numerator, y = denominator, e.g. AOV = revenue/orders),
 * with the delta-method per-unit variance of x̄/ȳ (GrowthBook's RatioStatistic).
 */
export function summarizeRatio(p: PairedStats): MetricSummary {
  const mx = meanOf(xStatsOf(p)), my = meanOf(yStatsOf(p));
  const mean = p.sumX / p.sumY;
  const variance = computeRatioVariance(mx, varianceOf(xStatsOf(p)), my, varianceOf(yStatsOf(p)), covarianceOf(p));
  return { n: p.n, mean, variance, unadjustedMean: mean };
}

/** Welch–Satterthwaite degrees of freedom. */
export function computeWelchDf(varA: number, nA: number, varB: number, nB: number): number {
  const a = varA / nA, b = varB / nB;
  return (a + b) ** 2 / ((a * a) / (nA - 1) + (b * b) / (nB - 1));
}

function buildEstimate(estimate: number, variance: number, df: number, alpha: number): Estimate {
  const stdError = Math.sqrt(variance);
  if (!(stdError > 0) || !Number.isFinite(df) || !(df > 0)) {
    // No spread (e.g. zero conversions in both arms): an interval is not defined.
    return { estimate, stdError, ciLow: NaN, ciHigh: NaN, pValue: NaN, df };
  }
  const width = studentTQuantile(1 - alpha / 2, df) * stdError;
  return { estimate, stdError, ciLow: estimate - width, ciHigh: estimate + width, pValue: studentTTwoSidedP(estimate / stdError, df), df };
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
}

/** Absolute difference B − A (Welch). */
export function compareAbsolute(a: MetricSummary, b: MetricSummary, opts: TestOptions = {}): Estimate {
  const alpha = opts.alpha ?? 0.05;
  checkAlpha(alpha);
  const df = computeWelchDf(a.variance, a.n, b.variance, b.n);
  return buildEstimate(b.mean - a.mean, a.variance / a.n + b.variance / b.n, df, alpha);
}

/** Relative lift (B − A)/A by the delta method, GrowthBook-style. */
export function compareRelative(a: MetricSummary, b: MetricSummary, opts: TestOptions = {}): Estimate {
  const alpha = opts.alpha ?? 0.05;
  checkAlpha(alpha);
  const df = computeWelchDf(a.variance, a.n, b.variance, b.n);
  const variance = computeRatioVariance(b.unadjustedMean, b.variance / b.n, a.unadjustedMean, a.variance / a.n, 0);
  return buildEstimate((b.mean - a.mean) / a.unadjustedMean, variance, df, alpha);
}

/** Both the absolute and the relative comparison of B (treatment) against A (control). */
export function compareMetric(a: MetricSummary, b: MetricSummary, opts: TestOptions = {}): Comparison {
  return { absolute: compareAbsolute(a, b, opts), relative: compareRelative(a, b, opts) };
}

/** Welch's two-sample t-test and interval for μ_B − μ_A from sufficient statistics. */
export function welchTest(control: SampleStats, treatment: SampleStats, opts: TestOptions = {}): Estimate {
  return compareAbsolute(summarizeMean(control), summarizeMean(treatment), opts);
}
