/**
 * The policy: score eligible candidates by expected contribution and pick slots.
 *
 *   value(a) = lever(a) * P(convert | a, x) * (basket margin - giveaway) - contact cost
 *
 * Choice is optimistic (UCB on the log-odds: z + alpha * sd; incentives by their mean) with an exploration floor: with
 * probability epsilon a slot is drawn uniformly from the eligible set, so every logged choice has
 * an exact propensity, (1 - eps) * [a = target] + eps / |eligible|. Pure: randomness is passed in.
 */
import { predictAt, sigmoid, type ArmModel } from './decisioning.model.ts';
import type { ActionType, Candidate, PlacementDef, Removal, Scored } from './decisioning.types.ts';

export const UCB_ALPHA = 1.0;
const isIncentive = (t: ActionType) => t === 'incentivize' || t === 'loyalty_perk';
/** One ladder per offer kind: "the smallest depth that pays" is chosen within a ladder. */
const ladderOf = (c: Candidate) => `${c.type}:${c.theme ?? ''}`;

export function scoreCandidates(cands: readonly Candidate[], X: Float64Array, modelOf: (c: Candidate) => ArmModel, offset: number, placement: PlacementDef, alpha = UCB_ALPHA): Scored[] {
  const out: Scored[] = new Array(cands.length);
  for (let i = 0; i < cands.length; i++) {
    const c = cands[i]!;
    const { z, v } = predictAt(modelOf(c), X, c.row!, offset);
    const p = sigmoid(z), pu = sigmoid(z + alpha * Math.sqrt(v));
    const lever = placement.levers[c.type] ?? 1;
    const net = c.margin - c.cost;
    const contact = c.type === 'none' ? 0 : placement.contactCost;
    const value = lever * p * net - contact, ucb = lever * pu * net - contact;
    // Incentives are not chosen optimistically (conservative exploration): a discount's uncertain
    // upside costs real margin (and teaches shoppers to wait for codes), so the policy's own
    // choice ranks one by its posterior mean; the optimistic value only keeps it in the eligible
    // set (the gate below), where the exploration floor still tries it.
    out[i] = { c, p, value, ucb, rank: isIncentive(c.type) && !c.promised ? value : ucb };
  }
  return out;
}

/**
 * Incentives must earn their keep: one is kept only when its optimistic value beats the best
 * non-discount action's, and within a ladder (same kind) only the shallowest that does so.
 */
export function gateIncentives(scored: readonly Scored[]): { kept: Scored[]; removed: Removal[] } {
  let best = -Infinity, bestKey = '';
  for (const s of scored) if (!isIncentive(s.c.type) && s.ucb > best) { best = s.ucb; bestKey = s.c.key; }
  const removed: Removal[] = [];
  const shallowest = new Map<string, Scored>();
  for (const s of scored) {
    if (!isIncentive(s.c.type) || s.c.promised) continue;
    if (s.ucb <= best) {
      removed.push({ key: s.c.key, rule: 'prefer_non_discount', detail: `expected contribution ${s.ucb.toFixed(2)} does not beat the best non-discount action ${bestKey} (${best.toFixed(2)})` });
      continue;
    }
    const l = ladderOf(s.c), cur = shallowest.get(l);
    if (!cur || s.c.depth < cur.c.depth || (s.c.depth === cur.c.depth && s.ucb > cur.ucb)) shallowest.set(l, s);
  }
  const kept: Scored[] = [];
  for (const s of scored) {
    if (!isIncentive(s.c.type) || s.c.promised) { kept.push(s); continue; }
    const sh = shallowest.get(ladderOf(s.c));
    if (sh === s) kept.push(s);
    else if (sh && !removed.some((r) => r.key === s.c.key)) {
      removed.push({ key: s.c.key, rule: 'deeper_than_needed', detail: `${sh.c.offerId} is a shallower discount that already beats every non-discount action` });
    }
  }
  return { kept, removed };
}

export interface Pick { s: Scored; propensity: number; why: string }

const isContent = (t: ActionType) => t === 'reassure' || t === 'educate';

/**
 * The content slot of a product placement. A message or panel that shows products and a
 * reassurance or education block (a cart email: the cart, suggestions, "free returns") is a slate
 * of different kinds, not one ranked list: a product slot is valued with the basket's margin plus
 * the product's own, so a risk reducer (the basket's margin, less its cost) could never outrank
 * the products for a slot and the message kept saying nothing reassuring. So the last slot of a
 * multi-slot product placement goes to the best content action when none was chosen yet and it
 * beats staying silent (its optimistic value above silence's: the same test silence's own slot
 * applies); otherwise the slot is filled as before.
 */
export function contentSlotPool(pool: readonly Scored[], picks: readonly Pick[], placement: PlacementDef, slot: number, count: number): Scored[] | undefined {
  if (placement.kind !== 'products' || count < 2 || slot !== count - 1) return undefined;
  if (picks.some((p) => isContent(p.s.c.type))) return undefined;
  const silence = pool.find((s) => s.c.type === 'none')?.rank ?? 0;
  const content = pool.filter((s) => isContent(s.c.type) && s.rank > silence);
  return content.length > 0 ? content : undefined;
}

export interface ChooseInput {
  scored: readonly Scored[];
  placement: PlacementDef;
  count: number;
  exploration: number;
  rng: () => number;
  /** Apprentice mode: the key the baseline rule picks among what remains (undefined: learner). */
  baseline?: ((remaining: readonly Scored[]) => Scored | undefined) | undefined;
  /** Whether `s` may join what is already chosen (stacking of offers). */
  canAdd?: ((chosen: readonly Pick[], s: Scored) => boolean) | undefined;
}

export interface ChooseOutput { picks: Pick[]; greedyFirst: Scored | undefined; targetFirst: Scored | undefined }

export function choose(input: ChooseInput): ChooseOutput {
  const { placement, exploration: eps, rng } = input;
  let remaining = [...input.scored];
  const picks: Pick[] = [];
  let greedyFirst: Scored | undefined, targetFirst: Scored | undefined;
  // Promises from the ad or message come first, in order, whenever still eligible.
  for (const s of remaining.filter((r) => r.c.promised)) {
    if (picks.length >= input.count) break;
    if (input.canAdd && !input.canAdd(picks, s)) continue;
    picks.push({ s, propensity: 1, why: 'continuity: keeps the promise of the ad or message that brought the shopper' });
  }
  remaining = remaining.filter((r) => !picks.some((p) => p.s === r));
  for (let slot = picks.length; slot < input.count; slot++) {
    const eligible = remaining.filter((s) => (placement.allowNone || s.c.type !== 'none') && (!input.canAdd || input.canAdd(picks, s)));
    if (eligible.length === 0) break;
    const pool = (input.baseline ? undefined : contentSlotPool(eligible, picks, placement, slot, input.count)) ?? eligible;
    let greedy = pool[0]!;
    for (const s of pool) if (s.rank > greedy.rank) greedy = s;
    const target = input.baseline?.(pool) ?? greedy;
    if (slot === picks.length && greedyFirst === undefined) { greedyFirst = greedy; targetFirst = target; }
    let chosen = target, why = input.baseline ? 'apprentice: the baseline rule\'s choice' : pool === eligible ? 'highest optimistic expected contribution' : 'content slot: the best reassurance or education that beats staying silent';
    if (eps > 0 && rng() < eps) {
      chosen = pool[Math.floor(rng() * pool.length)]!;
      why = 'exploration: drawn uniformly from the eligible actions';
    }
    const propensity = (1 - eps) * (chosen === target ? 1 : 0) + eps / pool.length;
    picks.push({ s: chosen, propensity, why });
    if (chosen.c.type === 'none') break; // silence ends the decision
    remaining = remaining.filter((r) => r !== chosen);
  }
  return { picks, greedyFirst, targetFirst };
}
