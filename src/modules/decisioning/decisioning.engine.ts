/**
 * One decision, synchronously, from memory: candidates and eligibility, features, scores, the
 * incentive gate, slot choice with propensities, and the explanation. No I/O and no clock: the
 * service passes the time, the shopper snapshot, the models and a random source in.
 */
import type { Assignment } from '../experiments/index.ts';
import { stackOffers, type Offer, type OfferPolicy } from '../offers/index.ts';
import { buildCandidates, type CandidateInput } from './decisioning.candidates.ts';
import { candidateFeatures, contextFeatures, DIM, localHour, type ShopperView } from './decisioning.features.ts';
import { logit, type ArmModel } from './decisioning.model.ts';
import { choose, gateIncentives, scoreCandidates, type Pick } from './decisioning.policy.ts';
import type { Candidate, ChosenAction, DecideRequest, DecisionResult, PlacementDef, Scored } from './decisioning.types.ts';

export interface EngineInput extends Omit<CandidateInput, 'personalized' | 'holdout' | 'count' | 'context' | 'restriction'> {
  decisionId: string;
  request: DecideRequest;
  assignment: Assignment;
  consent: { personalization: boolean; basis: string; recordId?: string | undefined };
  promiseSource?: string | undefined;
  modelOf: (c: Candidate) => ArmModel;
  modelVersion: string;
  policyVersion: string;
  exploration: number;
  rng: () => number;
}

export interface LearnItem { arm: string; x: Float64Array; offset: number; propensity: number; key: string }

export interface EngineOutput {
  result: DecisionResult;
  /** The features every candidate shares (the rest of the explanation is in `table` and the result). */
  shared: Float64Array;
  /** Every candidate: key, expected contribution, P(convert), basket margin, giveaway (flat). */
  table: Array<string | number>;
  /** What the learner needs when the outcome arrives: the chosen arms and their feature vectors. */
  learn: LearnItem[];
}

const r4 = (n: number) => Math.round(n * 1e4) / 1e4;
const r2 = (n: number) => Math.round(n * 100) / 100;

function baselinePicker(pl: PlacementDef): ((pool: readonly Scored[]) => Scored | undefined) | undefined {
  if (pl.mode !== 'apprentice') return undefined;
  const b = pl.baseline;
  return (pool) => {
    if (b.rule === 'none') return pool.find((s) => s.c.type === 'none') ?? pool[0];
    if (b.rule === 'action') return pool.find((s) => s.c.actionId === b.actionId || s.c.offerId === b.actionId) ?? pool.find((s) => s.c.type !== 'none') ?? pool[0];
    return pool.find((s) => s.c.type !== 'none') ?? pool[0];
  };
}

export function runDecision(input: EngineInput): EngineOutput {
  const { placement: pl, request: req, shopper, assignment } = input;
  const holdout = assignment.group === 'control';
  const personalized = input.consent.personalization && !holdout;
  const view: ShopperView = personalized ? shopper : { ...shopper, personalized: false };
  const count = Math.min(Math.max(1, req.count ?? pl.defaultCount), pl.maxCount);
  const ctx = req.context;
  const { candidates, removed } = buildCandidates({
    ...input, shopper: view, count, context: ctx, restriction: req.candidates, personalized, holdout,
  });
  const timeMs = ctx.time ? Date.parse(ctx.time) : input.nowMs;
  const shared = contextFeatures(view, { hour: localHour(Number.isFinite(timeMs) ? timeMs : input.nowMs, ctx.timezone), device: ctx.device });
  const matrix = new Float64Array(candidates.length * DIM);
  candidates.forEach((c, i) => { c.row = i * DIM; candidateFeatures(shared, c, matrix, c.row); });
  const offset = logit(pl.baseRate);
  const scored = scoreCandidates(candidates, matrix, input.modelOf, offset, pl);
  const gate = gateIncentives(scored);
  removed.push(...gate.removed);

  const policy: OfferPolicy = input.policy;
  const offerById = new Map<string, Offer>(input.offers.map((o) => [o.id, o]));
  const canAdd = (chosen: readonly Pick[], s: Scored): boolean => {
    if (!s.c.offerId) return true;
    const offers = chosen.filter((p) => p.s.c.offerId).map((p) => ({ offer: offerById.get(p.s.c.offerId!)! }));
    const all = [...offers, { offer: offerById.get(s.c.offerId)! }];
    return stackOffers(all, policy).length === all.length;
  };
  // The global control group sits out everything (docs/proof.md): where a placement may stay
  // silent, it does, so the site shows what it shows without Braid and the holdout comparison
  // measures all of Braid. Placements that must show something give non-personalized defaults.
  const pool = holdout && pl.allowNone ? gate.kept.filter((s) => s.c.type === 'none') : gate.kept;
  const picked = choose({ scored: pool, placement: pl, count, exploration: input.exploration, rng: input.rng, baseline: baselinePicker(pl), canAdd });

  const actions: ChosenAction[] = picked.picks.map((p, slot) => ({
    slot, type: p.s.c.type, key: p.s.c.key, productIds: p.s.c.productIds, offerId: p.s.c.offerId, actionId: p.s.c.actionId,
    blockIds: p.s.c.blockIds, theme: p.s.c.theme, discount: p.s.c.offerId ? r2(p.s.c.cost) : undefined, propensity: r4(p.propensity), expectedContribution: r2(p.s.value), pConversion: r4(p.s.p), why: p.why,
  }));
  if (actions.length === 0) {
    actions.push({ slot: 0, type: 'none', key: 'none', productIds: [], blockIds: [], propensity: 1, expectedContribution: 0, pConversion: 0, why: 'no eligible action' });
  }
  const chosenKeys = new Set(actions.map((a) => a.key));
  const alternatives = [...gate.kept].filter((s) => !chosenKeys.has(s.c.key)).sort((a, b) => b.value - a.value).slice(0, 5)
    .map((s) => ({ key: s.c.key, type: s.c.type, expectedContribution: r2(s.value), pConversion: r4(s.p) }));

  const notes: string[] = [];
  if (holdout) notes.push(pl.allowNone ? 'global control group: sits out (silence)' : 'global control group: non-personalized defaults, no incentives');
  else if (!input.consent.personalization) notes.push('no personalization consent: non-personalized defaults');
  if (pl.mode === 'apprentice') notes.push('apprentice mode: following the baseline rule while learning');
  let continuity: DecisionResult['reasons']['continuity'];
  if (input.promise && input.promiseSource) {
    const promisedKeys = [...input.promise.offerIds.map((o) => `offer:${o}`), ...input.promise.productIds.map((p) => `product:${p}`)];
    const kept = actions.filter((a) => picked.picks.find((p) => p.s.c.key === a.key)?.s.c.promised).map((a) => a.key);
    continuity = { source: input.promiseSource, kept, dropped: removed.filter((x) => promisedKeys.includes(x.key)) };
  }
  const greedy = picked.greedyFirst, target = picked.targetFirst;
  const result: DecisionResult = {
    decisionId: input.decisionId, placement: pl.id, profileId: shopper.profileId, at: new Date(input.nowMs).toISOString(), actions,
    assignment: { ...assignment, personalized },
    reasons: { removed, alternatives, consent: input.consent, continuity, policy: notes },
    modelVersion: input.modelVersion, policyVersion: input.policyVersion,
    apprentice: pl.mode === 'apprentice' && greedy && target ? { baselineKey: target.c.key, agreed: greedy === target } : undefined,
  };
  const table: Array<string | number> = new Array(scored.length * 5);
  for (let i = 0; i < scored.length; i++) {
    const x = scored[i]!;
    table[i * 5] = x.c.key; table[i * 5 + 1] = r2(x.value); table[i * 5 + 2] = r4(x.p); table[i * 5 + 3] = r2(x.c.margin); table[i * 5 + 4] = r2(x.c.cost);
  }
  // Copies: a view would keep the whole decision's matrix alive while the outcome is awaited.
  const learn: LearnItem[] = picked.picks.map((p) => ({ arm: p.s.c.arm, x: matrix.slice(p.s.c.row!, p.s.c.row! + DIM), offset, propensity: p.propensity, key: p.s.c.key }));
  return { result, shared, table, learn };
}
