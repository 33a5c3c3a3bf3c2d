import { describe, expect, it } from 'vitest';
import { emptyActivity, foldActivity } from './traits.activity.ts';
import { DEFAULT_CLV_SETTINGS } from './traits.clv.ts';
import { evaluateTraits } from './traits.compute.ts';
import { EMPTY_SNAPSHOT, type HistoryOrder } from './traits.history.ts';
import { DEFAULT_MODEL } from './traits.model.ts';
import { DEFAULT_PREFERENCES } from './traits.preferences.ts';

const NOW = Date.UTC(2026, 5, 30, 12);
const D = 86_400_000;
const NAMES = new Set(DEFAULT_PREFERENCES.map((v) => v.name));
const order = (id: string, ago: number, revenue: number, extra: Partial<HistoryOrder> = {}): HistoryOrder => ({
  id, at: NOW - ago * D, refund: false, revenue, refunded: 0, discount: 0, coupon: false,
  items: [{ key: 'beans', category: 'Coffee', price: revenue, quantity: 1 }], ...extra,
});

describe('evaluateTraits', () => {
  it('computes every trait for a small hand-checked history', () => {
    const history = [order('a', 63, 30), order('b', 35, 20, { discount: 5 }), order('c', 7, 40)];
    const model = { ...DEFAULT_MODEL, priceCutoffs: [15, 35] as [number, number], highValueCutoff: 50 };
    const activity = foldActivity(emptyActivity(), Array.from({ length: 6 }, (_, i) => ({ seq: i + 1, name: 'Email Opened', at: new Date(NOW - i * D).toISOString().slice(0, 11) + '18:30:00.000Z' })));
    const { traits, inferred } = evaluateTraits('prf_1', { history, activity, snapshot: EMPTY_SNAPSHOT }, model, NOW, DEFAULT_CLV_SETTINGS, NAMES);
    expect(traits).toMatchObject({
      profileId: 'prf_1',
      rfm: { recencyDays: 7, frequency: 3, monetary: 90, r: 5, f: 3, m: 2, score: 10, cell: '532' },
      lifecycle: 'active', // gaps 28, 28: active within 42 days
      customerType: 'returning',
      discountSensitivity: 0.25, // 1 of 3 discounted, no coupon attempts: (0.6 · 1/3 + 0.2 · 0) / 0.8
      priceTier: 'mid', // (30 + 20 + 40) / 3 = 30
      preferredCategories: [{ category: 'Coffee', share: 1 }],
      bestSendHour: 18,
      computedAt: new Date(NOW).toISOString(),
    });
    expect(traits.replenishment).toEqual([expect.objectContaining({ key: 'category:Coffee', intervalDays: 28, basis: 'own' }), expect.objectContaining({ key: 'product:beans', intervalDays: 28 })]);
    // CLV from the prior (CDNOW) BG/NBD; spend = own mean per purchase day without a Gamma-Gamma fit
    expect(traits.clv).toMatchObject({ modelVersion: 0, horizonWeeks: 52, expectedSpend: 30 });
    expect(traits.clv.pAlive).toBeGreaterThan(0.5);
    // discounted 1% a month: between the undiscounted value and it discounted for the whole year
    expect(traits.clv.expectedValue).toBeLessThan(traits.clv.expectedPurchases * 30);
    expect(traits.clv.expectedValue).toBeGreaterThan((traits.clv.expectedPurchases * 30) / 1.01 ** 12);
    expect(traits.valueTier).toBe(traits.clv.expectedValue >= 50 ? 'high' : 'low');
    expect(traits.channelResponsiveness.email).toEqual({ sent: 6, responses: 6, rate: 0.438 });
    expect(inferred.map((p) => p.variable).sort()).toEqual(['bundle_affinity', 'deal_seeking', 'novelty_seeking', 'quality_over_price', 'returns_anxiety', 'routine_fit']);
  });

  it('describes a prospect with no purchases', () => {
    const { traits } = evaluateTraits('prf_2', { history: [], activity: emptyActivity(), snapshot: EMPTY_SNAPSHOT }, DEFAULT_MODEL, NOW, DEFAULT_CLV_SETTINGS, NAMES);
    expect(traits).toMatchObject({
      lifecycle: 'prospect', customerType: 'new', valueTier: 'low', discountSensitivity: 0, priceTier: null, bestSendHour: null, replenishment: [],
      clv: { expectedPurchases: 0, expectedValue: 0, pAlive: null },
    });
  });
});
