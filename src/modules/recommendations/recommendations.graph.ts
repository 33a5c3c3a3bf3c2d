/**
 * Item-to-item graphs: for every item, its top-K neighbours with a weight. Every item-item
 * recommender (co-purchase, co-view, the user-to-item models, cross-sell) is trained into this one
 * shape, so serving is the same sparse lookup whatever produced the weights. Pure: no I/O.
 *
 * Items are dense integer indices (an ItemIndex maps ids to them) so training can use typed arrays.
 */

export interface ItemIndex {
  ids: string[];
  index: Map<string, number>;
}

/** neighbours[i] = parallel arrays of neighbour indices and weights, heaviest first. */
export interface ItemGraph {
  ids: Int32Array[];
  weights: Float32Array[];
}

export function createItemIndex(ids: Iterable<string>): ItemIndex {
  const index = new Map<string, number>();
  const out: string[] = [];
  for (const id of ids) {
    if (index.has(id)) continue;
    index.set(id, out.length);
    out.push(id);
  }
  return { ids: out, index };
}

export function emptyGraph(n: number): ItemGraph {
  return { ids: Array.from({ length: n }, () => new Int32Array(0)), weights: Array.from({ length: n }, () => new Float32Array(0)) };
}

export interface CooccurrenceOptions {
  /** Neighbours kept per item. */
  k: number;
  /**
   * Similarity exponent: sim(i,j) = c(i,j) / (n(i)^alpha * n(j)^(1-alpha)). 0.5 is cosine; larger
   * alpha favours popular neighbours less (it divides more by the context item's own count).
   */
  alpha: number;
  /** Pairs seen together fewer than this many times (unweighted) are noise and dropped. */
  minCount: number;
  /**
   * Each transaction weighs 1/log2(1 + size) (a basket of 2 weighs 0.63, of 100 weighs 0.15), so
   * a wholesaler's 500-line order does not tie everything to everything. false: every weighs 1.
   */
  sizeWeighting: boolean;
  /** Transactions longer than this keep only their first `maxSize` items (bounds the O(size^2) cost). */
  maxSize: number;
}

export const DEFAULT_COOCCURRENCE: CooccurrenceOptions = { k: 50, alpha: 0.5, minCount: 2, sizeWeighting: true, maxSize: 300 };

/**
 * Co-occurrence similarity over transactions (baskets for co-purchase, all items of a shopper for
 * the user-level item-kNN, view sessions for co-view). `transactions` hold distinct item indices.
 *
 * c(i,j) = sum over transactions holding both of w(t); n(i) = sum over transactions holding i of
 * w(t); sim(i,j) = c(i,j) / (n(i)^alpha * n(j)^(1-alpha)). Computed item by item over an inverted
 * index with one dense scratch row, so memory is O(items + nnz), never items^2.
 */
export function trainCooccurrence(transactions: readonly (readonly number[])[], nItems: number, opts: Partial<CooccurrenceOptions> = {}): ItemGraph {
  const o = { ...DEFAULT_COOCCURRENCE, ...opts };
  const txs = transactions.map((t) => (t.length > o.maxSize ? t.slice(0, o.maxSize) : t)).filter((t) => t.length >= 2);
  const weight = new Float64Array(txs.length);
  const occ = new Float64Array(nItems);
  const postings: number[][] = Array.from({ length: nItems }, () => []);
  txs.forEach((t, ti) => {
    weight[ti] = o.sizeWeighting ? 1 / Math.log2(1 + t.length) : 1;
    for (const i of t) { occ[i]! += weight[ti]!; postings[i]!.push(ti); }
  });
  const graph = emptyGraph(nItems);
  const acc = new Float64Array(nItems);
  const raw = new Int32Array(nItems);
  const touched: number[] = [];
  for (let i = 0; i < nItems; i++) {
    const plist = postings[i]!;
    if (plist.length === 0) continue;
    for (const ti of plist) {
      const w = weight[ti]!;
      for (const j of txs[ti]!) {
        if (j === i) continue;
        if (raw[j] === 0) touched.push(j);
        raw[j]!++;
        acc[j]! += w;
      }
    }
    const ni = Math.pow(occ[i]!, o.alpha);
    const cands: Array<[number, number]> = [];
    for (const j of touched) {
      if (raw[j]! >= o.minCount) cands.push([j, acc[j]! / (ni * Math.pow(occ[j]!, 1 - o.alpha))]);
      raw[j] = 0; acc[j] = 0;
    }
    touched.length = 0;
    setNeighbours(graph, i, cands, o.k);
  }
  return graph;
}

/** Keeps the k heaviest positive candidates (ties broken by index, so training is deterministic). */
export function setNeighbours(graph: ItemGraph, i: number, cands: Array<[number, number]>, k: number): void {
  const kept = cands.filter((c) => c[1] > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k);
  graph.ids[i] = Int32Array.from(kept.map((c) => c[0]));
  graph.weights[i] = Float32Array.from(kept.map((c) => c[1]));
}

/**
 * Scores items from weighted seed items: score(j) = sum over seeds i of weight(i) * sim(i, j).
 * Seeds themselves are not scored. Cost O(seeds * k), so it is a serving-path call.
 */
export function scoreFromSeeds(graph: ItemGraph, seeds: ReadonlyArray<readonly [number, number]>): Map<number, number> {
  const scores = new Map<number, number>();
  for (const [i, w] of seeds) {
    const ids = graph.ids[i];
    const ws = graph.weights[i];
    if (!ids || !ws) continue;
    for (let x = 0; x < ids.length; x++) scores.set(ids[x]!, (scores.get(ids[x]!) ?? 0) + w * ws[x]!);
  }
  for (const [i] of seeds) scores.delete(i);
  return scores;
}

/** Scores over item indices as parallel arrays (no order). */
export interface SparseScores { ids: number[]; vals: number[] }

/**
 * A dense accumulator reused across calls, so a serving call costs O(touched items), not a Map
 * per call nor O(all items). One per model; serving is synchronous, so it is never shared mid-use.
 */
export interface Scratch {
  add(i: number, v: number): void;
  /** Marks an item to leave out of the next drain (the seeds themselves). */
  skip(i: number): void;
  /** Returns the accumulated scores and resets the accumulator. */
  drain(): SparseScores;
}

export function createScratch(n: number): Scratch {
  const acc = new Float64Array(n);
  const state = new Uint8Array(n); // 0 untouched, 1 touched, 2 skipped
  const touched: number[] = [];
  const skipped: number[] = [];
  return {
    add(i, v) {
      if (state[i] === 2) return;
      if (state[i] === 0) { state[i] = 1; touched.push(i); }
      acc[i]! += v;
    },
    skip(i) {
      if (state[i] === 1) acc[i] = 0;
      if (state[i] !== 2) { state[i] = 2; skipped.push(i); }
    },
    drain() {
      const ids: number[] = [], vals: number[] = [];
      for (const i of touched) { if (state[i] === 1) { ids.push(i); vals.push(acc[i]!); } acc[i] = 0; state[i] = 0; }
      for (const i of skipped) state[i] = 0;
      touched.length = 0; skipped.length = 0;
      return { ids, vals };
    },
  };
}

/** scoreFromSeeds into a scratch: the same sums, without allocating per touched item. */
export function accumulateSeeds(graph: ItemGraph, seeds: ReadonlyArray<readonly [number, number]>, scratch: Scratch): SparseScores {
  for (const [i] of seeds) scratch.skip(i);
  for (const [i, w] of seeds) {
    const ids = graph.ids[i];
    const ws = graph.weights[i];
    if (!ids || !ws) continue;
    for (let x = 0; x < ids.length; x++) scratch.add(ids[x]!, w * ws[x]!);
  }
  return scratch.drain();
}

/** The top `n` entries of a score map, best first (ties by index). */
export function topOf(scores: Map<number, number>, n: number, skip?: (i: number) => boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const e of scores) if (!skip?.(e[0])) out.push(e);
  out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return out.slice(0, n);
}

/** A graph as plain JSON (weights rounded to 5 significant digits) and back. */
export type GraphJson = Array<Array<[number, number]>>;

export function graphToJson(g: ItemGraph): GraphJson {
  return g.ids.map((ids, i) => Array.from(ids, (j, x) => [j, Number(g.weights[i]![x]!.toPrecision(5))] as [number, number]));
}

export function graphFromJson(json: GraphJson): ItemGraph {
  return { ids: json.map((row) => Int32Array.from(row.map((e) => e[0]))), weights: json.map((row) => Float32Array.from(row.map((e) => e[1]))) };
}
