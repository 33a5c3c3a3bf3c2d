/**
 * "What would policy B have earned on the traffic policy A served?" Off-policy evaluation of a
 * target policy on a logged-bandit log (a decision log: per decision the action, its slot, the
 * logging propensity, the reward, and context features).
 *
 * The reward model for DM and DR is a logistic regression (linear when rewards are not 0/1) on
 * [context features, one-hot action, one-hot slot], cross-fitted: the log is split into `folds`
 * parts at random (seeded) and each part is predicted by a model fitted on the others, so a
 * decision's own reward never informs its prediction. IPS and SNIPS need no model.
 * DM's interval adds the reward model's estimation variance by the delta method: with G the
 * gradient of the DM estimate with respect to the coefficients, Var ≈ Gᵀ Cov(β̂) G, Cov from each
 * fold's information matrix, averaged over folds (treating the fold models as one: conservative).
 */
import { invalid } from '../../core/index.ts';
import {
  computeFunctionalVariance, createRng, estimatePolicyValue, fitLinearRegression, fitLogisticRegression, predictLinear, predictLogistic,
  type LinearModel, type LoggedDecision, type PolicyValueEstimates,
} from '../stats/index.ts';

export interface LogRecord {
  /** Action index in [0, actions). */
  action: number;
  /** Slot (position) index in [0, slots); 0 when there is one slot. */
  slot: number;
  reward: number;
  /** Logging policy's probability of this action in this slot. */
  propensity: number;
  /** Numeric context features, the same length for every record. */
  context: number[];
}

export interface PolicyEvaluationOptions {
  actions: number;
  slots?: number;
  /** The target policy: probabilities over actions for this record's context and slot (sums to 1). */
  targetProbabilities: (r: LogRecord) => readonly number[];
  folds?: number;
  seed?: string;
  /**
   * Reward model features: additive [context, action, slot] (default), or with context × action
   * products too (a separate context slope per action; needs more data per action).
   */
  interactions?: boolean;
  /** Reward model L2 penalty (default 1e-2: clicks are rare, many one-hot features). */
  l2?: number;
  alpha?: number;
}

export interface PolicyEvaluation extends PolicyValueEstimates {
  n: number;
  /** The logging policy's own average reward on this log (on-policy value of the logger). */
  loggedValue: number;
  rewardModel: { kind: 'logistic' | 'linear'; folds: number; features: number; interactions: boolean };
}

function designRow(r: LogRecord, action: number, actions: number, slots: number, interactions: boolean): number[] {
  const row = [...r.context];
  for (let a = 1; a < actions; a++) row.push(action === a ? 1 : 0);
  for (let s = 1; s < slots; s++) row.push(r.slot === s ? 1 : 0);
  if (interactions) for (let a = 1; a < actions; a++) for (const x of r.context) row.push(action === a ? x : 0);
  return row;
}

export function evaluatePolicyOnLog(log: readonly LogRecord[], opts: PolicyEvaluationOptions): PolicyEvaluation {
  const K = opts.actions, S = opts.slots ?? 1, folds = opts.folds ?? 3, inter = opts.interactions ?? false;
  const design = (r: LogRecord, a: number) => designRow(r, a, K, S, inter);
  if (log.length < folds * 2) throw invalid('log', `needs at least ${folds * 2} records`);
  if (!(folds >= 2) || !Number.isInteger(folds)) throw invalid('folds', 'must be an integer >= 2');
  log.forEach((r, i) => {
    if (!(Number.isInteger(r.action) && r.action >= 0 && r.action < K)) throw invalid(`log[${i}].action`, `must be an integer in [0, ${K})`);
    if (!(Number.isInteger(r.slot) && r.slot >= 0 && r.slot < S)) throw invalid(`log[${i}].slot`, `must be an integer in [0, ${S})`);
  });
  const binary = log.every((r) => r.reward === 0 || r.reward === 1);
  const fit = binary ? fitLogisticRegression : fitLinearRegression;
  const predict = binary ? predictLogistic : predictLinear;

  const rng = createRng(opts.seed ?? 'braid-ope');
  const fold = log.map(() => rng.int(folds));
  const l2 = opts.l2 ?? 1e-2;
  const models: LinearModel[] = [];
  const trains: Array<{ X: number[][]; y: number[] }> = [];
  for (let f = 0; f < folds; f++) {
    const train = log.filter((_, i) => fold[i] !== f);
    const X = train.map((r) => design(r, r.action)), y = train.map((r) => r.reward);
    trains.push({ X, y });
    models.push(fit(X, y, { l2 }));
  }
  const m = design(log[0]!, 0).length + 1;
  const grad = new Float64Array(m);

  const decisions: LoggedDecision[] = log.map((r, i) => {
    const model = models[fold[i]!]!;
    const pi = opts.targetProbabilities(r);
    if (pi.length !== K) throw invalid('targetProbabilities', `must return ${K} probabilities (got ${pi.length})`);
    let targetValue = 0;
    for (let a = 0; a < K; a++) {
      if (!(pi[a]! > 0)) continue;
      const z = design(r, a), q = predict(model, z);
      targetValue += pi[a]! * q;
      // ∂q/∂β: q(1−q)·[1, z] for logistic, [1, z] for linear; averaged over decisions.
      const w = (pi[a]! * (binary ? q * (1 - q) : 1)) / log.length;
      grad[0]! += w;
      for (let j = 0; j < z.length; j++) grad[j + 1]! += w * z[j]!;
    }
    return {
      reward: r.reward, propensity: r.propensity, targetProbability: pi[r.action]!,
      predictedReward: predict(model, design(r, r.action)), targetValue,
    };
  });
  const g = [...grad];
  const modelVariance = trains.reduce((s, t, f) => s + computeFunctionalVariance(models[f]!, t.X, t.y, binary ? 'logistic' : 'linear', g, { l2 }), 0) / folds;
  const est = estimatePolicyValue(decisions, { modelVariance, ...(opts.alpha === undefined ? {} : { alpha: opts.alpha }) });
  return {
    ...est, n: log.length,
    loggedValue: log.reduce((s, r) => s + r.reward, 0) / log.length,
    rewardModel: { kind: binary ? 'logistic' : 'linear', folds, features: design(log[0]!, 0).length, interactions: inter },
  };
}
