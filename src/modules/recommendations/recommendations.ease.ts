/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): the user-to-item
 * implicit-feedback model. With X the binary user x item matrix, G = X'X + lambda*I and P = G^-1,
 * the item-item weights are B(i,j) = -P(i,j) / P(j,j) (B(j,j) = 0), and a shopper's score for j is
 * sum over items i they bought of B(i,j). Pure: no I/O.
 *
 * The closed form inverts a dense items x items matrix, O(n^3): about a second for 1,000 items in
 * plain JS, a minute for 3,600. So EASE is fitted on the `topN` items with the most buyers (they
 * carry most of the purchases) and B is sparsified to each row's `k` largest positive weights,
 * which makes it an ItemGraph like every other item-item model.
 */
import { runSync } from '../../core/index.ts';
import { emptyGraph, setNeighbours, type ItemGraph } from './recommendations.graph.ts';

export interface EaseOptions {
  /** Only the topN items by distinct buyers enter the model. */
  topN: number;
  /** L2 regularisation added to the diagonal of X'X. */
  lambda: number;
  /** Neighbours kept per item after fitting. */
  k: number;
}

export const DEFAULT_EASE: EaseOptions = { topN: 1000, lambda: 200, k: 100 };

/** `users` are each shopper's distinct item indices (over all nItems). */
export function trainEase(users: readonly (readonly number[])[], nItems: number, opts: Partial<EaseOptions> = {}): ItemGraph {
  return runSync(trainEaseSteps(users, nItems, opts));
}

/** trainEase as steps (one per pivot of the inversion), for cooperative training in the server. */
export function* trainEaseSteps(users: readonly (readonly number[])[], nItems: number, opts: Partial<EaseOptions> = {}): Generator<void, ItemGraph> {
  const o = { ...DEFAULT_EASE, ...opts };
  const buyers = new Int32Array(nItems);
  for (const u of users) for (const i of u) buyers[i]!++;
  const chosen = Array.from({ length: nItems }, (_, i) => i).filter((i) => buyers[i]! > 0)
    .sort((a, b) => buyers[b]! - buyers[a]! || a - b).slice(0, o.topN);
  const n = chosen.length;
  const local = new Int32Array(nItems).fill(-1);
  chosen.forEach((i, x) => { local[i] = x; });

  const g = new Float64Array(n * n);
  for (const u of users) {
    const xs: number[] = [];
    for (const i of u) if (local[i]! >= 0) xs.push(local[i]!);
    for (const a of xs) { const row = a * n; for (const b of xs) g[row + b]! += 1; }
  }
  for (let d = 0; d < n; d++) g[d * n + d]! += o.lambda;
  yield* invertSteps(g, n);

  const graph = emptyGraph(nItems);
  for (let a = 0; a < n; a++) {
    const cands: Array<[number, number]> = [];
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      const w = -g[a * n + b]! / g[b * n + b]!;
      if (w > 0) cands.push([chosen[b]!, w]);
    }
    setNeighbours(graph, chosen[a]!, cands, o.k);
  }
  return graph;
}

/**
 * In-place inverse of a symmetric positive definite n x n matrix (row-major): Gauss-Jordan
 * without pivoting, which is stable for SPD matrices. About n^3 multiply-adds.
 */
export function invertSymmetricPositiveDefinite(a: Float64Array, n: number): void {
  runSync(invertSteps(a, n));
}

function* invertSteps(a: Float64Array, n: number): Generator<void, void> {
  for (let k = 0; k < n; k++) {
    yield;
    const rk = k * n;
    const p = a[rk + k]!;
    if (!(p > 0)) throw new Error(`matrix is not positive definite (pivot ${k} is ${p})`);
    const inv = 1 / p;
    for (let j = 0; j < n; j++) a[rk + j]! *= inv;
    a[rk + k] = inv;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const ri = i * n;
      const f = a[ri + k]!;
      if (f === 0) continue;
      for (let j = 0; j < n; j++) a[ri + j]! -= f * a[rk + j]!;
      a[ri + k] = -f * inv;
    }
  }
}
