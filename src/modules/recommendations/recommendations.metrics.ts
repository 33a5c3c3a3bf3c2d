/**
 * Offline ranking metrics for the evaluation (see docs/recommendations.md for the protocol). Pure.
 */

/** 1 when any relevant item is in the first k, else 0. */
export function hitAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (relevant.has(ranked[r]!)) return 1;
  return 0;
}

/** Binary-relevance NDCG: sum of 1/log2(rank + 1) over hits in the first k, over the ideal for min(k, |relevant|) hits. */
export function ndcgAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (relevant.has(ranked[r]!)) dcg += 1 / Math.log2(r + 2);
  let ideal = 0;
  for (let r = 0; r < Math.min(k, relevant.size); r++) ideal += 1 / Math.log2(r + 2);
  return dcg / ideal;
}

/** Distinct items recommended in any list's first k, over the catalog size. */
export function catalogCoverage(lists: Iterable<readonly string[]>, k: number, catalogSize: number): number {
  const seen = new Set<string>();
  for (const l of lists) for (let r = 0; r < Math.min(k, l.length); r++) seen.add(l[r]!);
  return catalogSize > 0 ? seen.size / catalogSize : 0;
}
