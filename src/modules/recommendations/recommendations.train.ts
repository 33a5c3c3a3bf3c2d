/**
 * Trains every recommender from one snapshot of purchases and product views into one RecModel,
 * and (de)serialises it for the database. The service and `npm run eval:recs` both call
 * trainModel, so the evaluation measures the code that serves. Pure: no I/O.
 */
import { runSync } from '../../core/index.ts';
import { DEFAULT_EASE, trainEaseSteps, type EaseOptions } from './recommendations.ease.ts';
import {
  createItemIndex, graphFromJson, graphToJson, trainCooccurrence, type CooccurrenceOptions, type GraphJson, type ItemGraph, type ItemIndex,
} from './recommendations.graph.ts';
import {
  trainPopularity, trainSeasonal, trainTrending, type Ranking, type SegmentedRanking, type SeasonalOptions, type Touch, type TrendingOptions,
} from './recommendations.popularity.ts';
import {
  trainCrossSell, trainReplenishment, trainStarterKit, type CrossSellOptions, type OrderItems, type ReplenishmentModel, type ReplenishmentOptions,
} from './recommendations.repeat.ts';
import { mineAssociationRules, type RuleOptions } from './recommendations.rules.ts';

/** One line of an order: shopper, product, time (ms), order id, and the shopper's segment. */
export interface PurchaseRecord { user: string; item: string; at: number; order: string; segment?: string | undefined }
/** One product view by a visitor (any stable key: profile, anonymousId). */
export interface ViewRecord { visitor: string; item: string; at: number }

export interface TrainingData { purchases: readonly PurchaseRecord[]; views: readonly ViewRecord[] }

export interface TrainOptions {
  now: number;
  /** Basket-level co-purchase ("frequently bought together"). */
  coPurchase: Partial<CooccurrenceOptions>;
  /** Session-level co-view ("people who viewed this also viewed"). */
  coView: Partial<CooccurrenceOptions>;
  /** User-level item-kNN: transactions are each shopper's whole history. */
  itemKnn: Partial<CooccurrenceOptions>;
  ease: Partial<EaseOptions>;
  trending: Partial<TrendingOptions>;
  seasonal: Partial<SeasonalOptions>;
  replenishment: Partial<ReplenishmentOptions>;
  crossSell: Partial<CrossSellOptions>;
  /** Association rules over baskets (multi-item carts); null skips mining. */
  rules: Partial<RuleOptions> | null;
  /** Views more than this apart start a new session. */
  sessionGapMinutes: number;
}

export const DEFAULT_TRAIN: Omit<TrainOptions, 'now'> = {
  coPurchase: { alpha: 0.5, k: 50 },
  coView: { alpha: 0.5, k: 50, sizeWeighting: false },
  itemKnn: { alpha: 0.5, k: 100 },
  ease: DEFAULT_EASE,
  trending: {},
  seasonal: {},
  replenishment: {},
  crossSell: {},
  rules: { minSupport: 0.01, minConfidence: 0.2, minLen: 2, maxLen: 3 },
  sessionGapMinutes: 30,
};

/** Rules over item indices, grouped by consequent-free lookup: lhs (sorted) -> rhs. */
export interface IndexedRule { lhs: number[]; rhs: number; confidence: number; lift: number; support: number }

export interface TrainStats {
  purchases: number; orders: number; shoppers: number; items: number; views: number; sessions: number;
  replenishableItems: number; rules: number; easeItems: number; trainMs: number;
}

export interface RecModel {
  trainedAt: number;
  index: ItemIndex;
  coPurchase: ItemGraph;
  coView: ItemGraph;
  itemKnn: ItemGraph;
  ease: ItemGraph;
  crossSell: ItemGraph;
  popularity: Ranking;
  trending: SegmentedRanking;
  seasonal: SegmentedRanking;
  starter: Ranking;
  replenishment: ReplenishmentModel;
  rules: IndexedRule[];
  stats: TrainStats;
}

/** Each shopper's orders, oldest first, as distinct item indices. */
export function groupOrders(purchases: readonly PurchaseRecord[], index: ItemIndex): Map<string, OrderItems[]> {
  const byOrder = new Map<string, { user: string; at: number; items: Set<number> }>();
  for (const p of purchases) {
    const i = index.index.get(p.item);
    if (i === undefined) continue;
    const key = `${p.user}\u0000${p.order}`;
    let o = byOrder.get(key);
    if (!o) { o = { user: p.user, at: p.at, items: new Set() }; byOrder.set(key, o); }
    o.at = Math.min(o.at, p.at);
    o.items.add(i);
  }
  const users = new Map<string, OrderItems[]>();
  for (const o of byOrder.values()) {
    let l = users.get(o.user);
    if (!l) { l = []; users.set(o.user, l); }
    l.push({ at: o.at, items: [...o.items] });
  }
  for (const l of users.values()) l.sort((a, b) => a.at - b.at);
  return users;
}

/** View sessions: a visitor's views split where two are more than gapMs apart; distinct items. */
export function viewSessions(views: readonly ViewRecord[], index: ItemIndex, gapMs: number): number[][] {
  const byVisitor = new Map<string, Array<[number, number]>>();
  for (const v of views) {
    const i = index.index.get(v.item);
    if (i === undefined) continue;
    let l = byVisitor.get(v.visitor);
    if (!l) { l = []; byVisitor.set(v.visitor, l); }
    l.push([v.at, i]);
  }
  const sessions: number[][] = [];
  for (const l of byVisitor.values()) {
    l.sort((a, b) => a[0] - b[0]);
    let cur = new Set<number>();
    let last = -Infinity;
    for (const [at, i] of l) {
      if (at - last > gapMs && cur.size > 0) { sessions.push([...cur]); cur = new Set(); }
      cur.add(i);
      last = at;
    }
    if (cur.size > 0) sessions.push([...cur]);
  }
  return sessions;
}

export function trainModel(data: TrainingData, options: Partial<TrainOptions> & { now: number }, perf: () => number = () => 0): RecModel {
  return runSync(trainModelSteps(data, options, perf));
}

/** trainModel as steps: yields between models and inside EASE's inversion (see core/steps.ts). */
export function* trainModelSteps(data: TrainingData, options: Partial<TrainOptions> & { now: number }, perf: () => number = () => 0): Generator<void, RecModel> {
  const t0 = perf();
  const o: TrainOptions = { ...DEFAULT_TRAIN, ...options };
  const index = createItemIndex([...data.purchases.map((p) => p.item), ...data.views.map((v) => v.item)]);
  const n = index.ids.length;
  const users = groupOrders(data.purchases, index);
  const orderLists = [...users.values()];
  const baskets = orderLists.flatMap((l) => l.map((x) => [...x.items]));
  const histories = orderLists.map((l) => [...new Set(l.flatMap((x) => x.items))]);
  const sessions = viewSessions(data.views, index, o.sessionGapMinutes * 60_000);
  const touches: Touch[] = [];
  for (const p of data.purchases) {
    const i = index.index.get(p.item);
    if (i !== undefined) touches.push({ user: p.user, item: i, at: p.at, segment: p.segment });
  }
  yield;
  const rules = o.rules ? indexRules(baskets, index, o.rules) : [];
  yield;
  const ease = yield* trainEaseSteps(histories, n, o.ease);
  const replenishment = trainReplenishment(orderLists, o.replenishment);
  yield;
  const coPurchase = trainCooccurrence(baskets, n, o.coPurchase);
  yield;
  const coView = trainCooccurrence(sessions, n, o.coView);
  yield;
  const itemKnn = trainCooccurrence(histories, n, o.itemKnn);
  yield;
  const crossSell = trainCrossSell(orderLists, n, o.crossSell);
  yield;
  return {
    trainedAt: o.now,
    index,
    coPurchase,
    coView,
    itemKnn,
    ease,
    crossSell,
    popularity: trainPopularity(touches),
    trending: trainTrending(touches, o.now, o.trending),
    seasonal: trainSeasonal(touches, o.now, o.seasonal),
    starter: trainStarterKit(orderLists),
    replenishment,
    rules,
    stats: {
      purchases: data.purchases.length, orders: baskets.length, shoppers: users.size, items: n, views: data.views.length, sessions: sessions.length,
      replenishableItems: replenishment.intervals.size, rules: rules.length, easeItems: ease.ids.filter((x) => x.length > 0).length, trainMs: Math.round(perf() - t0),
    },
  };
}

function indexRules(baskets: number[][], index: ItemIndex, opts: Partial<RuleOptions>): IndexedRule[] {
  const multi = baskets.map((b) => b.map((i) => index.ids[i]!));
  return mineAssociationRules(multi, opts).map((r) => ({
    lhs: r.lhs.map((x) => index.index.get(x)!).sort((a, b) => a - b), rhs: index.index.get(r.rhs)!, confidence: r.confidence, lift: r.lift, support: r.support,
  }));
}

/** The model as JSON for the database; graphs keep 5 significant digits. */
export interface RecModelJson {
  trainedAt: number; items: string[];
  coPurchase: GraphJson; coView: GraphJson; itemKnn: GraphJson; ease: GraphJson; crossSell: GraphJson;
  popularity: Ranking; trending: SegmentedRanking; seasonal: SegmentedRanking; starter: Ranking;
  replenishment: Array<[number, number, number, number]>; rules: IndexedRule[]; stats: TrainStats;
}

export function modelToJson(m: RecModel): RecModelJson {
  return {
    trainedAt: m.trainedAt, items: m.index.ids,
    coPurchase: graphToJson(m.coPurchase), coView: graphToJson(m.coView), itemKnn: graphToJson(m.itemKnn), ease: graphToJson(m.ease), crossSell: graphToJson(m.crossSell),
    popularity: m.popularity, trending: m.trending, seasonal: m.seasonal, starter: m.starter,
    replenishment: [...m.replenishment.intervals].map(([i, v]) => [i, v.days, v.repeaters, v.buyers]),
    rules: m.rules, stats: m.stats,
  };
}

export function modelFromJson(j: RecModelJson): RecModel {
  return {
    trainedAt: j.trainedAt, index: createItemIndex(j.items),
    coPurchase: graphFromJson(j.coPurchase), coView: graphFromJson(j.coView), itemKnn: graphFromJson(j.itemKnn), ease: graphFromJson(j.ease), crossSell: graphFromJson(j.crossSell),
    popularity: j.popularity, trending: j.trending, seasonal: j.seasonal, starter: j.starter,
    replenishment: { intervals: new Map(j.replenishment.map(([i, days, repeaters, buyers]) => [i, { days, repeaters, buyers }])) },
    rules: j.rules, stats: j.stats,
  };
}
