/**
 * The conversion model: one Bayesian logistic regression per arm (an action family: the
 * recommender, each page module or risk reducer, each offer, and silence), with a diagonal
 * Gaussian posterior updated online by the Laplace approximation (Chapelle & Li 2011, alg. 3,
 * applied one outcome at a time). P(convert | arm, x) = sigmoid(offset + w.x), where the offset
 * is the moment's base rate in log-odds; the posterior variance gives the UCB exploration bonus.
 * Pure: no I/O, no clock.
 */
import { DIM } from './decisioning.features.ts';

export interface ArmModel { m: Float64Array; q: Float64Array; n: number }
export type Models = Map<string, ArmModel>;

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
export const logit = (p: number) => Math.log(p / (1 - p));

/**
 * Prior precision of each slope. A shopper's vector has about six units of squared feature mass
 * (bias, cart, hour, personalization, ...), so with precision 1 per slope the prior predictive
 * sd of the log-odds was about 2.4 (p anywhere from 0.1 to 0.9 for a 0.5 base rate): one
 * outcome moved a prediction by 15 points and UCB's bonus dwarfed the few points actions differ
 * by. Precision 4 keeps the prior sd near 1.3.
 */
export const SLOPE_Q = 4;

export interface ArmPrior { kind: 'recommend' | 'content' | 'incentive' | 'none'; lift: number }

/**
 * Priors encode what a merchandiser would assume before any data (all learnable): relevance
 * sells, a module the shopper's preferences ask for helps, risk reducers help hesitant shoppers,
 * deeper discounts convert more and more so for coupon hunters. Silence is the reference arm.
 */
export function priorModel(prior: ArmPrior): ArmModel {
  const m = new Float64Array(DIM), q = new Float64Array(DIM).fill(SLOPE_Q);
  m[0] = prior.lift;
  q[0] = 2;
  m[16] = 0.5;
  switch (prior.kind) {
    case 'recommend': m[14] = 1.0; break;
    case 'content': m[12] = 1.2; m[13] = 1.5; break;
    case 'incentive': m[4] = 0.8; m[8] = 1.0; m[15] = 2.0; break;
    case 'none': q.fill(4); q[0] = 10; break;
  }
  return { m, q, n: 0 };
}

/** Which prior an arm starts from: by action type; content actions bring their configured lift. */
export function armPrior(c: { type: string; offerId?: string | undefined; actionId?: string | undefined }, actionLift: (id: string) => number): ArmPrior {
  if (c.type === 'none') return { kind: 'none', lift: 0 };
  if (c.type === 'recommend') return { kind: 'recommend', lift: 0 };
  // An offer moves conversion through its depth and the shopper's discount signals (the prior's
  // slopes), not by being an offer: a 10% code is assumed worth +0.2 in log-odds, no more.
  if (c.offerId) return { kind: 'incentive', lift: 0 };
  return { kind: 'content', lift: actionLift(c.actionId ?? '') };
}

/** Log-odds mean and variance of the linear predictor. */
export function predict(model: ArmModel, x: Float64Array, offset: number): { z: number; v: number } {
  return predictAt(model, x, 0, offset);
}

/** The same for the row starting at `base` of a feature matrix (no per-candidate views). */
export function predictAt(model: ArmModel, X: Float64Array, base: number, offset: number): { z: number; v: number } {
  let z = offset, v = 0;
  const { m, q } = model;
  for (let i = 0; i < DIM; i++) {
    const xi = X[base + i]!;
    if (xi !== 0) { z += m[i]! * xi; v += (xi * xi) / q[i]!; }
  }
  return { z, v };
}

/**
 * One observed outcome (y = 1 converted, 0 not) for features x: a few diagonal Newton steps to
 * the posterior mode, then the precision grows by p(1-p)x^2 (the Laplace approximation).
 */
export function updateModel(model: ArmModel, x: Float64Array, y: 0 | 1, offset: number): ArmModel {
  const m0 = model.m, q0 = model.q;
  const w = new Float64Array(m0);
  for (let it = 0; it < 4; it++) {
    let z = offset;
    for (let i = 0; i < DIM; i++) z += w[i]! * x[i]!;
    const p = sigmoid(z);
    const r = p * (1 - p);
    for (let i = 0; i < DIM; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const g = q0[i]! * (w[i]! - m0[i]!) - (y - p) * xi;
      const h = q0[i]! + r * xi * xi;
      w[i] = w[i]! - g / h;
    }
  }
  let z = offset;
  for (let i = 0; i < DIM; i++) z += w[i]! * x[i]!;
  const p = sigmoid(z);
  const q = new Float64Array(q0);
  for (let i = 0; i < DIM; i++) q[i] = q0[i]! + p * (1 - p) * x[i]! * x[i]!;
  return { m: w, q, n: model.n + 1 };
}

export interface SerializedModels { [arm: string]: { m: number[]; q: number[]; n: number } }

export function serializeModels(models: Models): SerializedModels {
  const out: SerializedModels = {};
  for (const [arm, a] of models) out[arm] = { m: [...a.m].map((v) => Math.round(v * 1e6) / 1e6), q: [...a.q].map((v) => Math.round(v * 1e4) / 1e4), n: a.n };
  return out;
}

export function deserializeModels(s: SerializedModels): Models {
  const out: Models = new Map();
  for (const [arm, a] of Object.entries(s)) {
    if (a.m.length !== DIM) continue; // a feature set change: start that arm from its prior
    out.set(arm, { m: Float64Array.from(a.m), q: Float64Array.from(a.q), n: a.n });
  }
  return out;
}
