/**
 * The offline evaluation protocol (docs/recommendations.md, "Evaluation"), shared by
 * `npm run eval:recs` and its smoke test. Pure: data in, figures out.
 *
 * - Temporal split: purchases before `splitAt` train, purchases at or after it test.
 * - Test shoppers: those with at least one training purchase (no history = no personal model;
 *   they are counted, not scored) and at least one test purchase of an item they did not buy in
 *   training. Their relevant set is exactly those new items.
 * - Every recommender returns 10 items, excluding what the shopper bought in training, through
 *   recommendFrom (the serving code) with an all-in-stock catalog without prices or categories.
 * - HR@10: share of test shoppers with at least one relevant item in their top 10.
 *   NDCG@10: binary relevance, ideal = min(10, |relevant|) hits on top. Coverage: distinct items
 *   in all top-10 lists over the items known to training.
 */
import { catalogCoverage, hitAtK, ndcgAtK } from './recommendations.metrics.ts';
import { topOf, scoreFromSeeds } from './recommendations.graph.ts';
import { recommendFrom, seedsOf, DEFAULT_SERVE, type CatalogView, type RecommendRequest, type ServeOptions, type ShopperState } from './recommendations.serve.ts';
import { trainModel, type PurchaseRecord, type RecModel, type TrainOptions } from './recommendations.train.ts';

export interface EvalRow {
  name: string; hr10: number; ndcg10: number; coverage: number;
  /** Median and 99th percentile time of one ranking call, in ms (with opts.perf). */
  p50Ms: number; p99Ms: number;
}

export interface EvalReport {
  splitAt: number;
  trainPurchases: number;
  testShoppers: number;
  /** Shoppers who bought something new in the test period but had no training history. */
  coldShoppers: number;
  items: number;
  trainMs: number;
  rows: EvalRow[];
}

const K = 10;

/** Splits at `testDays` before the last purchase. */
export function splitByTime(purchases: readonly PurchaseRecord[], testDays: number): { splitAt: number; train: PurchaseRecord[]; test: PurchaseRecord[] } {
  let last = -Infinity;
  for (const p of purchases) if (p.at > last) last = p.at;
  const splitAt = last - testDays * 86_400_000;
  return { splitAt, train: purchases.filter((p) => p.at < splitAt), test: purchases.filter((p) => p.at >= splitAt) };
}

/** Builds each shopper's in-memory state from purchases, as the service does from orders. */
export function shoppersFrom(purchases: readonly PurchaseRecord[]): Map<string, ShopperState> {
  const out = new Map<string, ShopperState>();
  const orders = new Map<string, Map<string, { at: number; items: Set<string> }>>();
  for (const p of purchases) {
    let s = out.get(p.user);
    if (!s) { s = { held: new Map(), orderCount: 0, views: [], segment: p.segment }; out.set(p.user, s); }
    const h = s.held.get(p.item);
    if (!h) s.held.set(p.item, { count: 1, lastAt: p.at });
    else { h.count++; h.lastAt = Math.max(h.lastAt, p.at); }
    let os = orders.get(p.user);
    if (!os) { os = new Map(); orders.set(p.user, os); }
    let o = os.get(p.order);
    if (!o) { o = { at: p.at, items: new Set() }; os.set(p.order, o); }
    o.items.add(p.item);
  }
  for (const [user, os] of orders) {
    const s = out.get(user)!;
    s.orderCount = os.size;
    let last: { at: number; items: Set<string> } | undefined;
    for (const o of os.values()) if (!last || o.at > last.at) last = o;
    if (last) s.lastOrder = { at: last.at, items: [...last.items] };
  }
  return out;
}

const ALL_IN_STOCK: CatalogView = {
  facts: () => ({ price: 0, margin: null, category: null, brand: null, durable: true }),
  inStock: () => true,
};

type Ranker = (user: string, s: ShopperState) => string[];

export function evaluate(purchases: readonly PurchaseRecord[], opts: { testDays: number; train?: Partial<Omit<TrainOptions, 'now'>>; serve?: Partial<ServeOptions>; perf?: () => number }): { report: EvalReport; model: RecModel } {
  const perf = opts.perf ?? (() => 0);
  const { splitAt, train, test } = splitByTime(purchases, opts.testDays);
  const t0 = perf();
  const model = trainModel({ purchases: train, views: [] }, { ...opts.train, now: splitAt }, perf);
  const trainMs = perf() - t0;
  const shoppers = shoppersFrom(train);
  const relevant = new Map<string, Set<string>>();
  const cold = new Set<string>();
  for (const p of test) {
    const s = shoppers.get(p.user);
    if (!s) { cold.add(p.user); continue; }
    if (s.held.has(p.item)) continue;
    let r = relevant.get(p.user);
    if (!r) { r = new Set(); relevant.set(p.user, r); }
    r.add(p.item);
  }
  const users = [...relevant.keys()].sort();
  const serve: ServeOptions = { ...DEFAULT_SERVE, ...opts.serve };
  const served = (strategy: RecommendRequest['strategy'], ctx?: (s: ShopperState) => string[]): Ranker => (user, s) =>
    recommendFrom(model, ALL_IN_STOCK, s, { profileId: user, strategy, count: K, personalized: true, segment: s.segment, ...(ctx ? { productIds: ctx(s) } : {}) }, splitAt, serve)
      .map((r) => r.productId);
  const fromRanking = (ranking: Array<[number, number]>) => (_u: string, s: ShopperState) => {
    const out: string[] = [];
    for (const [i] of ranking) { const id = model.index.ids[i]!; if (!s.held.has(id)) out.push(id); if (out.length >= K) break; }
    return out;
  };
  const rankers: Array<[string, Ranker]> = [
    ['popularity (baseline)', fromRanking(model.popularity)],
    ['trending (segment)', served('trending')],
    ['co_purchase (last order)', served('co_purchase', (s) => s.lastOrder?.items ?? [])],
    ['cross_sell (last order)', served('cross_sell')],
    ['item_knn (user-level)', (_u, s) => topOf(scoreFromSeeds(model.itemKnn, seedsOf(model, s, splitAt, serve)), K, (i) => s.held.has(model.index.ids[i]!)).map(([i]) => model.index.ids[i]!)],
    ['user (EASE)', served('user')],
    ['auto (blend)', served('auto')],
  ];
  const rows: EvalRow[] = rankers.map(([name, rank]) => {
    let hits = 0, ndcg = 0;
    const lists: string[][] = [];
    const times: number[] = [];
    for (const u of users) {
      const t = perf();
      const list = rank(u, shoppers.get(u)!);
      times.push(perf() - t);
      lists.push(list);
      hits += hitAtK(list, relevant.get(u)!, K);
      ndcg += ndcgAtK(list, relevant.get(u)!, K);
    }
    const n = Math.max(users.length, 1);
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.floor(p * (times.length - 1))] ?? 0;
    return { name, hr10: hits / n, ndcg10: ndcg / n, coverage: catalogCoverage(lists, K, model.index.ids.length), p50Ms: q(0.5), p99Ms: q(0.99) };
  });
  return { report: { splitAt, trainPurchases: train.length, testShoppers: users.length, coldShoppers: cold.size, items: model.index.ids.length, trainMs, rows }, model };
}
