/**
 * Synthetic worlds with a known best action: the learner must converge to it, and must not pay
 * for an incentive where a non-discount action earns more. Ground truth conversion rates are
 * fixed per action; rewards are drawn from them; the engine and model are the production code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignGlobal } from '../experiments/index.ts';
import { openBrainFixture, seededRandom, type BrainFixture } from '../../testing/brain.ts';
import { computeCatalogStats } from './decisioning.candidates.ts';
import { DEFAULT_ACTIONS, DEFAULT_PLACEMENTS } from './decisioning.defaults.ts';
import { runDecision } from './decisioning.engine.ts';
import type { ShopperView } from './decisioning.features.ts';
import { ModelStore } from './decisioning.hierarchy.ts';
import { armPrior, priorModel, updateModel } from './decisioning.model.ts';
import type { Candidate, PlacementDef } from './decisioning.types.ts';

let f: BrainFixture;
beforeAll(async () => {
  f = await openBrainFixture({
    products: [{ id: 'p1', title: 'Jacket', category: 'Apparel', price: 100, cost: 50, currency: 'USD', availability: 'in_stock' }],
    offers: [
      { id: 'o5', name: '5% off', kind: 'percent_off', value: 5 },
      { id: 'o10', name: '10% off', kind: 'percent_off', value: 10 },
    ],
  });
});
afterAll(async () => { await f.close(); });

const shopper: ShopperView = {
  profileId: 'prf_1', personalized: true, cart: [{ productId: 'p1', price: 100, quantity: 1 }], cartValue: 100,
  hesitation: { cartEdits: 2, couponAttempts: 1, backtracks: 0 }, recentViews: [], ordersCount: 1, aov: 100,
  lifecycle: 'active', valueTier: 'low', discountSensitivity: 0.3, preferences: { returns_anxiety: 0.6 },
};
const placement: PlacementDef = { ...DEFAULT_PLACEMENTS.find((p) => p.id === 'checkout_assist')!, cooldownMinutes: 0 };

/** Runs `n` decisions against a world where `truth[key]` is the conversion probability. */
function simulate(truth: Record<string, number>, n: number, seed: number) {
  const rng = seededRandom(seed);
  const store = new ModelStore();
  const modelOf = (c: Candidate) => store.modelOf(c, () => armPrior(c, (id) => DEFAULT_ACTIONS.find((a) => a.id === id)?.priorLift ?? 0));
  const stats = computeCatalogStats(f.cache);
  const chosen: string[] = [];
  for (let i = 0; i < n; i++) {
    const out = runDecision({
      decisionId: `dec_${i}`, request: { ref: 'prf_1', placement: placement.id, context: {}, count: 1 }, placement, shopper,
      assignment: { ...assignGlobal('prf_1', 's', 0) }, consent: { personalization: true, basis: 'test' },
      catalog: f.cache, catalogStats: stats, products: () => [], actions: DEFAULT_ACTIONS, offers: f.offers.list(), policy: f.offers.policy(),
      spentToday: () => 0, lastShownMs: () => undefined, nonSilentToday: 0, nowMs: Date.UTC(2026, 0, 5, 15),
      modelOf, modelVersion: 'test', policyVersion: 'test', exploration: 0.05, rng,
    });
    const a = out.result.actions[0]!;
    chosen.push(a.key);
    const y = rng() < (truth[a.key] ?? 0) ? 1 : 0;
    for (const l of out.learn) store.learn(l.arm, l.x, y, l.offset, updateModel);
  }
  const last = chosen.slice(-1000);
  const share = (k: string) => last.filter((x) => x === k).length / last.length;
  return { share, chosen };
}

// Basket margin 50. Expected contribution = p * (50 - giveaway); free returns costs 0.5 per conversion.
describe('the learner on synthetic worlds', () => {
  it('converges to the best action and does not discount where reassurance earns more', () => {
    // returns: .40*(49.5)=19.8  shipping: .30*50=15  sizing .28*50=14  o5: .33*47.5=15.7  o10: .36*45=16.2  none: .25*50=12.5
    const truth = { 'action:rr_free_returns': 0.4, 'action:rr_shipping': 0.3, 'action:rr_sizing': 0.28, 'action:rr_warranty': 0.27, 'offer:o5': 0.33, 'offer:o10': 0.36, none: 0.25 };
    const { share } = simulate(truth, 4000, 7);
    expect(share('action:rr_free_returns')).toBeGreaterThan(0.85);
    // only exploration may still show an offer, and exploration never includes gated offers
    expect(share('offer:o5') + share('offer:o10')).toBeLessThan(0.03);
  });

  it('pays for an incentive when it truly earns more, and picks the smallest depth that does', () => {
    // o5: .60*47.5=28.5  o10: .62*45=27.9  returns: .40*49.5=19.8  none: .25*50=12.5
    const truth = { 'action:rr_free_returns': 0.4, 'action:rr_shipping': 0.3, 'action:rr_sizing': 0.28, 'action:rr_warranty': 0.27, 'offer:o5': 0.6, 'offer:o10': 0.62, none: 0.25 };
    const { share } = simulate(truth, 4000, 11);
    expect(share('offer:o5')).toBeGreaterThan(0.8);
    expect(share('offer:o10')).toBeLessThan(0.05);
  });

  it('stays silent when no action pays for its contact cost', () => {
    const costly: PlacementDef = { ...placement, contactCost: 30 };
    const rng = seededRandom(3);
    const stats = computeCatalogStats(f.cache);
    const out = runDecision({
      decisionId: 'dec_x', request: { ref: 'prf_1', placement: costly.id, context: {}, count: 1 }, placement: costly, shopper,
      assignment: assignGlobal('prf_1', 's', 0), consent: { personalization: true, basis: 'test' },
      catalog: f.cache, catalogStats: stats, products: () => [], actions: DEFAULT_ACTIONS, offers: f.offers.list(), policy: f.offers.policy(),
      spentToday: () => 0, lastShownMs: () => undefined, nonSilentToday: 0, nowMs: 0,
      modelOf: (c) => priorModel(armPrior(c, () => 0)), modelVersion: 't', policyVersion: 't', exploration: 0, rng,
    });
    expect(out.result.actions).toHaveLength(1);
    expect(out.result.actions[0]!.type).toBe('none');
    expect(out.result.actions[0]!.propensity).toBe(1);
  });
});
