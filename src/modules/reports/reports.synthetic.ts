/**
 * A synthetic contextual bandit with known truth, to show the off-policy estimators are unbiased
 * and their intervals honest. Eight context types (three features each) with known frequencies,
 * five actions, Bernoulli rewards with means μ(c, a) = σ(θ_a·x_c + b_a + γ·x_c0·x_c1·[a odd]).
 * With γ ≠ 0 (`misspecified`, the default) no logistic reward model of evaluatePolicyOnLog can
 * fit μ, so DM is biased while DR stays unbiased; with γ = 0 the interacted reward model
 * (per-action slopes) is exactly right and DM is unbiased too. Logging and target policies are
 * softmaxes of different scores; the target's true value V = Σ_c P(c) Σ_a π_e(a|c) μ(c, a) is exact.
 */
import { createRng, type OpeMethod, type Rng } from '../stats/index.ts';
import { evaluatePolicyOnLog, type LogRecord } from './reports.ope.ts';

const CONTEXTS = [[0, 0, 1], [1, 0, 0], [0, 1, 1], [1, 1, 0], [2, 0, 1], [0, 2, 0], [1, 2, 1], [2, 1, 0]];
const P_CONTEXT = [0.2, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1, 0.1];
const THETA = [[0.3, -0.2, 0.4], [-0.4, 0.5, 0.1], [0.6, 0.3, -0.5], [-0.1, -0.3, 0.8], [0.2, 0.6, 0.2]];
const BIAS = [-1.5, -1.2, -1.8, -1.0, -2.0];
const GAMMA = 0.9;

const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
const softmax = (xs: number[]) => { const m = Math.max(...xs), e = xs.map((x) => Math.exp(x - m)), s = e.reduce((a, b) => a + b, 0); return e.map((x) => x / s); };

export interface SyntheticBanditWorld {
  actions: number;
  /** True value of the target policy. */
  truth: number;
  /** True value of the logging policy. */
  loggingValue: number;
  simulate(rng: Rng, n: number): LogRecord[];
  targetProbabilities(r: LogRecord): number[];
}

export function createSyntheticBanditWorld(opts: { misspecified?: boolean } = {}): SyntheticBanditWorld {
  const K = THETA.length;
  const gamma = opts.misspecified === false ? 0 : GAMMA;
  const mu = CONTEXTS.map((x) => THETA.map((th, a) => sigmoid(th[0]! * x[0]! + th[1]! * x[1]! + th[2]! * x[2]! + BIAS[a]! + (a % 2 === 1 ? gamma * x[0]! * x[1]! : 0))));
  // Logging: mildly informed exploration; target: greedy-ish on a noisy view of μ.
  const logging = CONTEXTS.map((x) => softmax(THETA.map((_, a) => 0.3 * ((a + x[0]! + 2 * x[2]!) % K))));
  const target = mu.map((m) => softmax(m.map((v, a) => 8 * v + (a === 0 ? 0.5 : 0))));
  const value = (pi: number[][]) => P_CONTEXT.reduce((s, p, c) => s + p * pi[c]!.reduce((t, q, a) => t + q * mu[c]![a]!, 0), 0);
  const key = (x: readonly number[]) => x.join(',');
  const index = new Map(CONTEXTS.map((x, c) => [key(x), c]));
  const draw = (rng: Rng, probs: readonly number[]) => {
    let u = rng.next();
    for (let i = 0; i < probs.length; i++) { u -= probs[i]!; if (u < 0) return i; }
    return probs.length - 1;
  };
  return {
    actions: K,
    truth: value(target),
    loggingValue: value(logging),
    simulate(rng, n) {
      const out: LogRecord[] = [];
      for (let i = 0; i < n; i++) {
        const c = draw(rng, P_CONTEXT), a = draw(rng, logging[c]!);
        out.push({ action: a, slot: 0, reward: rng.next() < mu[c]![a]! ? 1 : 0, propensity: logging[c]![a]!, context: [...CONTEXTS[c]!] });
      }
      return out;
    },
    targetProbabilities(r) {
      const c = index.get(key(r.context));
      if (c === undefined) throw new RangeError(`unknown context ${key(r.context)}`);
      return target[c]!;
    },
  };
}

export interface CoverageResult {
  method: OpeMethod;
  /** Mean of the estimates over the replications, and its standard error. */
  meanEstimate: number;
  standardError: number;
  /** Share of replications whose (1 − α) interval contains the truth. */
  coverage: number;
  /** Mean interval half-width. */
  meanHalfWidth: number;
}

/** Runs `logs` independent logs of `n` decisions through evaluatePolicyOnLog; summarizes each estimator. */
export function measureOpeCoverage(world: SyntheticBanditWorld, opts: { logs: number; n: number; seed?: string; interactions?: boolean; l2?: number }): CoverageResult[] {
  const rng = createRng(opts.seed ?? 'ope-coverage');
  const methods: OpeMethod[] = ['ips', 'snips', 'dm', 'dr'];
  const acc = methods.map(() => ({ sum: 0, sumSq: 0, covered: 0, half: 0 }));
  for (let l = 0; l < opts.logs; l++) {
    const ev = evaluatePolicyOnLog(world.simulate(rng, opts.n), {
      actions: world.actions, targetProbabilities: (r) => world.targetProbabilities(r), seed: `fold-${l}`, interactions: opts.interactions ?? false,
      ...(opts.l2 !== undefined ? { l2: opts.l2 } : {}),
    });
    methods.forEach((m, i) => {
      const e = ev[m]!;
      const a = acc[i]!;
      a.sum += e.estimate; a.sumSq += e.estimate ** 2; a.half += (e.ciHigh - e.ciLow) / 2;
      if (e.ciLow <= world.truth && world.truth <= e.ciHigh) a.covered++;
    });
  }
  const L = opts.logs;
  return methods.map((method, i) => {
    const a = acc[i]!;
    const mean = a.sum / L;
    const sd = Math.sqrt(Math.max(0, (a.sumSq - L * mean * mean) / (L - 1)));
    return { method, meanEstimate: mean, standardError: sd / Math.sqrt(L), coverage: a.covered / L, meanHalfWidth: a.half / L };
  });
}
