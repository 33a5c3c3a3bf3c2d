/**
 * A short-lived memory of the recommender's candidates per shopper and context. The recommender
 * (graph walks, diversity re-ranking) costs far more than scoring, and a shopper's candidate list
 * changes only when their profile, the model or the catalog does: an entry is used while none of
 * those changed and it is younger than `ttlMs`. Scoring, guardrails and stock run on every
 * decision regardless.
 */
import type { ProductSource, ProductSuggestion } from './decisioning.candidates.ts';

export interface SuggestionCache {
  source: ProductSource;
  /** A profile changed (projection): its entries are stale. */
  touch(profileId: string): void;
  size(): number;
}

export function createSuggestionCache(inner: ProductSource, opts: { nowMs: () => number; epoch: () => string; ttlMs?: number; max?: number }): SuggestionCache {
  const ttl = opts.ttlMs ?? 300_000, max = opts.max ?? 50_000;
  const entries = new Map<string, { at: number; epoch: string; profileEpoch: number; items: ProductSuggestion[] }>();
  const profileEpochs = new Map<string, number>();
  return {
    source(req) {
      const key = `${req.profileId ?? ''}|${req.placement}|${req.strategy}|${req.personalized ? 1 : 0}|${req.storeId ?? ''}|${req.count}|${req.productIds.join(',')}`;
      const now = opts.nowMs(), epoch = opts.epoch(), pe = req.profileId ? profileEpochs.get(req.profileId) ?? 0 : 0;
      const hit = entries.get(key);
      if (hit && hit.epoch === epoch && hit.profileEpoch === pe && now - hit.at < ttl) return hit.items;
      const items = inner(req);
      if (entries.size >= max) { const oldest = entries.keys().next().value; if (oldest !== undefined) entries.delete(oldest); }
      entries.delete(key);
      entries.set(key, { at: now, epoch, profileEpoch: pe, items });
      return items;
    },
    touch(profileId) { profileEpochs.set(profileId, (profileEpochs.get(profileId) ?? 0) + 1); if (profileEpochs.size > max * 4) profileEpochs.clear(); },
    size: () => entries.size,
  };
}
