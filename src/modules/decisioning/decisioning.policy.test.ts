import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignGlobal } from '../experiments/index.ts';
import { openBrainFixture, seededRandom, type BrainFixture } from '../../testing/brain.ts';
import { computeCatalogStats } from './decisioning.candidates.ts';
import { DEFAULT_ACTIONS, DEFAULT_PLACEMENTS } from './decisioning.defaults.ts';
import { runDecision, type EngineInput } from './decisioning.engine.ts';
import { contextFeatures, DIM, localHour, type ShopperView } from './decisioning.features.ts';
import { armPrior, predict, priorModel, sigmoid, updateModel } from './decisioning.model.ts';
import { choose, gateIncentives } from './decisioning.policy.ts';
import type { Candidate, PlacementDef, Scored } from './decisioning.types.ts';

describe('model', () => {
  it('moves toward observed outcomes and grows more certain', () => {
    const x = new Float64Array(DIM); x[0] = 1; x[3] = 1;
    let m = priorModel({ kind: 'content', lift: 0 });
    const before = predict(m, x, 0);
    for (let i = 0; i < 200; i++) m = updateModel(m, x, i % 5 === 0 ? 0 : 1, 0); // 80% converts
    const after = predict(m, x, 0);
    expect(sigmoid(after.z)).toBeGreaterThan(0.7);
    expect(sigmoid(after.z)).toBeLessThan(0.9);
    expect(after.v).toBeLessThan(before.v / 10);
    expect(m.n).toBe(200);
  });
});

describe('features', () => {
  it('use local time and leave profile features empty without personalization', () => {
    expect(localHour(Date.UTC(2026, 0, 1, 12, 30), 'America/New_York')).toBeCloseTo(7.5);
    expect(localHour(Date.UTC(2026, 0, 1, 12, 30), 'Not/AZone')).toBeCloseTo(12.5);
    const s: ShopperView = { profileId: 'p', personalized: false, cart: [{ quantity: 1, price: 10 }], cartValue: 10, hesitation: { cartEdits: 3, couponAttempts: 2, backtracks: 0 }, recentViews: [], ordersCount: 3, aov: 10, lifecycle: 'lapsed', valueTier: 'high', discountSensitivity: 1, preferences: {} };
    const x = contextFeatures(s, { hour: 6, device: 'mobile' });
    expect([...x.slice(1, 9)].every((v) => v === 0)).toBe(true);
    expect(x[9]).toBe(1);
    const y = contextFeatures({ ...s, personalized: true }, { hour: 6 });
    expect(y[1]).toBe(1); expect(y[3]).toBe(1); expect(y[6]).toBe(1); expect(y[7]).toBe(1);
  });
});

describe('policy', () => {
  const pl = DEFAULT_PLACEMENTS.find((p) => p.id === 'cart_nudge')!;
  const sc = (key: string, type: Candidate['type'], ucb: number, depth = 0): Scored => ({
    c: { key, type, arm: key, productIds: [], blockIds: [], margin: 0, cost: 0, depth, relevance: 0, riskReducer: false, prefMatch: 0, source: 't', theme: type === 'incentivize' ? 'percent_off' : undefined, offerId: type === 'incentivize' ? key : undefined },
    p: 0.5, value: ucb, ucb, rank: ucb,
  });
  it('gates incentives that do not beat the best non-discount action, and keeps the shallowest that does', () => {
    const g = gateIncentives([sc('a', 'reassure', 10), sc('o5', 'incentivize', 12, 0.05), sc('o10', 'incentivize', 14, 0.1), sc('o3', 'incentivize', 9, 0.03), sc('none', 'none', 5)]);
    expect(g.kept.map((s) => s.c.key)).toEqual(['a', 'o5', 'none']);
    expect(g.removed).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'o3', rule: 'prefer_non_discount' }), expect.objectContaining({ key: 'o10', rule: 'deeper_than_needed' })]));
  });
  it('chooses an incentive by its mean, not its optimistic value (conservative exploration)', () => {
    // o5 is optimistically best (ucb 14) but its mean (8) is below reassurance's (a: ucb 10)
    const o5: Scored = { ...sc('o5', 'incentivize', 14, 0.05), value: 8, rank: 8 };
    const pool = [sc('a', 'reassure', 10), o5, sc('none', 'none', 5)];
    const g = gateIncentives(pool);
    expect(g.kept.map((s) => s.c.key)).toContain('o5'); // still eligible, so exploration may try it
    expect(choose({ scored: g.kept, placement: pl, count: 1, exploration: 0, rng: () => 0.5 }).picks[0]!.s.c.key).toBe('a');
    const sure: Scored = { ...o5, value: 11, rank: 11 };
    expect(choose({ scored: [sc('a', 'reassure', 10), sure], placement: pl, count: 1, exploration: 0, rng: () => 0.5 }).picks[0]!.s.c.key).toBe('o5');
  });
  it('gives exact propensities under the exploration floor and stops at silence', () => {
    const pool = [sc('a', 'reassure', 10), sc('b', 'reassure', 8), sc('none', 'none', 9)];
    const greedy = choose({ scored: pool, placement: pl, count: 3, exploration: 0.1, rng: () => 0.99 });
    expect(greedy.picks.map((p) => [p.s.c.key, p.propensity])).toEqual([['a', 0.9 + 0.1 / 3], ['none', 0.9 + 0.1 / 2]]);
    const explored = choose({ scored: pool, placement: pl, count: 1, exploration: 0.1, rng: seededRandom(1) });
    expect(explored.picks).toHaveLength(1);
    let seen = 0;
    for (let i = 0; i < 2000; i++) if (choose({ scored: pool, placement: pl, count: 1, exploration: 0.3, rng: seededRandom(i) }).picks[0]!.s.c.key === 'b') seen++;
    expect(seen / 2000).toBeGreaterThan(0.07); // 0.3 / 3 = 0.1 expected
    expect(seen / 2000).toBeLessThan(0.13);
  });
  it('gives the last slot of a product placement to the best content action that beats silence', () => {
    const email = DEFAULT_PLACEMENTS.find((p) => p.id === 'email_cart_recovery')!;
    const products = [sc('p1', 'recommend', 30), sc('p2', 'recommend', 29), sc('p3', 'recommend', 28)];
    const slate = (reassure: number) => choose({ scored: [...products, sc('r', 'reassure', reassure), sc('o', 'incentivize', 50, 0.1), sc('none', 'none', 12)], placement: email, count: 3, exploration: 0.1, rng: () => 0.99 });
    const picked = slate(13).picks;
    expect(picked.map((p) => p.s.c.key)).toEqual(['o', 'p1', 'r']);
    expect(picked[2]!.propensity).toBeCloseTo(1); // the only content action: the exploration draw has nothing else
    expect(picked[2]!.why).toMatch(/content slot/);
    // Not better than silence: the slot is filled as before (incentives are never forced in).
    expect(slate(11).picks.map((p) => p.s.c.key)).toEqual(['o', 'p1', 'p2']);
    // One slot, another placement kind, or a content action already chosen: unchanged.
    expect(choose({ scored: [...products, sc('r', 'reassure', 13), sc('none', 'none', 12)], placement: email, count: 1, exploration: 0, rng: () => 0.5 }).picks.map((p) => p.s.c.key)).toEqual(['p1']);
    const mods = DEFAULT_PLACEMENTS.find((p) => p.id === 'pdp_modules')!;
    expect(choose({ scored: [sc('a', 'educate', 9), sc('b', 'educate', 8), sc('r', 'reassure', 7)], placement: mods, count: 2, exploration: 0, rng: () => 0.5 }).picks.map((p) => p.s.c.key)).toEqual(['a', 'b']);
    expect(choose({ scored: [sc('r', 'reassure', 40), ...products, sc('r2', 'reassure', 13), sc('none', 'none', 12)], placement: email, count: 3, exploration: 0, rng: () => 0.5 }).picks.map((p) => p.s.c.key)).toEqual(['r', 'p1', 'p2']);
  });
});

describe('moments', () => {
  let f: BrainFixture;
  beforeAll(async () => { f = await openBrainFixture({ products: [{ id: 'p1', title: 'Boot', price: 120, cost: 60, currency: 'USD', availability: 'in_stock' }] }); });
  afterAll(async () => { await f.close(); });
  const base = (): ShopperView => ({ profileId: 'prf_1', personalized: true, cart: [{ productId: 'p1', price: 120, quantity: 1 }], cartValue: 120, hesitation: { cartEdits: 0, couponAttempts: 0, backtracks: 0 }, recentViews: [], ordersCount: 0, aov: 0, lifecycle: null, valueTier: 'low', discountSensitivity: 0, preferences: {} });
  const run = (placement: PlacementDef, shopper: ShopperView, over: Partial<EngineInput> = {}) => runDecision({
    decisionId: 'd', request: { ref: 'r', placement: placement.id, context: { page: { productId: 'p1' } } }, placement, shopper, assignment: assignGlobal('prf_1', 's', 0),
    consent: { personalization: true, basis: 't' }, catalog: f.cache, catalogStats: computeCatalogStats(f.cache), products: () => [], actions: DEFAULT_ACTIONS, offers: [], policy: f.offers.policy(),
    spentToday: () => 0, lastShownMs: () => undefined, nonSilentToday: 0, nowMs: 0, modelOf: (c) => priorModel(armPrior(c, (id) => DEFAULT_ACTIONS.find((a) => a.id === id)?.priorLift ?? 0)),
    modelVersion: 't', policyVersion: 't', exploration: 0, rng: () => 0.5, ...over,
  });

  it('orders product page modules by the shopper\'s preferences', () => {
    const pdp = DEFAULT_PLACEMENTS.find((p) => p.id === 'pdp_modules')!;
    const fit = run(pdp, { ...base(), preferences: { fit_concerns: 1 } }).result.actions.map((a) => a.actionId);
    expect(fit).toHaveLength(6);
    expect(fit[0]).toBe('mod_fit');
    const bundle = run(pdp, { ...base(), preferences: { bundle_affinity: 1 } }).result.actions.map((a) => a.actionId);
    expect(bundle[0]).toBe('mod_bundle');
    const experts = run(pdp, { ...base(), preferences: { trusts_experts: 0.9 } }).result.actions.map((a) => a.actionId);
    expect(experts.slice(0, 2).sort()).toEqual(['mod_reviews', 'mod_specs']);
  });

  it('favours risk reducers at the cart when the shopper hesitates', () => {
    const cart = DEFAULT_PLACEMENTS.find((p) => p.id === 'cart_nudge')!;
    const calm = run(cart, base(), { products: () => [{ productId: 'p1', score: 1, source: 't' }] });
    const hesitant = run(cart, { ...base(), hesitation: { cartEdits: 3, couponAttempts: 1, backtracks: 2 } });
    const reducer = (key: string) => DEFAULT_ACTIONS.find((a) => `action:${a.id}` === key)?.riskReducer === true;
    expect(reducer(hesitant.result.actions[0]!.key)).toBe(true);
    const hesitantValue = hesitant.result.actions[0]!.pConversion;
    const at = calm.table.indexOf(hesitant.result.actions[0]!.key);
    const calmP = calm.table[at + 2] as number;
    expect(hesitantValue).toBeGreaterThan(calmP);
  });

  it('follows the baseline in apprentice mode and reports agreement', () => {
    const pdp: PlacementDef = { ...DEFAULT_PLACEMENTS.find((p) => p.id === 'pdp_modules')!, mode: 'apprentice', baseline: { rule: 'action', actionId: 'mod_faq' } };
    const out = run(pdp, { ...base(), preferences: { fit_concerns: 1 } });
    expect(out.result.actions[0]!.actionId).toBe('mod_faq');
    expect(out.result.apprentice).toEqual({ baselineKey: 'action:mod_faq', agreed: false });
    expect(out.result.reasons.policy.join(' ')).toMatch(/apprentice/);
  });
});
