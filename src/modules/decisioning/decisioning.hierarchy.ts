/**
 * Sharing strength across actions of one kind. An action's conversion model is its family's
 * model (one per action type and placement: every risk reducer at checkout, ...) plus the action's own
 * deviation, which is only an intercept:
 *
 *   P(convert | a, x) = sigmoid(offset + (w_family(a) + w_a) . x),   w_a = (b_a, 0, ..., 0)
 *
 * So four reassurance actions that each saw a quarter of the checkouts teach one shared model of
 * "reassurance here, for this shopper", and each keeps its own level (free returns may beat a
 * warranty). The posterior is diagonal over the concatenated weights; an outcome updates both
 * parts by alternating Newton steps on the joint log-posterior (the Laplace approximation), and
 * the predictive variance of an action is the sum of its two parts' variances.
 * Silence and the recommender are one arm each and have no family. Pure: no I/O, no clock.
 */
import { DIM } from './decisioning.features.ts';
import { priorModel, sigmoid, type ArmModel, type ArmPrior, type Models } from './decisioning.model.ts';

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

/** A family starts from its kind's prior with no lift of its own (the members carry their lifts). */
export function familyPrior(prior: ArmPrior): ArmModel {
  const m = priorModel({ kind: prior.kind, lift: 0 });
  m.q[0] = 4; // with the deviation's 4: the same intercept variance (1/2) as a lone arm's prior
  return m;
}

/** A member's deviation: its configured lift as an intercept, nothing else. */
export function deviationPrior(prior: ArmPrior): ArmModel {
  const m = new Float64Array(DIM), q = new Float64Array(DIM).fill(PINNED);
  m[0] = prior.lift; q[0] = DEVIATION_Q;
  return { m, q, n: 0 };
}

/** The model a member is scored with: weights added, variances added (precisions combined). */
export function combineModels(fam: ArmModel, dev: ArmModel): ArmModel {
  const m = new Float64Array(DIM), q = new Float64Array(DIM);
  for (let i = 0; i < DIM; i++) {
    m[i] = fam.m[i]! + dev.m[i]!;
    q[i] = 1 / (1 / fam.q[i]! + 1 / dev.q[i]!);
  }
  return { m, q, n: dev.n };
}

/**
 * One outcome for a member: alternating diagonal Newton steps on (family, deviation) to the joint
 * posterior mode, then each part's precision grows by p(1-p)x^2.
 */
export function updateMember(fam: ArmModel, dev: ArmModel, x: Float64Array, y: 0 | 1, offset: number): { fam: ArmModel; dev: ArmModel } {
  const wf = new Float64Array(fam.m), wd = new Float64Array(dev.m);
  const prob = () => { let z = offset; for (let i = 0; i < DIM; i++) z += (wf[i]! + wd[i]!) * x[i]!; return sigmoid(z); };
  const step = (w: Float64Array, m0: Float64Array, q0: Float64Array) => {
    const p = prob(), r = p * (1 - p);
    for (let i = 0; i < DIM; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      w[i] = w[i]! - (q0[i]! * (w[i]! - m0[i]!) - (y - p) * xi) / (q0[i]! + r * xi * xi);
    }
  };
  for (let it = 0; it < 4; it++) { step(wf, fam.m, fam.q); step(wd, dev.m, dev.q); }
  const p = prob(), r = p * (1 - p);
  const qf = new Float64Array(fam.q), qd = new Float64Array(dev.q);
  for (let i = 0; i < DIM; i++) { const x2 = x[i]! * x[i]!; qf[i] = qf[i]! + r * x2; if (qd[i]! < PINNED) qd[i] = qd[i]! + r * x2; }
  return { fam: { m: wf, q: qf, n: fam.n + 1 }, dev: { m: wd, q: qd, n: dev.n + 1 } };
}

/**
 * The models of all arms and families, with each arm's family remembered (so outcomes, which
 * name only the arm, update both). `modelOf` is what scoring uses; `learn` is one outcome.
 */
export class ModelStore {
  readonly models: Models;
  readonly families: Map<string, string>;
  constructor(models: Models = new Map(), families: Map<string, string> = new Map()) { this.models = models; this.families = families; }

  modelOf(c: { arm: string; type: string }, prior: () => ArmPrior): ArmModel {
    let dev = this.models.get(c.arm);
    let famKey = this.families.get(c.arm);
    if (!dev) {
      const p = prior();
      famKey = familyOf(c, p);
      dev = famKey ? deviationPrior(p) : priorModel(p);
      this.models.set(c.arm, dev);
      if (famKey) {
        this.families.set(c.arm, famKey);
        if (!this.models.has(famKey)) this.models.set(famKey, familyPrior(p));
      }
    }
    const fam = famKey ? this.models.get(famKey) : undefined;
    return fam ? combineModels(fam, dev) : dev;
  }

  /** One outcome for an arm; false when the arm is unknown here (deleted or never scored). */
  learn(arm: string, x: Float64Array, y: 0 | 1, offset: number, update: (m: ArmModel, x: Float64Array, y: 0 | 1, offset: number) => ArmModel): boolean {
    const dev = this.models.get(arm);
    if (!dev) return false;
    const famKey = this.families.get(arm);
    const fam = famKey ? this.models.get(famKey) : undefined;
    if (famKey && fam) {
      const u = updateMember(fam, dev, x, y, offset);
      this.models.set(famKey, u.fam); this.models.set(arm, u.dev);
    } else {
      this.models.set(arm, update(dev, x, y, offset));
    }
    return true;
  }
}
