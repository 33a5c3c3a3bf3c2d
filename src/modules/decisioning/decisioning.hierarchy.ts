/**
 * Sharing strength. An action's conversion model at a placement is silence's model there (the
 * baseline: how likely this shopper is to buy here anyway), plus its family's difference from
 * silence (one per action type and placement: every risk reducer at checkout, ...), plus the
 * action's own deviation, which is only an intercept:
 *
 *   P(convert | a, x) = sigmoid(offset + (w_none@p + w_family(a) + w_a) . x),   w_a = (b_a, 0, ..., 0)
 *
 * So every decision at a placement teaches the baseline, the family learns only the increment over
 * staying silent (shrunk toward none), four reassurance actions that each saw a quarter of the
 * checkouts teach one model of "reassurance here, for this shopper", and each keeps its own level.
 * (Two separate regressions for silence and reassurance each carried their own noise in a dozen
 * weights, and a two-point true difference drowned in it.) The posterior is diagonal over the
 * concatenated weights; an outcome updates every part by alternating Newton steps on the joint
 * log-posterior (the Laplace approximation), and an action's predictive variance is the sum of its
 * parts'. Silence and the recommender are one arm each. Pure: no I/O, no clock.
 */
import { DIM } from './decisioning.features.ts';
import { priorModel, sigmoid, SLOPE_Q, type ArmModel, type ArmPrior, type Models } from './decisioning.model.ts';

/** Precision of a deviation's non-intercept weights: effectively pinned at 0. */
const PINNED = 1e6;
/** Prior precision of an action's own intercept around its configured lift (sd 0.5). */
const DEVIATION_Q = 4;

/**
 * The family an arm belongs to: `family:<type>@<placement>` for an arm `<key>@<placement>` (every
 * risk reducer at checkout; every offer in cart emails), or undefined for arms that stand alone.
 */
export function familyOf(c: { arm: string; type: string }, prior: ArmPrior): string | undefined {
  if (prior.kind !== 'content' && prior.kind !== 'incentive') return undefined;
  const at = c.arm.lastIndexOf('@');
  return `family:${c.type}${at >= 0 ? c.arm.slice(at) : ''}`;
}

/**
 * A family is a difference from silence: it starts from its kind's prior slopes (relevance,
 * preference match, hesitation x risk reducer, depth ...) but four times as certain, so what is
 * not learned stays near "no different from staying silent" instead of drifting with noise.
 */
export function familyPrior(prior: ArmPrior): ArmModel {
  const m = priorModel({ kind: prior.kind, lift: 0 });
  m.q.fill(4 * SLOPE_Q);
  m.q[0] = 4; // with the deviation's 4: the same intercept variance (1/2) as a lone arm's prior
  m.m[16] = 0; // continuity is the baseline's
  return m;
}

/** A member's deviation: its configured lift as an intercept, nothing else. */
export function deviationPrior(prior: ArmPrior): ArmModel {
  const m = new Float64Array(DIM), q = new Float64Array(DIM).fill(PINNED);
  m[0] = prior.lift; q[0] = DEVIATION_Q;
  return { m, q, n: 0 };
}

/** The baseline of an arm `<key>@<placement>`: silence there (`none@<placement>`); none for silence itself and the recommender. */
export function baselineOf(arm: string): string | undefined {
  const at = arm.lastIndexOf('@');
  if (at < 0) return undefined;
  const base = `none${arm.slice(at)}`;
  return base === arm ? undefined : base;
}

/** The model an arm is scored with: its parts' weights added, their variances added. */
export function combineModels(...parts: ArmModel[]): ArmModel {
  if (parts.length === 1) return parts[0]!;
  const m = new Float64Array(DIM), v = new Float64Array(DIM);
  for (const p of parts) for (let i = 0; i < DIM; i++) { m[i] = m[i]! + p.m[i]!; v[i] = v[i]! + 1 / p.q[i]!; }
  const q = new Float64Array(DIM);
  for (let i = 0; i < DIM; i++) q[i] = 1 / v[i]!;
  return { m, q, n: parts[parts.length - 1]!.n };
}

/**
 * One outcome for an arm made of parts (baseline, family, deviation): alternating diagonal Newton
 * steps on the joint posterior mode, then each part's precision grows by p(1-p)x^2.
 */
export function updateParts(parts: readonly ArmModel[], x: Float64Array, y: 0 | 1, offset: number): ArmModel[] {
  const ws = parts.map((p) => new Float64Array(p.m));
  const prob = () => { let z = offset; for (const w of ws) for (let i = 0; i < DIM; i++) z += w[i]! * x[i]!; return sigmoid(z); };
  for (let it = 0; it < 4; it++) {
    for (let k = 0; k < parts.length; k++) {
      const w = ws[k]!, m0 = parts[k]!.m, q0 = parts[k]!.q;
      const p = prob(), r = p * (1 - p);
      for (let i = 0; i < DIM; i++) {
        const xi = x[i]!;
        if (xi === 0) continue;
        w[i] = w[i]! - (q0[i]! * (w[i]! - m0[i]!) - (y - p) * xi) / (q0[i]! + r * xi * xi);
      }
    }
  }
  const p = prob(), r = p * (1 - p);
  return parts.map((part, k) => {
    const q = new Float64Array(part.q);
    for (let i = 0; i < DIM; i++) if (q[i]! < PINNED) q[i] = q[i]! + r * x[i]! * x[i]!;
    return { m: ws[k]!, q, n: part.n + 1 };
  });
}

/**
 * The models of all arms, families and baselines, with each arm's family remembered (so
 * outcomes, which name only the arm, update every part). `modelOf` is what scoring uses; `learn`
 * is one outcome.
 */
export class ModelStore {
  readonly models: Models;
  readonly families: Map<string, string>;
  constructor(models: Models = new Map(), families: Map<string, string> = new Map()) { this.models = models; this.families = families; }

  /** The keys of an arm's parts, outermost first (baseline, family, the arm itself). */
  private partsOf(arm: string): string[] {
    const fam = this.families.get(arm);
    if (!fam) return [arm];
    const base = baselineOf(arm);
    return base ? [base, fam, arm] : [fam, arm];
  }

  modelOf(c: { arm: string; type: string }, prior: () => ArmPrior): ArmModel {
    if (!this.models.has(c.arm)) {
      const p = prior();
      const famKey = familyOf(c, p);
      this.models.set(c.arm, famKey ? deviationPrior(p) : priorModel(p));
      if (famKey) {
        this.families.set(c.arm, famKey);
        if (!this.models.has(famKey)) this.models.set(famKey, familyPrior(p));
      }
    }
    const keys = this.partsOf(c.arm);
    for (const k of keys) if (!this.models.has(k)) this.models.set(k, priorModel({ kind: 'none', lift: 0 })); // a baseline not scored yet
    return combineModels(...keys.map((k) => this.models.get(k)!));
  }

  /** One outcome for an arm; false when the arm is unknown here (deleted or never scored). */
  learn(arm: string, x: Float64Array, y: 0 | 1, offset: number, update: (m: ArmModel, x: Float64Array, y: 0 | 1, offset: number) => ArmModel): boolean {
    const own = this.models.get(arm);
    if (!own) return false;
    const keys = this.partsOf(arm).filter((k) => this.models.has(k));
    if (keys.length === 1) { this.models.set(arm, update(own, x, y, offset)); return true; }
    const next = updateParts(keys.map((k) => this.models.get(k)!), x, y, offset);
    keys.forEach((k, i) => this.models.set(k, next[i]!));
    return true;
  }
}
