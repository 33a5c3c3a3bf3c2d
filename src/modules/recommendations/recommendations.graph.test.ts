import { describe, expect, it } from 'vitest';
import {
  accumulateSeeds, createItemIndex, createScratch, graphFromJson, graphToJson, scoreFromSeeds, topOf, trainCooccurrence,
} from './recommendations.graph.ts';

// items: 0 a, 1 b, 2 c, 3 d
const TX = [[0, 1], [0, 1], [0, 2], [1, 2], [0, 1, 3]];

describe('trainCooccurrence', () => {
  it('is the cosine of co-occurrence counts when alpha is 0.5 and transactions weigh 1', () => {
    const g = trainCooccurrence(TX, 4, { alpha: 0.5, minCount: 1, sizeWeighting: false, k: 10 });
    // n(a)=4, n(b)=4, n(c)=2, n(d)=1; c(a,b)=3, c(a,c)=1, c(a,d)=1
    expect([...g.ids[0]!]).toEqual([1, 3, 2]);
    expect(g.weights[0]![0]).toBeCloseTo(3 / Math.sqrt(16), 6);
    expect(g.weights[0]![1]).toBeCloseTo(1 / Math.sqrt(4 * 1), 6);
    expect(g.weights[0]![2]).toBeCloseTo(1 / Math.sqrt(4 * 2), 6);
  });

  it('drops pairs seen fewer than minCount times and keeps k neighbours', () => {
    const g = trainCooccurrence(TX, 4, { minCount: 2, sizeWeighting: false, k: 10 });
    expect([...g.ids[0]!]).toEqual([1]);
    expect([...g.ids[3]!]).toEqual([]);
    const k1 = trainCooccurrence(TX, 4, { minCount: 1, k: 1 });
    expect(k1.ids.every((l) => l.length <= 1)).toBe(true);
  });

  it('weighs a big basket less than a small one when sizeWeighting is on', () => {
    const g = trainCooccurrence([[0, 1], [0, 2, 3, 4, 5, 6, 7]], 8, { alpha: 0.5, minCount: 1, k: 10 });
    const w = (i: number, j: number) => g.weights[i]![[...g.ids[i]!].indexOf(j)]!;
    expect(w(0, 1)).toBeGreaterThan(w(0, 2));
  });
});

describe('scoring from seeds', () => {
  it('sums seed weight times similarity, leaves the seeds out, and the scratch path agrees', () => {
    const g = trainCooccurrence(TX, 4, { minCount: 1, sizeWeighting: false, k: 10 });
    const seeds: Array<[number, number]> = [[0, 1], [2, 0.5]];
    const map = scoreFromSeeds(g, seeds);
    expect(map.has(0)).toBe(false);
    expect(map.has(2)).toBe(false);
    const sim = (i: number, j: number) => g.weights[i]![[...g.ids[i]!].indexOf(j)] ?? 0;
    expect(map.get(1)).toBeCloseTo(sim(0, 1) + 0.5 * sim(2, 1), 6);
    const scratch = createScratch(4);
    for (let round = 0; round < 2; round++) { // the scratch resets between calls
      const s = accumulateSeeds(g, seeds, scratch);
      expect(new Map(s.ids.map((i, x) => [i, s.vals[x]!]))).toEqual(map);
    }
    expect(topOf(map, 1)).toEqual([[1, map.get(1)]]);
  });

  it('round-trips through JSON with 5 significant digits', () => {
    const g = trainCooccurrence(TX, 4, { minCount: 1, k: 10 });
    const back = graphFromJson(JSON.parse(JSON.stringify(graphToJson(g))));
    expect(back.ids.map((l) => [...l])).toEqual(g.ids.map((l) => [...l]));
    back.weights.forEach((w, i) => w.forEach((v, x) => expect(v).toBeCloseTo(g.weights[i]![x]!, 4)));
  });

  it('indexes ids once each, in first-seen order', () => {
    const idx = createItemIndex(['b', 'a', 'b', 'c']);
    expect(idx.ids).toEqual(['b', 'a', 'c']);
    expect(idx.index.get('c')).toBe(2);
  });
});
