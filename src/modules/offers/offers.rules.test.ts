import { describe, expect, it } from 'vitest';
import { checkOffer, DEFAULT_POLICY, marginFloorFor, parseOffer, parsePolicy, stackOffers, type Offer, type OfferLine } from './index.ts';

const offer = (o: Record<string, unknown>): Offer => ({ ...parseOffer({ name: 'x', ...o }), createdAt: '', updatedAt: '' });
const policy = parsePolicy({ ...DEFAULT_POLICY, marginFloor: { default: 0.2, categories: { 'Apparel': 0.3, 'Apparel > Shoes': 0.1 }, products: { p9: 0.5 } } });
const line = (price: number, cost: number | null, category: string | null = null, productId = 'p1', quantity = 1): OfferLine => ({ productId, category, price, cost, quantity });
const returning = { customer: 'returning', value: 'low' } as const;

describe('offer governance', () => {
  it('computes the discount and accepts an offer within depth and floor', () => {
    const r = checkOffer({ offer: offer({ id: 'o10', kind: 'percent_off', value: 10 }), policy, tier: returning, lines: [line(100, 50)], placement: 'cart_nudge', spentToday: 0 });
    expect(r).toEqual({ ok: true, discount: 10, depth: 0.1, basketValue: 100, marginAfter: 40 });
  });

  it('refuses depth above the shopper tier maximum (the lower of customer and value tier)', () => {
    const o = offer({ id: 'o15', kind: 'percent_off', value: 15 });
    expect(checkOffer({ offer: o, policy, tier: { customer: 'returning', value: 'low' }, lines: [line(100, 10)], placement: 'x', spentToday: 0 }).ok).toBe(true);
    const high = checkOffer({ offer: o, policy, tier: { customer: 'returning', value: 'high' }, lines: [line(100, 10)], placement: 'x', spentToday: 0 });
    expect(high).toMatchObject({ ok: false, rule: 'max_depth' });
  });

  it('never sells below the most specific margin floor, and needs a known cost', () => {
    const o = offer({ id: 'o10', kind: 'percent_off', value: 10 });
    // 100 price, 75 cost: 15% margin after 10 off; default floor 20% -> refused
    expect(checkOffer({ offer: o, policy, tier: returning, lines: [line(100, 75)], placement: 'x', spentToday: 0 })).toMatchObject({ ok: false, rule: 'margin_floor' });
    // Shoes floor 10% (longer prefix beats Apparel's 30%) -> accepted
    expect(checkOffer({ offer: o, policy, tier: returning, lines: [line(100, 75, 'Apparel > Shoes > Boots')], placement: 'x', spentToday: 0 }).ok).toBe(true);
    expect(marginFloorFor(policy, 'p9', 'Apparel > Shoes')).toBe(0.5);
    expect(checkOffer({ offer: o, policy, tier: returning, lines: [line(100, null)], placement: 'x', spentToday: 0 })).toMatchObject({ ok: false, rule: 'margin_floor' });
  });

  it('spreads an amount off pro rata, so a thin line can fail alone', () => {
    const o = offer({ id: 'a5', kind: 'amount_off', value: 15 });
    // lines 100 (cost 40) and 50 (cost 38): 50-line gets 5 off -> (45-38)/50 = 14% < 20%
    const r = checkOffer({ offer: o, policy, tier: returning, lines: [line(100, 40, null, 'a'), line(50, 38, null, 'b')], placement: 'x', spentToday: 0 });
    expect(r).toMatchObject({ ok: false, rule: 'margin_floor' });
    expect((r as { detail: string }).detail).toContain('b');
  });

  it('enforces budgets, tiers, placements, scope, min basket and pause', () => {
    const base = { policy, tier: returning, lines: [line(100, 10, 'Home')], placement: 'cart_nudge' };
    expect(checkOffer({ ...base, offer: offer({ id: 'b', kind: 'amount_off', value: 10, dailyBudget: 100 }), spentToday: 95 })).toMatchObject({ ok: false, rule: 'budget' });
    expect(checkOffer({ ...base, offer: offer({ id: 'b', kind: 'amount_off', value: 10, dailyBudget: 100 }), spentToday: 90 }).ok).toBe(true);
    expect(checkOffer({ ...base, offer: offer({ id: 't', kind: 'free_shipping', value: 0, eligibility: { customer: 'new', value: 'any' } }), spentToday: 0 })).toMatchObject({ ok: false, rule: 'offer_tier' });
    expect(checkOffer({ ...base, offer: offer({ id: 'p', kind: 'free_shipping', value: 0, placements: ['home_hero'] }), spentToday: 0 })).toMatchObject({ ok: false, rule: 'offer_placement' });
    expect(checkOffer({ ...base, offer: offer({ id: 's', kind: 'percent_off', value: 5, scope: { categories: ['Apparel'], productIds: [] } }), spentToday: 0 })).toMatchObject({ ok: false, rule: 'no_lines' });
    expect(checkOffer({ ...base, offer: offer({ id: 'm', kind: 'percent_off', value: 5, minBasket: 150 }), spentToday: 0 })).toMatchObject({ ok: false, rule: 'min_basket' });
    expect(checkOffer({ ...base, offer: offer({ id: 'z', kind: 'percent_off', value: 5, status: 'paused' }), spentToday: 0 })).toMatchObject({ ok: false, rule: 'offer_paused' });
    expect(checkOffer({ ...base, offer: offer({ id: 'l', kind: 'loyalty_points', value: 500 }), spentToday: 0 })).toMatchObject({ ok: true, discount: 5 });
  });

  it('stacks at most the policy count, and only stackable offers together', () => {
    const a = { offer: offer({ id: 'a', kind: 'free_shipping', value: 0, stackable: true }) };
    const b = { offer: offer({ id: 'b', kind: 'percent_off', value: 5 }) };
    const c = { offer: offer({ id: 'c', kind: 'loyalty_points', value: 100, stackable: true }) };
    expect(stackOffers([a, b, c], policy).map((x) => x.offer.id)).toEqual(['a']);
    expect(stackOffers([a, b, c], { ...policy, maxOffersPerDecision: 3 }).map((x) => x.offer.id)).toEqual(['a', 'c']);
    expect(stackOffers([b, a], { ...policy, maxOffersPerDecision: 3 }).map((x) => x.offer.id)).toEqual(['b']);
    expect(stackOffers([a], { ...policy, maxOffersPerDecision: 0 })).toEqual([]);
  });

  it('rejects bad definitions naming the field', () => {
    expect(() => parseOffer({ id: 'x', name: 'x', kind: 'percent_off', value: 150 })).toThrow(/offer.value/);
    expect(() => parseOffer({ id: 'x', name: 'x', kind: 'bogus', value: 1 })).toThrow(/offer.kind/);
    expect(() => parseOffer({ id: 'x', name: 'x', kind: 'gift', value: 1, colour: 'red' })).toThrow(/offer.colour/);
    expect(() => parsePolicy({ ...DEFAULT_POLICY, maxDepth: { ...DEFAULT_POLICY.maxDepth, new: 2 } })).toThrow(/policy.maxDepth.new/);
  });
});
