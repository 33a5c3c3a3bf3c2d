import { describe, expect, it } from 'vitest';
import { DEFAULT_CLV_SETTINGS, clvOf } from './traits.clv.ts';
import type { HistoryOrder } from './traits.history.ts';
import { buildModel, CDNOW_BGNBD, DEFAULT_MODEL } from './traits.model.ts';
import { sampleBeta, sampleExponential, sampleGamma, seededRandom } from './traits.sample.ts';
import { summarizePurchases } from './traits.summary.ts';

const NOW = Date.UTC(2026, 5, 30);
const WEEK = 7 * 86_400_000;

/** Shoppers acquired over the last 39 weeks, buying as BG/NBD says, spending as Gamma-Gamma says. */
function simulatedStore(customers: number, seed: number): Map<string, HistoryOrder[]> {
  const rand = seededRandom(seed);
  const out = new Map<string, HistoryOrder[]>();
  for (let i = 0; i < customers; i++) {
    const lambda = sampleGamma(rand, CDNOW_BGNBD.r, CDNOW_BGNBD.alpha), drop = sampleBeta(rand, CDNOW_BGNBD.a, CDNOW_BGNBD.b);
    const nu = sampleGamma(rand, 4, 15);
    const first = NOW - (20 + rand() * 19) * WEEK;
    const times = [first];
    for (let t = first; ;) {
      t += sampleExponential(rand, lambda) * WEEK;
      if (t > NOW) break;
      times.push(t);
      if (rand() < drop) break;
    }
    out.set(`c${String(i).padStart(5, '0')}`, times.map((at, k) => {
      const price = Math.round(sampleGamma(rand, 6, nu) * 100) / 100;
      return { id: `c${i}-${k}`, at, refund: false, revenue: price, refunded: 0, discount: 0, coupon: false, items: [{ key: 'cd', category: 'Music', price, quantity: 1 }] };
    }));
  }
  return out;
}

describe('buildModel', () => {
  const store = simulatedStore(3000, 5);
  const model = buildModel(store, NOW, DEFAULT_MODEL, DEFAULT_CLV_SETTINGS);

  it('fits BG/NBD and Gamma-Gamma on the store\'s customers', () => {
    expect(model).toMatchObject({ version: 1, fittedAt: new Date(NOW).toISOString(), customers: 3000 });
    expect(model.repeatCustomers).toBeGreaterThan(500);
    expect(model.bgnbd.r).toBeGreaterThan(0.15); expect(model.bgnbd.r).toBeLessThan(0.4);
    expect(model.gammaGamma).not.toBeNull();
    // mean spend per transaction is 6 · 15 / (4 − 1) = 30 in the simulation
    const gg = model.gammaGamma!;
    expect((gg.p * gg.v) / (gg.q - 1)).toBeGreaterThan(24); expect((gg.p * gg.v) / (gg.q - 1)).toBeLessThan(36);
  });

  it('derives the store statistics: quintiles, tertiles, the top-20% CLV cut-off, cadence and key intervals', () => {
    for (const k of ['recencyDays', 'frequency', 'monetary'] as const) {
      expect(model.rfm[k]).toHaveLength(4);
      expect([...model.rfm[k]].sort((a, b) => a - b)).toEqual(model.rfm[k]);
    }
    expect(model.priceCutoffs![0]).toBeLessThan(model.priceCutoffs![1]);
    const values = [...store.values()].map((h) => clvOf(summarizePurchases(h.map((o) => ({ at: o.at, amount: o.revenue })), NOW), model).expectedValue);
    const top = values.filter((v) => v >= model.highValueCutoff).length / values.length;
    expect(top).toBeGreaterThan(0.19); expect(top).toBeLessThan(0.21);
    expect(model.cadenceDays).toBeGreaterThan(1);
    expect(model.replenishment['product:cd']).toBeGreaterThan(1);
  });

  it('gives a store replenishment interval only to keys enough buyers come back for', () => {
    const D = 86_400_000;
    const o = (id: string, ago: number, key: string): HistoryOrder => ({ id, at: NOW - ago * D, refund: false, revenue: 5, refunded: 0, discount: 0, coupon: false, items: [{ key, quantity: 1 }] });
    const h = new Map<string, HistoryOrder[]>();
    // mug: 11 buyers, one of them 7 times (6 gaps, but 1/11 come back); beans: 6 of 10 buyers come back every 30 days
    for (let i = 0; i < 10; i++) h.set(`m${i}`, [o(`m${i}`, 50, 'mug')]);
    h.set('collector', Array.from({ length: 7 }, (_, k) => o(`c${k}`, 10 + k * 10, 'mug')));
    for (let i = 0; i < 10; i++) h.set(`b${i}`, i < 6 ? [o(`b${i}a`, 70, 'beans'), o(`b${i}b`, 40, 'beans')] : [o(`b${i}a`, 70, 'beans')]);
    const m = buildModel(h, NOW, DEFAULT_MODEL, DEFAULT_CLV_SETTINGS);
    expect(m.replenishment['product:beans']).toBe(30);
    expect(m.replenishment['product:mug']).toBeUndefined();
  });

  it('keeps the prior parameters when there are too few customers, and counts versions up', () => {
    const small = new Map([...store].slice(0, 10));
    const m = buildModel(small, NOW, { ...DEFAULT_MODEL, version: 4 }, DEFAULT_CLV_SETTINGS);
    expect(m.version).toBe(5);
    expect(m.bgnbd).toEqual(CDNOW_BGNBD);
    expect(m.gammaGamma).toBeNull();
  });
});
