/**
 * Margin-aware re-ranking with diversity. Pure: no I/O.
 *
 * value(i) = (1 - marginWeight) * relevance(i) / max relevance + marginWeight * margin(i) / max margin
 * where margin is the unit margin (price - cost) of the item's lead variant; an item without a
 * cost gets the median margin of the candidates that have one (unknown is not punished as zero).
 *
 * Diversity by maximal marginal relevance (Carbonell & Goldstein 1998): repeatedly take
 *   argmax  lambda * value(i) - (1 - lambda) * max over already chosen j of sim(i, j)
 * with sim(i, j) = 0.7 * [same category] + 0.3 * [same brand] (0 when unknown).
 */

export interface RerankCandidate {
  key: string;
  relevance: number;
  margin: number | null;
  category?: string | null | undefined;
  brand?: string | null | undefined;
}

export interface RerankOptions {
  count: number;
  /** 0 = relevance only, 1 = margin only. */
  marginWeight: number;
  /** 1 = no diversity. */
  lambda: number;
  /** Already placed items (pinned) that chosen items should differ from. */
  placed?: readonly RerankCandidate[];
}

export const DEFAULT_RERANK = { marginWeight: 0.2, lambda: 0.8 };

export interface Reranked<T extends RerankCandidate> { item: T; value: number }

export function similarity(a: RerankCandidate, b: RerankCandidate): number {
  let s = 0;
  if (a.category && a.category === b.category) s += 0.7;
  if (a.brand && a.brand === b.brand) s += 0.3;
  return s;
}

/** The blended value of each candidate, in input order. */
export function blendValue(cands: readonly RerankCandidate[], marginWeight: number): number[] {
  const maxRel = Math.max(0, ...cands.map((c) => c.relevance));
  const known = cands.map((c) => c.margin).filter((m): m is number => m !== null).sort((a, b) => a - b);
  const fill = known.length > 0 ? known[known.length >> 1]! : 0;
  const margins = cands.map((c) => Math.max(0, c.margin ?? fill));
  const maxMargin = Math.max(0, ...margins);
  return cands.map((c, x) => (1 - marginWeight) * (maxRel > 0 ? c.relevance / maxRel : 0) + marginWeight * (maxMargin > 0 ? margins[x]! / maxMargin : 0));
}

/** Picks `count` candidates by MMR over the blended value; stable for equal scores (input order). */
export function rerankDiverse<T extends RerankCandidate>(cands: readonly T[], opts: RerankOptions): Array<Reranked<T>> {
  const values = blendValue(cands, opts.marginWeight);
  const chosen: Array<Reranked<T>> = [];
  const placed: RerankCandidate[] = [...(opts.placed ?? [])];
  const maxSim = new Float64Array(cands.length);
  for (let x = 0; x < cands.length; x++) for (const p of placed) maxSim[x] = Math.max(maxSim[x]!, similarity(cands[x]!, p));
  const used = new Uint8Array(cands.length);
  const n = Math.min(opts.count, cands.length);
  while (chosen.length < n) {
    let best = -1, bestScore = -Infinity;
    for (let x = 0; x < cands.length; x++) {
      if (used[x]) continue;
      const s = opts.lambda * values[x]! - (1 - opts.lambda) * maxSim[x]!;
      if (s > bestScore) { bestScore = s; best = x; }
    }
    used[best] = 1;
    const item = cands[best]!;
    chosen.push({ item, value: values[best]! });
    for (let x = 0; x < cands.length; x++) if (!used[x]) maxSim[x] = Math.max(maxSim[x]!, similarity(cands[x]!, item));
  }
  return chosen;
}
