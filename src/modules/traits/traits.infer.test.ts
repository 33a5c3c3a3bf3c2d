import { describe, expect, it } from 'vitest';
import { emptyActivity, foldActivity } from './traits.activity.ts';
import { computeDiscountSensitivity } from './traits.behaviour.ts';
import { EMPTY_SNAPSHOT, type HistoryItem, type HistoryOrder, type ProfileSnapshot } from './traits.history.ts';
import { inferPreferences } from './traits.infer.ts';
import { DEFAULT_PREFERENCES } from './traits.preferences.ts';

const NOW = Date.UTC(2026, 5, 30, 12);
const D = 86_400_000;
const ALL = new Set(DEFAULT_PREFERENCES.map((v) => v.name));
let n = 0;
const order = (ago: number, items: HistoryItem[], extra: Partial<HistoryOrder> = {}): HistoryOrder => ({
  id: `o${++n}`, at: NOW - ago * D, refund: false, revenue: 50, refunded: 0, discount: 0, coupon: false, items, ...extra,
});
const item = (key: string, extra: Partial<HistoryItem> = {}): HistoryItem => ({ key, quantity: 1, price: 10, ...extra });
const events = (name: string, count: number) => Array.from({ length: count }, (_, i) => ({ seq: ++n, name, at: new Date(NOW - i * D).toISOString() }));

function infer(history: HistoryOrder[], evs: Array<{ seq: number; name: string; at: string }> = [], snapshot: ProfileSnapshot = EMPTY_SNAPSHOT, configured = ALL) {
  const activity = foldActivity(emptyActivity(), evs, new Set(evs.map((e) => e.name)));
  const discount = computeDiscountSensitivity(history, { couponAttempts: snapshot.couponAttempts, promotionViews: 0, promotionClicks: 0 });
  return Object.fromEntries(inferPreferences({ history, activity, snapshot, discount, priceTier: 'high' }, configured).map((p) => [p.variable, p]));
}

describe('inferred preferences', () => {
  it('bundle affinity: share of orders with 3+ distinct products or a bundle item', () => {
    const h = [order(30, [item('a'), item('b'), item('c')]), order(20, [item('d', { name: 'Starter Kit' })]), order(10, [item('a')]), order(5, [item('e')])];
    expect(infer(h).bundle_affinity).toMatchObject({ value: 0.5, evidence: 4, lastEvidenceAt: NOW - 5 * D, rule: 'bundle_purchases' });
  });

  it('returns anxiety: twice the returned share (capped) weighted 0.7, return-policy reads 0.3', () => {
    // 1 of 4 returned: 0.7 · 0.5; 2 policy reads per 4 orders: 0.3 · 0.5 → 0.5
    const h = [order(30, [item('a')], { refunded: 50 }), order(20, [item('b')]), order(10, [item('c')]), order(5, [item('d')])];
    expect(infer(h, events('Return Policy Viewed', 2)).returns_anxiety!.value).toBe(0.5);
  });

  it('deal seeking is the discount sensitivity; quality over price blends the price tier with its complement', () => {
    const h = [order(20, [item('a')], { coupon: true }), order(10, [item('b')])];
    const r = infer(h, [], { ...EMPTY_SNAPSHOT, couponAttempts: 2 });
    // discounted share 0.5, coupon hunting 1 → (0.3 + 0.2) / 0.8 = 0.625
    expect(r.deal_seeking!.value).toBe(0.63);
    expect(r.quality_over_price!.value).toBe(0.59); // (0.8 + 0.375) / 2
  });

  it('trusts experts: expert reads against influencer content, Laplace-smoothed', () => {
    const r = infer([], [...events('Product Reviews Viewed', 4), ...events('Influencer Content Viewed', 0)]);
    expect(r.trusts_experts).toMatchObject({ value: 0.83, evidence: 4 }); // (4 + 1) / (4 + 2)
  });

  it('novelty seeking, brand loyalty and routine fit from purchased lines', () => {
    const h = [order(60, [item('a', { brand: 'X' }), item('b', { brand: 'X' })]), order(30, [item('a', { brand: 'X' })]), order(0, [item('a', { brand: 'Y' })])];
    const r = infer(h);
    expect(r.novelty_seeking!.value).toBe(0.5); // 2 of 4 lines re-buy a product
    expect(r.brand_loyalty!.value).toBe(0.75);
    expect(r.routine_fit!.value).toBe(1); // both later purchase days re-buy product a
  });

  it('wants advice halves the distance to 1 with every chat; nothing without evidence', () => {
    expect(infer([], events('Live Chat Started', 2)).wants_advice!.value).toBe(0.75);
    const none = infer([]);
    expect(none.wants_advice).toBeUndefined();
    expect(none.sustainability).toBeUndefined(); // declared only
  });

  it('infers only configured variables', () => {
    const r = infer([order(5, [item('a')], { coupon: true })], [], EMPTY_SNAPSHOT, new Set(['bundle_affinity']));
    expect(Object.keys(r)).toEqual(['bundle_affinity']);
  });
});
