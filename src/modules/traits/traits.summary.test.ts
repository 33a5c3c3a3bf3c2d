import { describe, expect, it } from 'vitest';
import { summarizePurchases, summarizeTransactions } from './traits.summary.ts';

const day = (d: number, h = 12) => Date.UTC(2026, 0, 1 + d, h);

describe('summarizePurchases (lifetimes / CDNOW convention)', () => {
  it('counts repeat purchase days, measures t_x and T in weeks, averages the repeat days', () => {
    // day 0: 30 (first, excluded from m); day 7: 10 + 20 on one day (one occasion, 30); day 21: 60; end day 28
    const s = summarizePurchases([
      { at: day(0), amount: 30 }, { at: day(7, 9), amount: 10 }, { at: day(7, 18), amount: 20 }, { at: day(21), amount: 60 },
    ], day(28, 1))!;
    expect(s).toMatchObject({ x: 2, tx: 3, T: 4, monetary: 45, days: 3, total: 120 });
  });

  it('gives a one-time buyer x = 0, t_x = 0, m = 0', () => {
    expect(summarizePurchases([{ at: day(3), amount: 99 }], day(10))).toMatchObject({ x: 0, tx: 0, T: 1, monetary: 0, total: 99 });
  });

  it('ignores purchases after the end day but keeps those on it', () => {
    const s = summarizePurchases([{ at: day(0), amount: 5 }, { at: day(14, 23), amount: 7 }, { at: day(15), amount: 100 }], day(14, 0))!;
    expect(s).toMatchObject({ x: 1, tx: 2, T: 2, monetary: 7 });
    expect(summarizePurchases([{ at: day(15), amount: 1 }], day(14))).toBeUndefined();
  });

  it('summarizes many customers from a flat list, in any order', () => {
    const m = summarizeTransactions([
      { customer: 'b', at: day(7), amount: 4 }, { customer: 'a', at: day(0), amount: 1 }, { customer: 'b', at: day(0), amount: 2 },
    ], day(7), 1);
    expect(m.get('a')).toMatchObject({ x: 0, T: 7 });
    expect(m.get('b')).toMatchObject({ x: 1, tx: 7, T: 7, monetary: 4 });
  });
});
