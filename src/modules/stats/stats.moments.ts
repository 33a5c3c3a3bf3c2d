/**
 * Sufficient statistics: what a report needs from each arm, small enough to aggregate in SQL
 * (count, sum, sum of squares, and for two metrics on the same units the sum of products).
 * Every test in this module starts from these, so a report can be fed from unit rows, from an
 * SQL GROUP BY, or from another system's aggregates alike.
 */

/** One metric over n units: Σy and Σy². */
export interface SampleStats { n: number; sum: number; sumSq: number }

/**
 * Two metrics measured on the same n units (x and y), with Σxy. Used for ratio metrics
 * (x = numerator, y = denominator, e.g. revenue / orders) and for CUPED (x = pre-period
 * covariate, y = outcome).
 */
export interface PairedStats { n: number; sumX: number; sumXSq: number; sumY: number; sumYSq: number; sumXY: number }

export function computeSampleStats(values: Iterable<number>): SampleStats {
  let n = 0, sum = 0, sumSq = 0;
  for (const v of values) { n++; sum += v; sumSq += v * v; }
  return { n, sum, sumSq };
}

export function computePairedStats(xs: readonly number[], ys: readonly number[]): PairedStats {
  if (xs.length !== ys.length) throw new RangeError('computePairedStats: x and y must have the same length');
  const s: PairedStats = { n: xs.length, sumX: 0, sumXSq: 0, sumY: 0, sumYSq: 0, sumXY: 0 };
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!, y = ys[i]!;
    s.sumX += x; s.sumXSq += x * x; s.sumY += y; s.sumYSq += y * y; s.sumXY += x * y;
  }
  return s;
}

export function addSampleStats(a: SampleStats, b: SampleStats): SampleStats {
  return { n: a.n + b.n, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq };
}

export function addPairedStats(a: PairedStats, b: PairedStats): PairedStats {
  return { n: a.n + b.n, sumX: a.sumX + b.sumX, sumXSq: a.sumXSq + b.sumXSq, sumY: a.sumY + b.sumY, sumYSq: a.sumYSq + b.sumYSq, sumXY: a.sumXY + b.sumXY };
}

export function xStatsOf(p: PairedStats): SampleStats { return { n: p.n, sum: p.sumX, sumSq: p.sumXSq }; }
export function yStatsOf(p: PairedStats): SampleStats { return { n: p.n, sum: p.sumY, sumSq: p.sumYSq }; }

export function meanOf(s: SampleStats): number {
  return s.n > 0 ? s.sum / s.n : NaN;
}

/** Unbiased sample variance (divisor n - 1), clamped at 0 against rounding; NaN below 2 units. */
export function varianceOf(s: SampleStats): number {
  if (s.n < 2) return NaN;
  return Math.max(0, (s.sumSq - (s.sum * s.sum) / s.n) / (s.n - 1));
}

/** Unbiased sample covariance of x and y (divisor n - 1). */
export function covarianceOf(p: PairedStats): number {
  if (p.n < 2) return NaN;
  return (p.sumXY - (p.sumX * p.sumY) / p.n) / (p.n - 1);
}

/**
 * Variance of a ratio of two means by the delta method (GrowthBook's variance_of_ratios):
 * Var(m/d) ≈ Var(m)/d² + Var(d)·m²/d⁴ − 2·Cov(m,d)·m/d³, where the inputs are the means and
 * the variances/covariance *of those means* (or per-unit ones, giving a per-unit variance).
 */
export function computeRatioVariance(meanM: number, varM: number, meanD: number, varD: number, covMD: number): number {
  return varM / meanD ** 2 + (varD * meanM ** 2) / meanD ** 4 - (2 * covMD * meanM) / meanD ** 3;
}
