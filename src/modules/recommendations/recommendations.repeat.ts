/**
 * Models over each shopper's sequence of orders: replenishment (when is a repeat buyer due to buy
 * an item again), starter kits (what first orders of customers who came back contained) and
 * post-purchase cross-sell (what people bought in a later order after buying i). Pure: no I/O.
 */
import { emptyGraph, setNeighbours, type ItemGraph } from './recommendations.graph.ts';

/** One order: when, and its distinct item indices. */
export interface OrderItems { at: number; items: readonly number[] }

const DAY = 86_400_000;

export interface ReplenishmentModel {
  /** item -> median days between consecutive purchases by the same shopper, with evidence. */
  intervals: Map<number, { days: number; repeaters: number; buyers: number }>;
}

export interface ReplenishmentOptions {
  /** An item needs at least this many shoppers who bought it on 2+ different days. */
  minRepeaters: number;
  /** Gaps shorter than this (same trip, split orders) are not a replenishment cycle. */
  minGapDays: number;
}

export const DEFAULT_REPLENISHMENT: ReplenishmentOptions = { minRepeaters: 3, minGapDays: 3 };

/** `users` = each shopper's orders, oldest first. */
export function trainReplenishment(users: readonly (readonly OrderItems[])[], opts: Partial<ReplenishmentOptions> = {}): ReplenishmentModel {
  const o = { ...DEFAULT_REPLENISHMENT, ...opts };
  const gaps = new Map<number, number[]>();
  const repeaters = new Map<number, number>();
  const buyers = new Map<number, number>();
  for (const orders of users) {
    const last = new Map<number, number>();
    const repeated = new Set<number>();
    for (const ord of orders) {
      for (const i of ord.items) {
        const prev = last.get(i);
        if (prev === undefined) { buyers.set(i, (buyers.get(i) ?? 0) + 1); last.set(i, ord.at); continue; }
        const days = (ord.at - prev) / DAY;
        if (days < o.minGapDays) continue;
        let g = gaps.get(i);
        if (!g) { g = []; gaps.set(i, g); }
        g.push(days);
        repeated.add(i);
        last.set(i, ord.at);
      }
    }
    for (const i of repeated) repeaters.set(i, (repeaters.get(i) ?? 0) + 1);
  }
  const intervals = new Map<number, { days: number; repeaters: number; buyers: number }>();
  for (const [i, g] of gaps) {
    const r = repeaters.get(i) ?? 0;
    if (r < o.minRepeaters) continue;
    intervals.set(i, { days: median(g), repeaters: r, buyers: buyers.get(i) ?? r });
  }
  return { intervals };
}

/** What the serving path knows about one item in a shopper's history. */
export interface HeldItem { count: number; lastAt: number }

/**
 * due(i) = repeatRate(i) * exp(-0.5 * ((elapsed - interval) / (0.5 * interval))^2) for items the
 * shopper bought whose interval is known and at least half of it has elapsed; repeatRate =
 * repeaters / buyers (how habitual the item is). Peaks when the usual interval has passed.
 */
export function scoreReplenishment(model: ReplenishmentModel, history: ReadonlyMap<number, HeldItem>, now: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const [i, h] of history) {
    const iv = model.intervals.get(i);
    if (!iv) continue;
    const elapsed = (now - h.lastAt) / DAY;
    if (elapsed < 0.5 * iv.days) continue;
    const z = (elapsed - iv.days) / (0.5 * iv.days);
    out.set(i, (iv.repeaters / Math.max(iv.buyers, 1)) * Math.exp(-0.5 * z * z));
  }
  return out;
}

/**
 * Starter kit: starter(i) = number of shoppers whose FIRST order held i and who ordered again,
 * i.e. what the first baskets of customers who were kept contained. Best first.
 */
export function trainStarterKit(users: readonly (readonly OrderItems[])[], limit = 200): Array<[number, number]> {
  const counts = new Map<number, number>();
  for (const orders of users) {
    if (orders.length < 2) continue;
    for (const i of new Set(orders[0]!.items)) counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, limit);
}

export interface CrossSellOptions {
  /** A later order counts if placed within this many days of the earlier one. */
  maxGapDays: number;
  minCount: number;
  k: number;
}

export const DEFAULT_CROSS_SELL: CrossSellOptions = { maxGapDays: 90, minCount: 2, k: 50 };

/**
 * Post-purchase cross-sell: for every order holding i followed by the same shopper's next order
 * within maxGapDays, each item j of that next order not in the first one counts. Weight
 * w(i -> j) = count(i -> j) / sqrt(n(i) * n(j)), n(x) = follow-ups counted from / to x: the
 * cosine of "bought i, then next bought j", so best-sellers do not dominate every list.
 */
export function trainCrossSell(users: readonly (readonly OrderItems[])[], nItems: number, opts: Partial<CrossSellOptions> = {}): ItemGraph {
  const o = { ...DEFAULT_CROSS_SELL, ...opts };
  const pairs = new Map<number, Map<number, number>>();
  const from = new Float64Array(nItems);
  const to = new Float64Array(nItems);
  for (const orders of users) {
    for (let x = 0; x + 1 < orders.length; x++) {
      const a = orders[x]!, b = orders[x + 1]!;
      if (b.at - a.at > o.maxGapDays * DAY) continue;
      const had = new Set(a.items);
      const next = [...new Set(b.items)].filter((j) => !had.has(j));
      if (next.length === 0) continue;
      for (const i of had) {
        from[i]!++;
        let m = pairs.get(i);
        if (!m) { m = new Map(); pairs.set(i, m); }
        for (const j of next) m.set(j, (m.get(j) ?? 0) + 1);
      }
      for (const j of next) to[j]!++;
    }
  }
  const graph = emptyGraph(nItems);
  for (const [i, m] of pairs) {
    const cands: Array<[number, number]> = [];
    for (const [j, c] of m) if (c >= o.minCount) cands.push([j, c / Math.sqrt(from[i]! * to[j]!)]);
    setNeighbours(graph, i, cands, o.k);
  }
  return graph;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
