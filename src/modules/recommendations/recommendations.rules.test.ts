import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA_DIR } from '../../testing/test.config.ts';
import { hasFile, readGroceries } from './recommendations.datasets.ts';
import { mineAssociationRules } from './recommendations.rules.ts';

describe('mineAssociationRules', () => {
  const tx = [['bread', 'milk'], ['bread', 'butter', 'milk'], ['bread', 'butter'], ['milk'], ['bread', 'butter', 'milk', 'jam']];

  it('computes support, confidence and lift of single-consequent rules', () => {
    const rules = mineAssociationRules(tx, { minSupport: 0.4, minConfidence: 0.5, minLen: 2 });
    const r = rules.find((x) => x.lhs.join() === 'butter' && x.rhs === 'bread')!;
    // butter in 3/5, bread & butter in 3/5, bread in 4/5
    expect(r).toMatchObject({ support: 0.6, confidence: 1, count: 3 });
    expect(r.lift).toBeCloseTo(1 / 0.8, 10);
    const three = rules.find((x) => x.lhs.slice().sort().join() === 'butter,milk' && x.rhs === 'bread')!;
    expect(three.support).toBeCloseTo(0.4, 10);
    expect(three.confidence).toBeCloseTo(1, 10);
    expect(rules.every((x) => x.lhs.length >= 1)).toBe(true);
    expect(rules.some((x) => x.rhs === 'jam' || x.lhs.includes('jam'))).toBe(false); // jam's support 0.2 < 0.4
  });

  it('counts the empty-antecedent rules when minLen is 1, as arules does', () => {
    const withEmpty = mineAssociationRules(tx, { minSupport: 0.4, minConfidence: 0.5, minLen: 1 });
    expect(withEmpty.filter((x) => x.lhs.length === 0).map((x) => x.rhs).sort()).toEqual(['bread', 'butter', 'milk']);
  });

  it('respects maxLen', () => {
    expect(mineAssociationRules(tx, { minSupport: 0.4, minConfidence: 0.5, maxLen: 2 }).every((x) => x.lhs.length === 1)).toBe(true);
  });
});

const groceries = join(SHARED_DATA_DIR, 'groceries');
const haveGroceries = hasFile(groceries, 'groceries_baskets.csv');
if (!haveGroceries) console.warn(`skipping the Groceries rule count: ${groceries}/groceries_baskets.csv not found (shared data sets absent)`);

describe.skipIf(!haveGroceries)('Groceries (arules) reference', () => {
  it('reproduces the published 463 rules at support 0.006, confidence 0.25, minlen 2', () => {
    const baskets = readGroceries(groceries);
    expect(baskets.length).toBe(9835);
    const rules = mineAssociationRules(baskets, { minSupport: 0.006, minConfidence: 0.25, minLen: 2 });
    expect(rules.length).toBe(463);
    const top = rules[0]!;
    expect(top).toMatchObject({ lhs: ['herbs'], rhs: 'root vegetables' });
    expect(top.support).toBeCloseTo(0.0070, 4);
    expect(top.confidence).toBeCloseTo(0.4313, 4);
    expect(top.lift).toBeCloseTo(3.956, 3);
    const r = rules.find((x) => x.lhs.slice().sort().join() === 'other vegetables,yogurt' && x.rhs === 'whole milk')!;
    expect(r.support).toBeCloseTo(0.0223, 4);
    expect(r.confidence).toBeCloseTo(0.5129, 4);
  });
});
