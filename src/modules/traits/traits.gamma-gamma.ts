/**
 * Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: using
 * iso-value curves", and Fader & Hardie's note "The Gamma-Gamma model of monetary value", 2013):
 * each transaction's value ~ Gamma(p, ν), ν ~ Gamma(q, γ) across customers (γ is called v here
 * and in lifetimes). Fitted on repeat customers only (x > 0, mean repeat spend m > 0); assumes
 * spend is independent of frequency. Also the discounted CLV that combines it with BG/NBD.
 * Pure functions, no I/O.
 */
import { expectedPurchases, type BgNbdParams, type RfmSummary } from './traits.bgnbd.ts';
import { logGamma, nelderMeadSteps, runSync } from './traits.math.ts';

export interface GammaGammaParams { p: number; q: number; v: number }
/** x repeat transactions with mean value m. */
export interface SpendSummary { x: number; m: number }

/** Log-density of observing mean spend m over x transactions. */
export function gammaGammaLogLikelihood(g: GammaGammaParams, s: SpendSummary): number {
  const { p, q, v } = g;
  const px = p * s.x;
  return logGamma(px + q) - logGamma(px) - logGamma(q) + q * Math.log(v) + (px - 1) * Math.log(s.m) + px * Math.log(s.x) - (px + q) * Math.log(s.x * s.m + v);
}

export interface GammaGammaFit extends GammaGammaParams { logLikelihood: number; n: number; iterations: number; converged: boolean }

/**
 * Maximum-likelihood fit: Nelder–Mead on log p, log q, log v from p = q = v = 1 (lifetimes'
 * GammaGammaFitter start), mean negative log-likelihood, no penalizer. Rows with x = 0 or m ≤ 0
 * are not informative and are skipped.
 */
export function fitGammaGamma(data: readonly SpendSummary[], start?: GammaGammaParams): GammaGammaFit {
  return runSync(fitGammaGammaSteps(data, start));
}

/** fitGammaGamma as steps (see runCooperatively). */
export function* fitGammaGammaSteps(data: readonly SpendSummary[], start: GammaGammaParams = { p: 1, q: 1, v: 1 }): Generator<void, GammaGammaFit> {
  const rows = data.filter((s) => s.x > 0 && s.m > 0);
  if (rows.length === 0) throw new RangeError('fitGammaGamma needs at least one repeat customer with positive spend');
  const n = rows.length;
  const params = (z: number[]): GammaGammaParams => ({ p: Math.exp(z[0]!), q: Math.exp(z[1]!), v: Math.exp(z[2]!) });
  const objective = (z: number[]) => {
    if (z.some((w) => Math.abs(w) > 30)) return Infinity;
    const g = params(z);
    let s = 0;
    for (const r of rows) s += gammaGammaLogLikelihood(g, r);
    return -s / n;
  };
  const res = yield* nelderMeadSteps(objective, [Math.log(start.p), Math.log(start.q), Math.log(start.v)]);
  return { ...params(res.x), logLikelihood: -res.value * n, n, iterations: res.iterations, converged: res.converged };
}

/**
 * E[M | x, m]: the expected value of a future transaction, a weighted mean of the population mean
 * p·v/(q−1) and the customer's own mean m (more weight to m the more transactions). For x = 0 it
 * is the population mean. Needs q > 1 (else the population mean is infinite); below that the
 * customer's own mean is returned.
 */
export function expectedAverageSpend(g: GammaGammaParams, s: SpendSummary): number {
  const { p, q, v } = g;
  if (q <= 1) return s.m;
  if (s.x <= 0) return (p * v) / (q - 1);
  return (p * (v + s.x * s.m)) / (p * s.x + q - 1);
}

export interface ClvOptions {
  /** Length of the horizon in model time units (weeks): default 52, one year. */
  horizon: number;
  /** Number of equal steps the horizon is split into, each discounted once: default 12 (months). */
  steps: number;
  /** Discount rate per step: default 0.01 a month (about 12.7% a year). */
  discountPerStep: number;
}

export const DEFAULT_CLV: ClvOptions = { horizon: 52, steps: 12, discountPerStep: 0.01 };

/**
 * Discounted expected revenue over the horizon: Σ_i (E[Y(t_i)] − E[Y(t_{i−1})]) · spend / (1 + d)^i
 * with t_i = i · horizon / steps (lifetimes' customer_lifetime_value does the same with 30-day
 * months). It is revenue, not margin: multiply by a margin rate for contribution.
 */
export function discountedClv(bg: BgNbdParams, c: RfmSummary, spend: number, opts: ClvOptions = DEFAULT_CLV): number {
  let total = 0, prev = 0;
  for (let i = 1; i <= opts.steps; i++) {
    const cum = expectedPurchases(bg, c, (i * opts.horizon) / opts.steps);
    total += ((cum - prev) * spend) / Math.pow(1 + opts.discountPerStep, i);
    prev = cum;
  }
  return total;
}
