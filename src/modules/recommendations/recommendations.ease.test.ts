import { describe, expect, it } from 'vitest';
import { invertSymmetricPositiveDefinite, trainEase } from './recommendations.ease.ts';

describe('invertSymmetricPositiveDefinite', () => {
  it('inverts a symmetric positive definite matrix', () => {
    const m = [4, 1, 2, 1, 3, 0, 2, 0, 5];
    const a = Float64Array.from(m);
    invertSymmetricPositiveDefinite(a, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += m[i * 3 + k]! * a[k * 3 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
  it('refuses a matrix that is not positive definite', () => {
    expect(() => invertSymmetricPositiveDefinite(Float64Array.from([0, 1, 1, 0]), 2)).toThrow(/positive definite/);
  });
});

describe('trainEase', () => {
  // two taste groups: {0,1,2} and {3,4}
  const users = [[0, 1], [0, 1, 2], [1, 2], [0, 2], [3, 4], [3, 4], [3], [0, 1, 2]];

  it('links items bought by the same shoppers and never an item to itself', () => {
    const g = trainEase(users, 5, { lambda: 1, k: 10, topN: 10 });
    expect([...g.ids[0]!].sort()).toEqual([1, 2]);
    expect([...g.ids[3]!]).toEqual([4]);
    for (let i = 0; i < 5; i++) expect([...g.ids[i]!]).not.toContain(i);
  });

  it('matches the closed form B = -P / diag(P) on a hand-sized case', () => {
    // X'X for users [[0,1],[0,1],[1]]: [[2,2],[2,3]] + lambda I (lambda 1) = [[3,2],[2,4]]; P = 1/8 [[4,-2],[-2,3]]
    const g = trainEase([[0, 1], [0, 1], [1]], 2, { lambda: 1, k: 5, topN: 5 });
    expect(g.weights[0]![0]).toBeCloseTo((2 / 8) / (3 / 8), 6); // B(0,1) = -P01 / P11
    expect(g.weights[1]![0]).toBeCloseTo((2 / 8) / (4 / 8), 6); // B(1,0) = -P10 / P00
  });

  it('fits only the topN items by buyers', () => {
    const g = trainEase(users, 5, { lambda: 1, k: 10, topN: 3 });
    expect(g.ids[3]!.length + g.ids[4]!.length).toBe(0);
  });
});
