/**
 * Numerical building blocks of the CLV models, pure and dependency-free: log-gamma, the Gauss
 * hypergeometric series, a Nelder–Mead minimizer, and order statistics.
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits); reflection below 0.5. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS_G + 2; i++) s += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) by its power series, for 0 ≤ z < 1 (the only
 * range the BG/NBD expectation needs: z = t / (α + T + t)). Terms shrink like z^n, so even z = 0.99
 * converges in a few thousand terms; the sum stops when a term is below 1e-14 of the total.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1 needs 0 <= z < 1, got ${z}`);
  let term = 1, sum = 1;
  for (let n = 0; n < 200_000; n++) {
    term *= ((a + n) * (b + n) / ((c + n) * (n + 1))) * z;
    sum += term;
    if (Math.abs(term) < 1e-14 * Math.abs(sum)) return sum;
  }
  return sum;
}

export interface MinimizeResult { x: number[]; value: number; iterations: number; converged: boolean }

/**
 * Nelder–Mead simplex minimization (standard coefficients: reflection 1, expansion 2, contraction
 * ½, shrink ½). Derivative-free, so the likelihoods need no gradients. It stops when the simplex's
 * spread in value is below `ftol` and in position below `xtol`, then restarts once from the best
 * point with a fresh simplex (a collapsed simplex is Nelder–Mead's known failure mode); the
 * answer is accepted when the restart does not move it.
 */
export function nelderMead(f: (x: number[]) => number, x0: number[], opts: NelderMeadOptions = {}): MinimizeResult {
  return runSync(nelderMeadSteps(f, x0, opts));
}

export interface NelderMeadOptions { step?: number; ftol?: number; xtol?: number; maxIterations?: number }

/** Nelder–Mead as steps: yields after every iteration so a caller can interleave other work. */
export function* nelderMeadSteps(f: (x: number[]) => number, x0: number[], opts: NelderMeadOptions = {}): Generator<void, MinimizeResult> {
  const step = opts.step ?? 0.5, ftol = opts.ftol ?? 1e-12, xtol = opts.xtol ?? 1e-9, maxIt = opts.maxIterations ?? 20_000;
  let best = yield* simplexRun(f, x0, step, ftol, xtol, maxIt);
  let iterations = best.iterations;
  for (let restart = 0; restart < 5; restart++) {
    const again = yield* simplexRun(f, best.x, step / 4, ftol, xtol, maxIt);
    iterations += again.iterations;
    const moved = Math.abs(again.value - best.value) > ftol * 10;
    if (again.value < best.value) best = again;
    if (!moved) return { x: best.x, value: best.value, iterations, converged: best.converged };
  }
  return { x: best.x, value: best.value, iterations, converged: false };
}

function* simplexRun(f: (x: number[]) => number, x0: number[], step: number, ftol: number, xtol: number, maxIt: number): Generator<void, MinimizeResult> {
  const n = x0.length;
  const safe = (x: number[]) => { const v = f(x); return Number.isFinite(v) ? v : Infinity; };
  let pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) { const p = x0.slice(); p[i] = p[i]! + step; pts.push(p); }
  let vals = pts.map(safe);
  const combine = (a: number[], b: number[], t: number) => a.map((ai, i) => ai + t * (b[i]! - ai));
  let it = 0;
  for (; it < maxIt; it++) {
    yield;
    const order = vals.map((v, i) => i).sort((i, j) => vals[i]! - vals[j]!);
    pts = order.map((i) => pts[i]!); vals = order.map((i) => vals[i]!);
    const spreadF = Math.abs(vals[n]! - vals[0]!);
    const spreadX = Math.max(...pts.slice(1).map((p) => Math.max(...p.map((v, i) => Math.abs(v - pts[0]![i]!)))));
    if (spreadF <= ftol * (1 + Math.abs(vals[0]!)) && spreadX <= xtol) return { x: pts[0]!, value: vals[0]!, iterations: it, converged: true };
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i]! += pts[k]![i]! / n;
    const worst = pts[n]!;
    const reflected = combine(centroid, worst, -1);
    const fr = safe(reflected);
    if (fr < vals[0]!) {
      const expanded = combine(centroid, worst, -2);
      const fe = safe(expanded);
      if (fe < fr) { pts[n] = expanded; vals[n] = fe; } else { pts[n] = reflected; vals[n] = fr; }
      continue;
    }
    if (fr < vals[n - 1]!) { pts[n] = reflected; vals[n] = fr; continue; }
    const outside = fr < vals[n]!;
    const contracted = combine(centroid, outside ? reflected : worst, 0.5);
    const fc = safe(contracted);
    if (fc < (outside ? fr : vals[n]!)) { pts[n] = contracted; vals[n] = fc; continue; }
    for (let k = 1; k <= n; k++) { pts[k] = combine(pts[0]!, pts[k]!, 0.5); vals[k] = safe(pts[k]!); }
  }
  const i = vals.indexOf(Math.min(...vals));
  return { x: pts[i]!, value: vals[i]!, iterations: it, converged: false };
}

export { runSync, runCooperatively } from '../../core/index.ts';
import { runSync } from '../../core/index.ts';

/** The q-quantile (0..1) of already sorted numbers, linear between order statistics (type 7). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function median(values: readonly number[]): number {
  return quantileSorted([...values].sort((a, b) => a - b), 0.5);
}

export const DAY_MS = 86_400_000;

/** The UTC day number (days since 1970-01-01) of an epoch-ms instant. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}
