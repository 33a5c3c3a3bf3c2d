import { describe, expect, it } from 'vitest';
import { catalogCoverage, hitAtK, ndcgAtK } from './recommendations.metrics.ts';
import { blendValue, rerankDiverse, similarity, type RerankCandidate } from './recommendations.rerank.ts';

const c = (key: string, relevance: number, margin: number | null, category?: string, brand?: string): RerankCandidate => ({ key, relevance, margin, category, brand });

describe('blendValue', () => {
  it('blends normalised relevance and unit margin, filling an unknown margin with the median', () => {
    const v = blendValue([c('a', 10, 2), c('b', 5, 10), c('c', 5, null)], 0.2);
    expect(v[0]).toBeCloseTo(0.8 * 1 + 0.2 * 0.2, 10);
    expect(v[1]).toBeCloseTo(0.8 * 0.5 + 0.2 * 1, 10);
    expect(v[2]).toBeCloseTo(0.8 * 0.5 + 0.2 * (10 / 10), 10); // median of [2, 10] is index 1 = 10
  });
  it('lets margin reorder close relevance', () => {
    const out = rerankDiverse([c('low', 1, 1), c('high', 0.95, 40)], { count: 2, marginWeight: 0.2, lambda: 1 });
    expect(out.map((r) => r.item.key)).toEqual(['high', 'low']);
    expect(rerankDiverse([c('low', 1, 1), c('high', 0.95, 40)], { count: 2, marginWeight: 0, lambda: 1 }).map((r) => r.item.key)).toEqual(['low', 'high']);
  });
});

describe('rerankDiverse (MMR)', () => {
  const cands = [c('s1', 1, 5, 'shoes', 'A'), c('s2', 0.98, 5, 'shoes', 'A'), c('s3', 0.97, 5, 'shoes', 'B'), c('t1', 0.9, 5, 'tops', 'A')];
  it('spreads categories and brands when lambda < 1', () => {
    expect(rerankDiverse(cands, { count: 3, marginWeight: 0, lambda: 0.8 }).map((r) => r.item.key)).toEqual(['s1', 't1', 's3']);
    expect(rerankDiverse(cands, { count: 3, marginWeight: 0, lambda: 1 }).map((r) => r.item.key)).toEqual(['s1', 's2', 's3']);
  });
  it('differs from already placed items too', () => {
    const out = rerankDiverse(cands, { count: 1, marginWeight: 0, lambda: 0.8, placed: [c('pin', 1, 1, 'shoes', 'A')] });
    expect(out[0]!.item.key).toBe('t1');
  });
  it('scores similarity 0.7 per category and 0.3 per brand', () => {
    expect(similarity(cands[0]!, cands[1]!)).toBeCloseTo(1, 10);
    expect(similarity(cands[0]!, cands[2]!)).toBeCloseTo(0.7, 10);
    expect(similarity(cands[0]!, cands[3]!)).toBeCloseTo(0.3, 10);
    expect(similarity(c('x', 1, 1), c('y', 1, 1))).toBe(0);
  });
});

describe('metrics', () => {
  const rel = new Set(['b', 'z']);
  it('HR@K is 1 when any relevant item is in the first K', () => {
    expect(hitAtK(['a', 'b', 'c'], rel, 2)).toBe(1);
    expect(hitAtK(['a', 'c', 'b'], rel, 2)).toBe(0);
  });
  it('NDCG@K uses binary gains over the ideal ordering', () => {
    expect(ndcgAtK(['a', 'b'], rel, 10)).toBeCloseTo((1 / Math.log2(3)) / (1 + 1 / Math.log2(3)), 10);
    expect(ndcgAtK(['b', 'z'], rel, 10)).toBeCloseTo(1, 10);
    expect(ndcgAtK(['b'], new Set(['b']), 10)).toBe(1);
    expect(ndcgAtK(['a'], new Set(), 10)).toBe(0);
  });
  it('coverage counts distinct items in the first K of all lists over the catalog', () => {
    expect(catalogCoverage([['a', 'b', 'x'], ['b', 'c']], 2, 10)).toBeCloseTo(0.3, 10);
  });
});
