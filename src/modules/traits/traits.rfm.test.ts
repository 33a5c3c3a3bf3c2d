import { describe, expect, it } from 'vitest';
import type { HistoryOrder } from './traits.history.ts';
import { dayOf } from './traits.math.ts';
import { computeRfm, DEFAULT_RFM_BREAKPOINTS, lifecycleStage, purchaseDays, scoreAbove, scoreBelow } from './traits.rfm.ts';

const NOW = Date.UTC(2026, 5, 30, 12);
const daysAgo = (d: number) => NOW - d * 86_400_000;
let n = 0;
const order = (ago: number, revenue: number, extra: Partial<HistoryOrder> = {}): HistoryOrder => ({
  id: `o${++n}`, at: daysAgo(ago), refund: false, revenue, refunded: 0, discount: 0, coupon: false, items: [], ...extra,
});

describe('RFM', () => {
  it('scores recency, frequency and net monetary against the breakpoints', () => {
    // last purchase 10 days ago (r 5), 4 purchases (f: above 1, 2, 3 → 4), 120 net after a 30 partial refund (m: above 50, 100 → 3)
    const h = [order(200, 50), order(100, 40), order(40, 30, { refunded: 30 }), order(20, 40, { refunded: 10 }), order(10, 0)];
    const r = computeRfm(h, NOW, DEFAULT_RFM_BREAKPOINTS);
    expect(r).toEqual({ recencyDays: 10, frequency: 4, monetary: 120, r: 5, f: 4, m: 3, score: 12, cell: '543' });
  });

  it('gives someone who never bought zeros', () => {
    expect(computeRfm([order(5, 20, { refunded: 20 })], NOW)).toEqual({ recencyDays: null, frequency: 0, monetary: 0, r: 0, f: 0, m: 0, score: 0, cell: '000' });
  });

  it('scores at the breakpoints: a value equal to a breakpoint is not above it', () => {
    expect(scoreAbove(1, [1, 2, 3, 5])).toBe(1);
    expect(scoreAbove(6, [1, 2, 3, 5])).toBe(5);
    expect(scoreBelow(30, [30, 90, 180, 365])).toBe(5);
    expect(scoreBelow(400, [30, 90, 180, 365])).toBe(1);
  });
});

describe('lifecycle', () => {
  const now = dayOf(NOW);
  const stage = (ago: number[], cadence = 60) => lifecycleStage(ago.map((a) => now - a).sort((x, y) => x - y), now, cadence);

  it('prospect without purchases, new with one recent purchase day', () => {
    expect(stage([])).toBe('prospect');
    expect(stage([20])).toBe('new'); // within max(14, 1.5 × 60) = 90 days
  });

  it('active, at risk and lapsed relative to the shopper\'s own rhythm', () => {
    // a 10-day rhythm: active ≤ 15 days, at risk ≤ max(30, 30) days, lapsed beyond
    expect(stage([50, 40, 30, 20, 12])).toBe('active');
    expect(stage([58, 48, 38, 28, 20])).toBe('at_risk');
    expect(stage([80, 70, 60, 50, 40])).toBe('lapsed');
  });

  it('a one-time buyer lapses on the store\'s cadence', () => {
    expect(stage([100], 60)).toBe('at_risk'); // 90 < 100 ≤ 180
    expect(stage([200], 60)).toBe('lapsed');
  });

  it('won back: a purchase after a gap longer than the earlier rhythm\'s lapse limit', () => {
    expect(stage([230, 220, 210, 5])).toBe('won_back');
    expect(stage([230, 220, 210, 200, 190])).toBe('lapsed');
  });

  it('counts distinct days: two orders on one day are one purchase occasion', () => {
    expect(purchaseDays([order(3, 10), order(3, 20), order(1, 5)])).toHaveLength(2);
  });
});
