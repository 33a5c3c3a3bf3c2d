/**
 * BG/NBD ("beta-geometric / negative binomial") model of repeat buying: Fader, Hardie & Lee (2005),
 * "Counting your customers the easy way", Marketing Science 24(2). While alive a customer buys
 * as a Poisson process with rate λ ~ Gamma(r, α); after each purchase they drop out with
 * probability p ~ Beta(a, b). A customer is summarized by (x, t_x, T): x repeat purchases, the
 * last one t_x after the first, observed for T since the first (all in the same time unit; Braid
 * uses weeks, as the published CDNOW fit does). Pure functions, no I/O.
 */
import { hyp2f1, logBeta, logGamma, nelderMeadSteps, runSync } from './traits.math.ts';

export interface BgNbdParams { r: number; alpha: number; a: number; b: number }
export interface RfmSummary { x: number; tx: number; T: number }

/** A summary with a weight (how many customers share it), so identical rows cost one evaluation. */
export interface WeightedSummary extends RfmSummary { weight?: number }

/** Per-customer log-likelihood, eq. (6) of the paper written with a log-sum-exp for stability. */
export function bgNbdLogLikelihood(p: BgNbdParams, c: RfmSummary): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = c;
  const common = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + logBeta(a, b + x) - logBeta(a, b);
  const stay = -(r + x) * Math.log(alpha + T);
  if (x === 0) return common + stay;
  const drop = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  const hi = Math.max(stay, drop);
  return common + hi + Math.log(Math.exp(stay - hi) + Math.exp(drop - hi));
}

/**
 * Sum of weighted log-likelihoods. Same value as summing bgNbdLogLikelihood, but the terms that
 * depend only on x (three log-gammas) are computed once per distinct x: the fit evaluates this
 * thousands of times, and x takes few values.
 */
export function bgNbdTotalLogLikelihood(p: BgNbdParams, data: readonly WeightedSummary[]): number {
  const { r, alpha, a, b } = p;
  const base = -logGamma(r) + r * Math.log(alpha) - logBeta(a, b);
  const byX = new Map<number, number>();
  let s = 0;
  for (const c of data) {
    const { x, tx, T } = c;
    let common = byX.get(x);
    if (common === undefined) { common = base + logGamma(r + x) + logBeta(a, b + x); byX.set(x, common); }
    const stay = -(r + x) * Math.log(alpha + T);
    let ll: number;
    if (x === 0) ll = common + stay;
    else {
      const drop = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
      const hi = Math.max(stay, drop);
      ll = common + hi + Math.log(Math.exp(stay - hi) + Math.exp(drop - hi));
    }
    s += (c.weight ?? 1) * ll;
  }
  return s;
}

/** Collapses identical (x, t_x, T) rows into one weighted row. */
export function compressSummaries(data: readonly RfmSummary[]): WeightedSummary[] {
  const m = new Map<string, WeightedSummary>();
  for (const c of data) {
    const k = `${c.x}|${c.tx}|${c.T}`;
    const cur = m.get(k);
    if (cur) cur.weight = (cur.weight ?? 1) + 1; else m.set(k, { x: c.x, tx: c.tx, T: c.T, weight: 1 });
  }
  return [...m.values()];
}

export interface BgNbdFit extends BgNbdParams { logLikelihood: number; n: number; iterations: number; converged: boolean }

/**
 * Maximum-likelihood fit. The optimizer is Nelder–Mead (traits.math.ts) on the logs of the four
 * parameters (so they stay positive without constraints), started at r = α = a = b = 1 as
 * lifetimes' BetaGeoFitter does, minimizing the mean negative log-likelihood; no penalizer.
 */
export function fitBgNbd(data: readonly RfmSummary[], start?: BgNbdParams): BgNbdFit {
  return runSync(fitBgNbdSteps(data, start));
}

/** fitBgNbd as steps (see runCooperatively). */
export function* fitBgNbdSteps(data: readonly RfmSummary[], start: BgNbdParams = { r: 1, alpha: 1, a: 1, b: 1 }): Generator<void, BgNbdFit> {
  if (data.length === 0) throw new RangeError('fitBgNbd needs at least one customer');
  for (const c of data) {
    if (!(c.x >= 0 && c.tx >= 0 && c.T >= c.tx) || (c.x > 0 && !(c.tx > 0))) throw new RangeError(`invalid summary x=${c.x} t_x=${c.tx} T=${c.T}`);
  }
  const rows = compressSummaries(data);
  const n = data.length;
  const params = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
  const objective = (v: number[]) => (v.some((z) => Math.abs(z) > 30) ? Infinity : -bgNbdTotalLogLikelihood(params(v), rows) / n);
  const res = yield* nelderMeadSteps(objective, [Math.log(start.r), Math.log(start.alpha), Math.log(start.a), Math.log(start.b)]);
  return { ...params(res.x), logLikelihood: -res.value * n, n, iterations: res.iterations, converged: res.converged };
}

/** P(alive | x, t_x, T): 1 for a customer who never repurchased (the model's drop-out happens only after a purchase). */
export function probabilityAlive(p: BgNbdParams, c: RfmSummary): number {
  if (c.x === 0) return 1;
  const { r, alpha, a, b } = p;
  const ratio = Math.log(a) - Math.log(b + c.x - 1) + (r + c.x) * (Math.log(alpha + c.T) - Math.log(alpha + c.tx));
  return 1 / (1 + Math.exp(ratio));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in the next t time units, eq. (10) of the paper.
 * Valid for a ≠ 1 (a fit lands exactly on 1 with probability zero; it is nudged off it).
 */
export function expectedPurchases(p: BgNbdParams, c: RfmSummary, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  const a = Math.abs(p.a - 1) < 1e-9 ? 1 + 1e-9 : p.a;
  const { x, tx, T } = c;
  const z = t / (alpha + T + t);
  const hyp = hyp2f1(r + x, b + x, a + b + x - 1, z);
  const lead = (a + b + x - 1) / (a - 1);
  const num = lead * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp);
  const den = x > 0 ? 1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 1;
  return num / den;
}

/** E[X(t)] for a new customer: expected purchases in (0, t] from acquisition, eq. (7). */
export function expectedPurchasesNew(p: BgNbdParams, t: number): number {
  const { r, alpha, b } = p;
  const a = Math.abs(p.a - 1) < 1e-9 ? 1 + 1e-9 : p.a;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z));
}
