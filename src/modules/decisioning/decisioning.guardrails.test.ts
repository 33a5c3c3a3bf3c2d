/**
 * Property test: across many random catalogs' worth of shoppers, offers, policies, contexts and
 * (deliberately wild) model weights, no decision ever breaks consent, stock, margin floor,
 * discount depth, budget or stacking. Each invariant is re-checked here independently of the
 * engine's own code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignGlobal } from '../experiments/index.ts';
import { parseOffer, parsePolicy, type Offer, type OfferPolicy } from '../offers/index.ts';
import { openBrainFixture, seededRandom, type BrainFixture } from '../../testing/brain.ts';
import { computeCatalogStats } from './decisioning.candidates.ts';
import { DEFAULT_ACTIONS, DEFAULT_PLACEMENTS } from './decisioning.defaults.ts';
import { runDecision } from './decisioning.engine.ts';
import { DIM, type ShopperView } from './decisioning.features.ts';
import type { ArmModel } from './decisioning.model.ts';

const rng = seededRandom(20261124);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const N_PRODUCTS = 30;
const products = Array.from({ length: N_PRODUCTS }, (_, i) => {
  const price = Math.round(10 + rng() * 190);
  return { id: `p${i}`, title: `P${i}`, category: pick(['Apparel > Shoes', 'Apparel', 'Home', 'Beauty']), price, cost: rng() < 0.1 ? null : Math.round(price * (0.3 + rng() * 0.6)), currency: 'USD' };
});
const stock = products.flatMap((p) => ['s1', 's2'].map((l) => ({ variantId: p.id, locationId: l, quantity: rng() < 0.35 ? 0 : 1 + Math.floor(rng() * 5) })));

let f: BrainFixture;
beforeAll(async () => { f = await openBrainFixture({ products, stock }); });
afterAll(async () => { await f.close(); });

function randomOffer(i: number): Offer {
  const kind = pick(['percent_off', 'amount_off', 'free_shipping', 'bundle', 'loyalty_points', 'gift'] as const);
  const value = kind === 'percent_off' || kind === 'bundle' ? Math.round(rng() * 50) : kind === 'loyalty_points' ? Math.round(rng() * 3000) : Math.round(rng() * 40);
  return {
    ...parseOffer({
      id: `o${i}`, name: `o${i}`, kind, value, stackable: rng() < 0.5, minBasket: rng() < 0.2 ? 100 : 0,
      dailyBudget: rng() < 0.5 ? Math.round(rng() * 60) : null, cooldownDays: 0,
      eligibility: { customer: pick(['any', 'any', 'new', 'returning'] as const), value: pick(['any', 'any', 'high', 'low'] as const) },
      scope: rng() < 0.3 ? { categories: [pick(['Apparel', 'Home'])], productIds: [] } : { categories: [], productIds: [] },
      placements: rng() < 0.2 ? ['cart_nudge'] : [],
    }), createdAt: '', updatedAt: '',
  };
}
function randomPolicy(): OfferPolicy {
  const d = () => Math.round(rng() * 40) / 100;
  return parsePolicy({
    maxDepth: { new: d(), returning: d(), high: d(), low: d() },
    marginFloor: { default: Math.round(rng() * 40) / 100, categories: { Apparel: 0.3, 'Apparel > Shoes': 0.1 }, products: { p1: 0.6 } },
    maxOffersPerDecision: pick([0, 1, 1, 2, 3]), shippingCost: 6, pointValue: 0.01,
  });
}
function randomShopper(i: number): ShopperView {
  const cart = Array.from({ length: Math.floor(rng() * 3) }, () => ({ productId: pick(products).id, price: 50, quantity: 1 + Math.floor(rng() * 2) }));
  return {
    profileId: `prf_${i}`, personalized: true, cart, cartValue: cart.reduce((s, c) => s + c.price * c.quantity, 0),
    hesitation: { cartEdits: Math.floor(rng() * 4), couponAttempts: Math.floor(rng() * 3), backtracks: Math.floor(rng() * 3) },
    recentViews: [], ordersCount: Math.floor(rng() * 3), aov: rng() * 200, lifecycle: null, valueTier: rng() < 0.3 ? 'high' : 'low',
    discountSensitivity: rng(), preferences: { returns_anxiety: rng(), deal_seeking: rng() },
  };
}
/** Wild weights: the guardrails must hold whatever the model believes. */
function wildModel(): ArmModel {
  return { m: Float64Array.from({ length: DIM }, () => (rng() - 0.5) * 12), q: new Float64Array(DIM).fill(0.5 + rng() * 4), n: 0 };
}

describe('guardrails hold for every decision', () => {
  it('never breaks consent, stock, margin floor, depth, budget or stacking', () => {
    let decisions = 0, offersShown = 0;
    for (let round = 0; round < 80; round++) {
      const offers = Array.from({ length: 6 }, (_, i) => randomOffer(i));
      const policy = randomPolicy();
      const spent = new Map<string, number>();
      const models = new Map<string, ArmModel>();
      const stats = computeCatalogStats(f.cache);
      for (let k = 0; k < 60; k++) {
        const s = randomShopper(k);
        const personalization = rng() < 0.7;
        const holdoutPct = pick([0, 0, 50]);
        const assignment = assignGlobal(s.profileId!, `salt${round}`, holdoutPct);
        const pl = pick(DEFAULT_PLACEMENTS.filter((p) => p.kind !== 'rerank'));
        const store = pick([undefined, 's1', 's2']);
        const out = runDecision({
          decisionId: `d${k}`, request: { ref: s.profileId!, placement: pl.id, context: { store }, count: 1 + Math.floor(rng() * 4) }, placement: pl, shopper: s,
          assignment, consent: { personalization, basis: 'test' }, catalog: f.cache, catalogStats: stats,
          products: () => products.map((p, i) => ({ productId: p.id, score: 1 / (i + 1), source: 'test' })),
          actions: DEFAULT_ACTIONS, offers, policy, spentToday: (id) => spent.get(id) ?? 0, lastShownMs: () => undefined, nonSilentToday: 0, nowMs: 0,
          modelOf: (c) => { let m = models.get(c.arm); if (!m) { m = wildModel(); models.set(c.arm, m); } return m; },
          modelVersion: 't', policyVersion: 't', exploration: 0.2, rng,
        });
        decisions++;
        const personalized = personalization && assignment.group === 'treatment';
        expect(out.result.assignment.personalized).toBe(personalized);
        const tier = personalized ? { customer: s.ordersCount > 0 ? 'returning' : 'new', value: s.valueTier } as const : { customer: 'new', value: 'low' } as const;
        // The global control group sits out wherever the placement may stay silent.
        if (assignment.group === 'control' && pl.allowNone) expect(out.result.actions.map((a) => a.type)).toEqual(['none']);
        const chosenOffers = out.result.actions.filter((a) => a.offerId);
        expect(chosenOffers.length).toBeLessThanOrEqual(policy.maxOffersPerDecision);
        if (chosenOffers.length > 1) for (const a of chosenOffers) expect(offers.find((o) => o.id === a.offerId)!.stackable).toBe(true);
        for (const a of out.result.actions) {
          expect(pl.types).toContain(a.type);
          if (a.type === 'recommend') for (const id of a.productIds) expect(f.cache.inStock(id, store)).toBe(true);
          if (!a.offerId) continue;
          offersShown++;
          const o = offers.find((x) => x.id === a.offerId)!;
          expect(assignment.group).toBe('treatment');                               // holdout: no incentives
          if (!personalized) expect(o.eligibility).toEqual({ customer: 'any', value: 'any' }); // no tiering without consent
          if (o.eligibility.customer !== 'any') expect(o.eligibility.customer).toBe(tier.customer);
          if (o.eligibility.value !== 'any') expect(o.eligibility.value).toBe(tier.value);
          expect(o.placements.length === 0 || o.placements.includes(pl.id)).toBe(true);
          // independent re-pricing of the lines from the catalog
          const lines = a.productIds.map((id) => {
            const p = f.cache.get(id)!.lead!;
            const q = s.cart.length > 0 ? s.cart.filter((c) => c.productId === id).reduce((n, c) => n + c.quantity, 0) : 1;
            return { id, price: p.effectivePrice, cost: p.cost, q, category: f.cache.get(id)!.product.category ?? '' };
          });
          const value = lines.reduce((n, l) => n + l.price * l.q, 0);
          const discount = a.discount!;
          expect(discount / value).toBeLessThanOrEqual(Math.min(policy.maxDepth[tier.customer], policy.maxDepth[tier.value]) + 1e-9);
          for (const l of lines) {
            expect(l.cost).not.toBeNull();
            const floor = l.id === 'p1' ? 0.6 : l.category.startsWith('Apparel > Shoes') ? 0.1 : l.category.startsWith('Apparel') ? 0.3 : policy.marginFloor.default;
            const unitAfter = l.price - (discount * (l.price * l.q) / value) / l.q;
            expect((unitAfter - l.cost!) / l.price).toBeGreaterThanOrEqual(floor - 1e-9);
          }
          const after = (spent.get(o.id) ?? 0) + discount;
          if (o.dailyBudget !== null) expect(after).toBeLessThanOrEqual(o.dailyBudget + 1e-9);
          spent.set(o.id, after);
        }
      }
    }
    expect(decisions).toBe(4800);
    expect(offersShown).toBeGreaterThan(30); // the property was exercised, not vacuous
  });
});
