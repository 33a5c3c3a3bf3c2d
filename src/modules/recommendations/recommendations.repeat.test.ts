import { describe, expect, it } from 'vitest';
import { median, scoreReplenishment, trainCrossSell, trainReplenishment, trainStarterKit, type OrderItems } from './recommendations.repeat.ts';

const DAY = 86_400_000;
const o = (day: number, ...items: number[]): OrderItems => ({ at: day * DAY, items });

describe('replenishment', () => {
  // item 0 is refilled about every 30 days; item 1 is bought once per shopper
  const users = [
    [o(0, 0, 1), o(30, 0), o(60, 0)],
    [o(5, 0), o(33, 0)],
    [o(10, 0, 1), o(42, 0), o(43, 0)], // 43 is 1 day after 42: a split order, not a cycle
    [o(0, 1)],
  ];

  it('learns the median interval between purchases of the same shopper, with evidence', () => {
    const m = trainReplenishment(users, { minRepeaters: 3, minGapDays: 3 });
    expect([...m.intervals.keys()]).toEqual([0]);
    expect(m.intervals.get(0)).toEqual({ days: median([30, 30, 28, 32]), repeaters: 3, buyers: 3 });
    expect(trainReplenishment(users, { minRepeaters: 4 }).intervals.size).toBe(0);
  });

  it('scores an item due when its interval has passed, most at exactly the interval', () => {
    const m = trainReplenishment(users, { minRepeaters: 3 });
    const at = (elapsed: number) => scoreReplenishment(m, new Map([[0, { count: 2, lastAt: 0 }], [1, { count: 1, lastAt: 0 }]]), elapsed * DAY);
    expect(at(10).size).toBe(0); // under half the interval
    expect(at(30).get(0)).toBeCloseTo(1, 10); // repeat rate 3/3 at the peak
    expect(at(20).get(0)!).toBeLessThan(1);
    expect(at(45).get(0)!).toBeLessThan(at(35).get(0)!);
    expect(at(30).has(1)).toBe(false); // no interval known
  });
});

describe('trainStarterKit', () => {
  it('counts first-order items of shoppers who came back', () => {
    const users = [[o(0, 0, 1), o(10, 2)], [o(0, 0), o(5, 1)], [o(0, 2)]];
    expect(trainStarterKit(users)).toEqual([[0, 2], [1, 1]]);
  });
});

describe('trainCrossSell', () => {
  it('weighs "bought i, then next bought j" by count over sqrt(n(i) n(j)) within the gap', () => {
    const users = [
      [o(0, 0), o(10, 1)],
      [o(0, 0), o(20, 1, 2)],
      [o(0, 0, 1), o(5, 1, 2)], // 1 was already in the first order: only 2 counts
      [o(0, 0), o(200, 3)],     // beyond 90 days
    ];
    const g = trainCrossSell(users, 4, { minCount: 1, maxGapDays: 90, k: 10 });
    // from(0) = 3 follow-ups, to(1) = 2, to(2) = 2; count(0->1) = 2, count(0->2) = 2
    expect([...g.ids[0]!].sort()).toEqual([1, 2]);
    expect(g.weights[0]![0]).toBeCloseTo(2 / Math.sqrt(3 * 2), 6);
    expect([...g.ids[0]!]).not.toContain(3);
  });
});
