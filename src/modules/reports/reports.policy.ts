/**
 * "What would policy B have earned on the traffic policy A served?", answered from Braid's own
 * decision log. Policy A is whatever decided (its propensity is logged with every decision);
 * policy B is a declarative target policy:
 *
 *   { "placement": "cart_nudge", "prefer": ["action:rr_free_returns", "type:reassure", "none"], "epsilon": 0.1 }
 *
 * For each logged decision B takes the first entry of `prefer` that matches an eligible candidate
 * (an exact key such as `offer:save5`, `type:<action type>`, or `*`), with probability 1 - epsilon,
 * and spreads epsilon uniformly over the eligible set. The reward is the decision's contribution
 * margin (0 when its attribution window closed without an order); decisions still inside their
 * window are skipped. The direct method's reward model is the mean logged reward per action key
 * (the overall mean for keys never logged). Estimators and intervals: the stats module.
 */
import { estimatePolicyValue, type LoggedDecision, type PolicyValueEstimates } from '../stats/index.ts';
import { invalid } from '../../core/index.ts';

export interface TargetPolicy { name?: string | undefined; placement: string; prefer: string[]; epsilon?: number | undefined }

export interface LoggedRow { actionKey: string; propensity: number; eligible: readonly string[]; reward: number | null }

export function parseTargetPolicy(value: unknown): TargetPolicy {
  const v = value as Partial<TargetPolicy> | null;
  if (!v || typeof v !== 'object') throw invalid('policy', 'must be an object {placement, prefer, epsilon?}');
  if (typeof v.placement !== 'string' || !v.placement) throw invalid('policy.placement', 'is required');
  if (!Array.isArray(v.prefer) || v.prefer.length === 0 || !v.prefer.every((p) => typeof p === 'string' && p.length > 0)) throw invalid('policy.prefer', 'must be a non-empty list of action keys, type:<type> or *');
  if (v.epsilon !== undefined && (typeof v.epsilon !== 'number' || v.epsilon < 0 || v.epsilon > 1)) throw invalid('policy.epsilon', 'must be a number from 0 to 1');
  return { name: typeof v.name === 'string' ? v.name : undefined, placement: v.placement, prefer: v.prefer, epsilon: v.epsilon ?? 0 };
}

const typeOfKey = (k: string) => (k === 'none' ? 'none' : k.startsWith('product:') ? 'recommend' : undefined);

/** B's probability of each eligible key. `types` maps a key to its action type when known. */
export function targetDistribution(policy: TargetPolicy, eligible: readonly string[], types: ReadonlyMap<string, string> = new Map()): Map<string, number> {
  const out = new Map<string, number>();
  if (eligible.length === 0) return out;
  const eps = policy.epsilon ?? 0;
  const matches = (pattern: string, key: string) => pattern === '*' || pattern === key
    || (pattern.startsWith('type:') && (types.get(key) ?? typeOfKey(key)) === pattern.slice(5));
  let chosen: string | undefined;
  for (const p of policy.prefer) { chosen = eligible.find((k) => matches(p, k)); if (chosen) break; }
  for (const k of eligible) out.set(k, eps / eligible.length);
  if (chosen) out.set(chosen, (out.get(chosen) ?? 0) + (1 - eps));
  else for (const k of eligible) out.set(k, 1 / eligible.length); // nothing preferred is eligible: uniform
  return out;
}

export interface DecisionLogEvaluation {
  policy: TargetPolicy;
  decisions: number;
  evaluated: number;
  pending: number;
  /** What the logging policy earned per decision (on-policy mean reward). */
  loggingValue: number | null;
  estimates: PolicyValueEstimates | null;
}

export function evaluateOnDecisionLog(rows: readonly LoggedRow[], policy: TargetPolicy, opts: { alpha?: number; types?: ReadonlyMap<string, string> } = {}): DecisionLogEvaluation {
  const done = rows.filter((r): r is LoggedRow & { reward: number } => r.reward !== null && r.propensity > 0);
  const base = { policy, decisions: rows.length, evaluated: done.length, pending: rows.length - done.length };
  if (done.length === 0) return { ...base, loggingValue: null, estimates: null };
  const sums = new Map<string, { s: number; n: number }>();
  let total = 0;
  for (const r of done) {
    const a = sums.get(r.actionKey) ?? { s: 0, n: 0 };
    a.s += r.reward; a.n++; sums.set(r.actionKey, a);
    total += r.reward;
  }
  const overall = total / done.length;
  const rhat = (k: string) => { const a = sums.get(k); return a ? a.s / a.n : overall; };
  const logged: LoggedDecision[] = done.map((r) => {
    const pi = targetDistribution(policy, r.eligible, opts.types);
    let targetValue = 0;
    for (const [k, p] of pi) targetValue += p * rhat(k);
    return { reward: r.reward, propensity: r.propensity, targetProbability: pi.get(r.actionKey) ?? 0, predictedReward: rhat(r.actionKey), targetValue };
  });
  return { ...base, loggingValue: overall, estimates: estimatePolicyValue(logged, opts.alpha !== undefined ? { alpha: opts.alpha } : {}) };
}
