import { describe, expect, it } from 'vitest';
import { computeDiscountSensitivity, computePreferredCategories, computeReplenishment, meanUnitPrice, priceTierOf } from './traits.behaviour.ts';
import { EMPTY_SNAPSHOT, type HistoryItem, type HistoryOrder } from './traits.history.ts';

const NOW = Date.UTC(2026, 5, 30, 12);
const D = 86_400_000;
const daysAgo = (d: number) => NOW - d * D;
let n = 0;
const order = (ago: number, items: HistoryItem[], extra: Partial<HistoryOrder> = {}): HistoryOrder => ({
  id: `o${++n}`, at: daysAgo(ago), refund: false, revenue: items.reduce((s, i) => s + (i.price ?? 0) * i.quantity, 0) || 10, refunded: 0, discount: 0, coupon: false, items, ...extra,
});
const coffee = (quantity = 1): HistoryItem => ({ key: 'coffee-1kg', category: 'Coffee', price: 20, quantity });
const mug: HistoryItem = { key: 'mug', category: 'Kitchen', price: 12, quantity: 1 };

describe('replenishment', () => {
  it('uses the median gap of the shopper\'s own purchase days, due that long after the last', () => {
    // coffee bought 90, 60, 28 and 0 days ago: gaps 30, 32, 28 → median 30
    const h = [order(90, [coffee()]), order(60, [coffee(), mug]), order(28, [coffee()]), order(0, [coffee()])];
    const r = computeReplenishment(h);
    const product = r.find((x) => x.key === 'product:coffee-1kg')!;
    expect(product).toMatchObject({ intervalDays: 30, purchases: 4, basis: 'own' });
    expect(product.lastPurchasedAt).toBe(new Date(Math.floor(NOW / D) * D).toISOString());
    expect(product.nextDueAt).toBe(new Date((Math.floor(NOW / D) + 30) * D).toISOString());
    expect(r.find((x) => x.key === 'category:Coffee')).toMatchObject({ intervalDays: 30, basis: 'own' });
    expect(r.find((x) => x.key === 'product:mug')).toBeUndefined(); // bought once, no store interval
  });

  it('falls back to the store-wide interval for something bought once, soonest due first', () => {
    const r = computeReplenishment([order(10, [mug]), order(5, [coffee()])], { 'product:mug': 100, 'product:coffee-1kg': 20 });
    expect(r.map((x) => [x.key, x.basis, x.intervalDays])).toEqual([['product:coffee-1kg', 'store', 20], ['product:mug', 'store', 100]]);
  });

  it('ignores fully refunded orders', () => {
    expect(computeReplenishment([order(40, [coffee()]), order(10, [coffee()], { refunded: 20 })])).toEqual([]);
  });
});

describe('discount sensitivity', () => {
  it('weighs the share of discounted orders 0.6, coupon hunting 0.2 and promotion response 0.2', () => {
    const h = [order(30, [mug], { discount: 3 }), order(20, [mug], { coupon: true }), order(10, [mug]), order(5, [mug])];
    const d = computeDiscountSensitivity(h, { couponAttempts: 2, promotionViews: 10, promotionClicks: 5 });
    expect(d).toEqual({ score: 0.5, discountedShare: 0.5, couponHunting: 0.5, incentiveResponse: 0.5 });
    const hunter = computeDiscountSensitivity([order(3, [mug], { coupon: true })], { couponAttempts: 9, promotionViews: 2, promotionClicks: 2 });
    expect(hunter.score).toBe(1);
  });

  it('renormalizes over the components with evidence, 0 with none', () => {
    expect(computeDiscountSensitivity([order(3, [mug], { discount: 1 }), order(2, [mug])], { couponAttempts: 0, promotionViews: 0, promotionClicks: 0 }))
      .toEqual({ score: 0.375, discountedShare: 0.5, couponHunting: 0, incentiveResponse: null }); // (0.6·0.5 + 0.2·0) / 0.8
    expect(computeDiscountSensitivity([], { couponAttempts: 0, promotionViews: 0, promotionClicks: 0 }).score).toBe(0);
  });
});

describe('price tier', () => {
  it('compares the quantity-weighted mean unit price with the store tertiles', () => {
    // (20·3 + 12·1) / 4 = 18
    const h = [order(5, [coffee(3), mug])];
    expect(meanUnitPrice(h, EMPTY_SNAPSHOT)).toBe(18);
    expect(priceTierOf(18, [10, 30])).toBe('mid');
    expect(priceTierOf(9.99, [10, 30])).toBe('low');
    expect(priceTierOf(30, [10, 30])).toBe('high');
    expect(priceTierOf(18, null)).toBeNull();
  });

  it('uses viewed prices for someone who never bought', () => {
    expect(meanUnitPrice([], { ...EMPTY_SNAPSHOT, views: [{ price: 100, at: NOW }, { price: 50, at: NOW }, { at: NOW }] })).toBe(75);
    expect(meanUnitPrice([], EMPTY_SNAPSHOT)).toBeNull();
  });
});

describe('preferred categories', () => {
  it('weighs purchased units 1 and views 0.25, halved every 90 days', () => {
    // Coffee: 2 units today = 2; Kitchen: 2 units 90 days ago = 1; Tea: 4 views today = 1
    const h = [order(0, [coffee(2)]), order(90, [{ ...mug, quantity: 2 }])];
    const snapshot = { ...EMPTY_SNAPSHOT, views: Array.from({ length: 4 }, () => ({ category: 'Tea', at: NOW })) };
    expect(computePreferredCategories(h, snapshot, NOW)).toEqual([
      { category: 'Coffee', share: 0.5 }, { category: 'Kitchen', share: 0.25 }, { category: 'Tea', share: 0.25 },
    ]);
    expect(computePreferredCategories([], EMPTY_SNAPSHOT, NOW)).toEqual([]);
  });
});
