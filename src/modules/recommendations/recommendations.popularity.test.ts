import { describe, expect, it } from 'vitest';
import { trainPopularity, trainSeasonal, trainTrending, type Touch } from './recommendations.popularity.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 11, 1);

describe('trainPopularity', () => {
  it('counts distinct buyers, not purchases', () => {
    const t: Touch[] = [{ user: 'u1', item: 0, at: 1 }, { user: 'u1', item: 0, at: 2 }, { user: 'u1', item: 0, at: 3 }, { user: 'u2', item: 1, at: 1 }, { user: 'u3', item: 1, at: 1 }];
    expect(trainPopularity(t)).toEqual([[1, 2], [0, 1]]);
  });
});

describe('trainTrending', () => {
  it('decays each buyer\'s latest touch by half per half-life and ignores the world outside the window', () => {
    const t: Touch[] = [
      { user: 'u1', item: 0, at: NOW },                 // weight 1
      { user: 'u2', item: 0, at: NOW - 7 * DAY },       // 0.5
      { user: 'u3', item: 1, at: NOW - 14 * DAY },      // 0.25
      { user: 'u3', item: 1, at: NOW - 1 * DAY },       // same buyer: only the latest counts
      { user: 'u4', item: 2, at: NOW - 40 * DAY },      // outside 28 days
      { user: 'u5', item: 2, at: NOW + DAY },           // in the future: not yet
    ];
    const r = trainTrending(t, NOW, { halfLifeDays: 7, windowDays: 28, minSegmentUsers: 1 })['*']!;
    expect(r.map((e) => e[0])).toEqual([0, 1]);
    expect(r[0]![1]).toBeCloseTo(1.5, 10);
    expect(r[1]![1]).toBeCloseTo(Math.pow(2, -1 / 7), 10);
  });

  it('ranks per segment, and leaves out segments with too few shoppers', () => {
    const t: Touch[] = [
      { user: 'a', item: 0, at: NOW, segment: 'UK' }, { user: 'b', item: 0, at: NOW, segment: 'UK' },
      { user: 'c', item: 1, at: NOW, segment: 'FR' }, { user: 'd', item: 1, at: NOW, segment: 'FR' }, { user: 'e', item: 1, at: NOW, segment: 'FR' },
      { user: 'f', item: 2, at: NOW, segment: 'DE' },
    ];
    const r = trainTrending(t, NOW, { minSegmentUsers: 2 });
    expect(r.UK!.map((e) => e[0])).toEqual([0]);
    expect(r.FR!.map((e) => e[0])).toEqual([1]);
    expect(r.DE).toBeUndefined();
    expect(r['*']!.map((e) => e[0])).toEqual([1, 0, 2]);
  });
});

describe('trainSeasonal', () => {
  it('ranks what sold in the coming weeks one year earlier', () => {
    const t: Touch[] = [
      { user: 'a', item: 0, at: NOW - 365 * DAY + 2 * DAY }, { user: 'b', item: 0, at: NOW - 365 * DAY + 10 * DAY },
      { user: 'c', item: 1, at: NOW - 365 * DAY - 2 * DAY }, // just before the season
      { user: 'd', item: 2, at: NOW - 10 * DAY },             // this year: not seasonal evidence
    ];
    expect(trainSeasonal(t, NOW, { windowDays: 35, minSegmentUsers: 1 })['*']).toEqual([[0, 2]]);
    expect(trainSeasonal([], NOW)).toEqual({});
  });
});
