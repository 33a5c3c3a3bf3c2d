/**
 * Serving: turns a trained RecModel, what the catalog says now and what Braid knows of the shopper
 * into a ranked list, applying the business rules every time. Synchronous and pure (the service
 * passes in-memory state), so the decision engine can call it on its 5 ms path and the offline
 * evaluation runs exactly this code. See docs/recommendations.md for the rules and formulas.
 */
import { accumulateSeeds, createScratch, type ItemGraph, type Scratch, type SparseScores } from './recommendations.graph.ts';
import { ALL_SEGMENTS, type Ranking } from './recommendations.popularity.ts';
import { scoreReplenishment, type HeldItem } from './recommendations.repeat.ts';
import { DEFAULT_RERANK, rerankDiverse, type RerankCandidate } from './recommendations.rerank.ts';
import type { RecModel } from './recommendations.train.ts';

export const STRATEGIES = ['auto', 'similar', 'co_purchase', 'user', 'trending', 'replenishment', 'cross_sell'] as const;
export type Strategy = (typeof STRATEGIES)[number];
export type RecSource = 'pinned' | 'co_purchase' | 'co_view' | 'user' | 'trending' | 'seasonal' | 'replenishment' | 'starter_kit' | 'cross_sell' | 'popular' | 'catalog' | 'search';

export interface RecItem {
  productId: string;
  variantId?: string;
  score: number;
  /** The recommender that contributed most to this item. */
  source: RecSource;
  price: number;
  /** Unit margin of the lead variant (price - cost), null without a cost. */
  margin: number | null;
  reason: string;
}

export interface RecommendRequest {
  profileId?: string;
  placement?: string;
  strategy?: Strategy;
  /** Context items: the product on the page, the cart, or the order just placed. */
  productIds?: string[];
  storeId?: string;
  count: number;
  exclude?: string[];
  pinned?: string[];
  /** false without personalization consent: no history, views or profile segment are used. */
  personalized?: boolean;
  segment?: string;
}

export interface RerankRequest { profileId?: string; productIds: string[]; storeId?: string; personalized?: boolean; placement?: string }

/** What serving needs to know of one product, from the in-memory catalog. */
export interface ItemFacts {
  price: number;
  margin: number | null;
  variantId?: string | undefined;
  category: string | null;
  brand: string | null;
  /** Durable goods are not recommended again to someone who bought them. */
  durable: boolean;
}

export interface CatalogView {
  facts(productId: string): ItemFacts | undefined;
  inStock(productId: string, storeId?: string): boolean;
  /** Some product ids in catalog order: the last-resort fill of a store without sales yet. */
  browse?(limit: number): Iterable<string>;
}

/** What Braid knows of a shopper, kept in memory by the service. */
export interface ShopperState {
  held: Map<string, HeldItem>;
  orderCount: number;
  lastOrder?: { at: number; items: string[] } | undefined;
  /** Recent product views, newest first. */
  views: Array<{ item: string; at: number }>;
  segment?: string | undefined;
}

export interface ServeOptions {
  marginWeight: number;
  lambda: number;
  /** Personal models use at most this many of the shopper's most recent items. */
  maxSeeds: number;
  /** A bought item's seed weight halves (towards a floor of half) over this many days. */
  seedHalfLifeDays: number;
  /** Weight of trending in the 'auto' blend (the personal model weighs 1). */
  trendWeight: number;
}
export const DEFAULT_SERVE: ServeOptions = { ...DEFAULT_RERANK, maxSeeds: 100, seedHalfLifeDays: 60, trendWeight: 0.3 };

const DAY = 86_400_000;
interface Source { name: RecSource; weight: number; scores: SparseScores; reason: string }

/** Per-model reusable arrays: one accumulator for a source, one for the blend. */
interface Work { scratch: Scratch; merged: Float64Array; best: Float64Array; from: Int16Array; touched: number[] }
const work = new WeakMap<RecModel, Work>();
function workFor(model: RecModel): Work {
  let w = work.get(model);
  if (!w) {
    const n = model.index.ids.length;
    w = { scratch: createScratch(n), merged: new Float64Array(n), best: new Float64Array(n), from: new Int16Array(n).fill(-1), touched: [] };
    work.set(model, w);
  }
  return w;
}
const sparse = (entries: Iterable<readonly [number, number]>): SparseScores => {
  const ids: number[] = [], vals: number[] = [];
  for (const [i, v] of entries) { ids.push(i); vals.push(v); }
  return { ids, vals };
};

/** Placements map to the strategy that fits the page when the caller asks for 'auto'. */
export function strategyFor(placement: string | undefined): Strategy {
  switch (placement) {
    case 'pdp': return 'similar';
    case 'cart': return 'co_purchase';
    case 'post_purchase': case 'order_confirmation': return 'cross_sell';
    default: return 'auto';
  }
}

export function recommendFrom(model: RecModel, catalog: CatalogView, shopper: ShopperState | undefined, req: RecommendRequest, now: number, opts: ServeOptions = DEFAULT_SERVE): RecItem[] {
  const personal = req.personalized === true && shopper ? shopper : undefined;
  const ctx = (req.productIds ?? []).map((id) => model.index.index.get(id)).filter((i): i is number => i !== undefined);
  const ctxName = req.productIds?.[0];
  const strategy = req.strategy && req.strategy !== 'auto' ? req.strategy : strategyFor(req.placement);
  const segment = req.segment ?? personal?.segment;
  const sources: Source[] = [];
  const w = workFor(model);
  const add = (name: RecSource, weight: number, scores: SparseScores, reason: string) => { if (scores.ids.length > 0 && weight > 0) sources.push({ name, weight, scores, reason }); };
  const graphScores = (g: ItemGraph, from: number[]) => accumulateSeeds(g, from.map((i) => [i, 1] as const), w.scratch);
  const lastOrder = () => (personal?.lastOrder?.items ?? []).map((id) => model.index.index.get(id)).filter((i): i is number => i !== undefined);

  const similar = () => {
    add('co_view', 1, graphScores(model.coView, ctx), `viewed together with ${ctxName}`);
    add('co_purchase', 0.6, graphScores(model.coPurchase, ctx), `bought together with ${ctxName}`);
  };
  const coPurchase = () => {
    add('co_purchase', 1, coPurchaseScores(model, ctx, w.scratch), `bought together with ${ctxName}`);
    add('co_view', 0.4, graphScores(model.coView, ctx), `viewed together with ${ctxName}`);
  };
  const user = (weight: number) => add('user', weight, personal ? userScores(model, seedsOf(model, personal, now, opts), w.scratch) : sparse([]), 'picked for you from what you bought and viewed');
  const crossSell = (weight: number) => {
    const from = ctx.length > 0 ? ctx : lastOrder();
    add('cross_sell', weight, graphScores(model.crossSell, from), 'often bought next by people who bought this');
  };
  const replenish = (weight: number) => {
    if (!personal) return;
    if (personal.orderCount === 0) { add('starter_kit', weight, sparse(model.starter), 'a first-order favourite of customers who came back'); return; }
    const held = new Map<number, HeldItem>();
    for (const [id, h] of personal.held) { const i = model.index.index.get(id); if (i !== undefined) held.set(i, h); }
    add('replenishment', weight, sparse(scoreReplenishment(model.replenishment, held, now)), 'time to restock');
  };
  const trending = (weight: number) => {
    add('trending', weight, sparse(bySegment(model.trending, segment)), segment ? `trending in ${segment}` : 'trending now');
    add('seasonal', weight * 0.3, sparse(bySegment(model.seasonal, segment)), 'popular at this time of year');
  };

  switch (strategy) {
    case 'similar': similar(); break;
    case 'co_purchase': coPurchase(); break;
    case 'user': user(1); break;
    case 'trending': trending(1); break;
    case 'replenishment': replenish(1); break;
    case 'cross_sell': crossSell(1); break;
    case 'auto':
      if (ctx.length > 0) { coPurchase(); similar(); user(0.5); }
      else if (personal && personal.orderCount > 0) { user(1); replenish(0.6); crossSell(0.3); }
      else if (personal) { replenish(1); user(0.7); }
      trending(opts.trendWeight);
      break;
  }

  const blocked = new Set([...(req.exclude ?? []), ...(req.productIds ?? [])]);
  const allowed = (id: string): ItemFacts | undefined => {
    if (blocked.has(id) || !catalog.inStock(id, req.storeId)) return undefined;
    const f = catalog.facts(id);
    if (!f) return undefined;
    if (f.durable && personal?.held.has(id)) return undefined;
    return f;
  };

  // pinned first, in the merchandiser's order, still subject to stock and exclusions
  const out: RecItem[] = [];
  const pinnedFacts: RerankCandidate[] = [];
  for (const id of req.pinned ?? []) {
    if (out.length >= req.count || out.some((r) => r.productId === id)) continue;
    const f = allowed(id);
    if (!f) continue;
    blocked.add(id);
    out.push(toItem(id, f, 1, 'pinned', 'pinned by merchandising'));
    pinnedFacts.push({ key: id, relevance: 1, margin: f.margin, category: f.category, brand: f.brand });
  }
  const want = req.count - out.length;
  if (want <= 0) return out;

  const pool = Math.max(want * 4, 40);
  const cands: Array<RerankCandidate & { facts: ItemFacts; source: Source }> = [];
  const ids = mergeSources(sources, w);
  for (const i of bestFirst(ids, w.merged, pool)) {
    const id = model.index.ids[i]!;
    const f = allowed(id);
    if (f) cands.push({ key: id, relevance: w.merged[i]!, margin: f.margin, category: f.category, brand: f.brand, facts: f, source: sources[w.from[i]!]! });
    if (cands.length >= pool) break;
  }
  for (const i of ids) { w.merged[i] = 0; w.best[i] = 0; w.from[i] = -1; }
  for (const r of rerankDiverse(cands, { count: want, marginWeight: opts.marginWeight, lambda: opts.lambda, placed: pinnedFacts })) {
    out.push(toItem(r.item.key, r.item.facts, round(r.value), r.item.source.name, r.item.source.reason));
    blocked.add(r.item.key);
  }
  // too few: fill with what sells now, then all-time best-sellers (non-personal, rules still apply)
  for (const [ranking, source, reason] of [[bySegment(model.trending, segment), 'trending', 'trending now'], [model.popularity, 'popular', 'a best-seller']] as const) {
    for (const [i] of ranking) {
      if (out.length >= req.count) return out;
      const id = model.index.ids[i]!;
      const f = allowed(id);
      if (!f) continue;
      blocked.add(id);
      out.push(toItem(id, f, 0, source, reason));
    }
  }
  // no sales history yet (a new store, a cold model): in-stock products by unit margin
  const rest: Array<[string, ItemFacts]> = [];
  for (const id of catalog.browse?.(2000) ?? []) { const f = allowed(id); if (f) rest.push([id, f]); }
  rest.sort((a, b) => (b[1].margin ?? 0) - (a[1].margin ?? 0) || (a[0] < b[0] ? -1 : 1));
  for (const [id, f] of rest.slice(0, req.count - out.length)) out.push(toItem(id, f, 0, 'catalog', 'from the catalog'));
  return out;
}

/**
 * Re-ranks a given list (search results, a category page): relevance = 0.6 * position prior
 * (1/log2(rank + 2)) + 0.3 * personal affinity + 0.1 * trending, both normalised to [0, 1]; then
 * the margin blend and MMR of recommendFrom on the first 48 (a page); the rest follow by value.
 * Items out of stock (at the store when named) and durable goods the shopper owns sink to the end
 * in their original order; ids the catalog does not know are left out.
 */
export function rerankFrom(model: RecModel, catalog: CatalogView, shopper: ShopperState | undefined, req: RerankRequest, now: number, opts: ServeOptions = DEFAULT_SERVE): RecItem[] {
  const personal = req.personalized === true && shopper ? shopper : undefined;
  const affinity = normalise(personal ? userScores(model, seedsOf(model, personal, now, opts), workFor(model).scratch) : { ids: [], vals: [] });
  const trend = normalise(sparse(bySegment(model.trending, personal?.segment)));
  const live: Array<RerankCandidate & { facts: ItemFacts }> = [];
  const sunk: RecItem[] = [];
  const seen = new Set<string>();
  req.productIds.forEach((id, rank) => {
    if (seen.has(id)) return;
    seen.add(id);
    const f = catalog.facts(id);
    if (!f) return;
    if (!catalog.inStock(id, req.storeId)) { sunk.push(toItem(id, f, 0, 'search', 'out of stock')); return; }
    if (f.durable && personal?.held.has(id)) { sunk.push(toItem(id, f, 0, 'search', 'already bought')); return; }
    const i = model.index.index.get(id);
    const relevance = 0.6 / Math.log2(rank + 2) + (i === undefined ? 0 : 0.3 * (affinity.get(i) ?? 0) + 0.1 * (trend.get(i) ?? 0));
    live.push({ key: id, relevance, margin: f.margin, category: f.category, brand: f.brand, facts: f });
  });
  const page = rerankDiverse(live, { count: Math.min(48, live.length), marginWeight: opts.marginWeight, lambda: opts.lambda });
  const onPage = new Set(page.map((r) => r.item.key));
  const rest = rerankDiverse(live.filter((c) => !onPage.has(c.key)), { count: live.length, marginWeight: opts.marginWeight, lambda: 1 });
  const reason = personal ? 'ranked for you' : 'ranked by relevance, demand and margin';
  return [...page, ...rest].map((r) => toItem(r.item.key, r.item.facts, round(r.value), 'search', reason)).concat(sunk);
}

/**
 * The user-to-item score: EASE weights from the shopper's items, falling back to the user-level
 * item-kNN for shoppers whose items are all outside EASE's top-N.
 */
export function userScores(model: RecModel, seeds: ReadonlyArray<readonly [number, number]>, scratch: Scratch = workFor(model).scratch): SparseScores {
  const ease = accumulateSeeds(model.ease, seeds, scratch);
  return ease.ids.length > 0 ? ease : accumulateSeeds(model.itemKnn, seeds, scratch);
}

/**
 * Seeds of the personal models: a bought item weighs 0.5 + 0.5 * 2^(-age / seedHalfLife) (age of
 * its latest purchase), a recently viewed item 0.5; the most recent maxSeeds only (bounds the cost).
 */
export function seedsOf(model: RecModel, s: ShopperState, now: number, opts: Pick<ServeOptions, 'maxSeeds' | 'seedHalfLifeDays'> = DEFAULT_SERVE): Array<[number, number]> {
  const w = new Map<number, number>();
  const recent = s.held.size <= opts.maxSeeds ? s.held : [...s.held].sort((a, b) => b[1].lastAt - a[1].lastAt).slice(0, opts.maxSeeds);
  for (const [id, h] of recent) {
    const i = model.index.index.get(id);
    if (i !== undefined) w.set(i, 0.5 + 0.5 * Math.pow(2, -Math.max(0, now - h.lastAt) / (opts.seedHalfLifeDays * DAY)));
  }
  for (const v of s.views.slice(0, 20)) {
    const i = model.index.index.get(v.item);
    if (i !== undefined && !w.has(i)) w.set(i, 0.5);
  }
  return [...w];
}

/** Pairwise co-purchase plus association rules whose whole left side is in the context (confidence). */
function coPurchaseScores(model: RecModel, ctx: number[], scratch: Scratch): SparseScores {
  const s = accumulateSeeds(model.coPurchase, ctx.map((i) => [i, 1] as const), scratch);
  if (ctx.length < 2 || model.rules.length === 0) return s;
  const have = new Set(ctx);
  const top = maxOf(s.vals) || 1;
  const extra = new Map<number, number>();
  for (const r of model.rules) {
    if (r.lhs.length < 2 || have.has(r.rhs) || !r.lhs.every((x) => have.has(x))) continue;
    extra.set(r.rhs, (extra.get(r.rhs) ?? 0) + r.confidence * top);
  }
  if (extra.size === 0) return s;
  s.ids.forEach((i, x) => { const e = extra.get(i); if (e !== undefined) { s.vals[x]! += e; extra.delete(i); } });
  for (const [i, v] of extra) { s.ids.push(i); s.vals.push(v); }
  return s;
}

/**
 * Each source scaled to a maximum of its weight, summed into w.merged; w.from holds the index of
 * the source giving most. Returns the touched items (the caller resets them).
 */
function mergeSources(sources: Source[], w: Work): number[] {
  const touched: number[] = [];
  sources.forEach((src, si) => {
    const max = maxOf(src.scores.vals);
    if (!(max > 0)) return;
    const f = src.weight / max;
    const { ids, vals } = src.scores;
    for (let x = 0; x < ids.length; x++) {
      const i = ids[x]!, part = f * vals[x]!;
      if (w.from[i] === -1) { touched.push(i); w.from[i] = si; w.best[i] = part; w.merged[i] = part; continue; }
      w.merged[i]! += part;
      if (part > w.best[i]!) { w.best[i] = part; w.from[i] = si; }
    }
  });
  return touched;
}

/**
 * Items best first, without sorting all of them: the top `batch` by a numeric typed-array sort
 * of the scores, then the next 4x as many, and so on (filters may reject the first ones).
 */
function* bestFirst(ids: number[], score: Float64Array, batch: number): Generator<number> {
  const byScore = (a: number, b: number) => score[b]! - score[a]! || a - b;
  if (ids.length <= batch * 2) { yield* [...ids].sort(byScore); return; }
  const sorted = Float64Array.from(ids, (i) => score[i]!).sort();
  let upper = Infinity;
  for (let want = batch; ; want *= 4) {
    const threshold = want >= sorted.length ? -Infinity : sorted[sorted.length - want]!;
    yield* ids.filter((i) => score[i]! >= threshold && score[i]! < upper).sort(byScore);
    if (threshold === -Infinity) return;
    upper = threshold;
  }
}

function bySegment(r: Record<string, Ranking>, segment: string | undefined): Ranking {
  return (segment !== undefined ? r[segment] : undefined) ?? r[ALL_SEGMENTS] ?? [];
}

function normalise(s: SparseScores): Map<number, number> {
  const max = maxOf(s.vals);
  if (max <= 0) return new Map();
  return new Map(s.ids.map((i, x) => [i, s.vals[x]! / max]));
}

function toItem(id: string, f: ItemFacts, score: number, source: RecSource, reason: string): RecItem {
  return { productId: id, ...(f.variantId ? { variantId: f.variantId } : {}), score, source, price: f.price, margin: f.margin, reason };
}

/** Largest value, 0 when none is positive (no spread: score maps can be large). */
function maxOf(values: Iterable<number>): number {
  let m = 0;
  for (const v of values) if (v > m) m = v;
  return m;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
