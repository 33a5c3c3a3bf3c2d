/**
 * From the books of every policy run to the comparison table and the final JSON line. Pure.
 * Incremental contribution is against the no-contact run of the same seed (common random numbers).
 * Its 95% CI is over seeds (Student t) when there are two or more; with one seed, over shoppers
 * (paired differences, normal approximation).
 */
import { normalQuantile, studentTQuantile } from '../stats/index.ts';
import { contributionOf, type Ledger } from './simulator.types.ts';

export const POLICIES = ['none', 'blast', 'rules', 'braid'] as const;
export type PolicyName = (typeof POLICIES)[number];

export interface Books {
  contribution: number; revenue: number; discount: number; messages: number; unsubscribes: number; shoppers: number;
  /** Per-shopper contribution (paired CI with one seed). */
  perShopper: number[];
  /** Cumulative contribution and discount by policy day. */
  cumContribution: number[]; cumDiscount: number[];
}

export function booksOf(ledgers: readonly Ledger[], daily: ReadonlyArray<{ contribution: number; discount: number }>): Books {
  let c = 0, d = 0;
  return {
    contribution: ledgers.reduce((a, l) => a + contributionOf(l), 0),
    revenue: ledgers.reduce((a, l) => a + l.revenue, 0),
    discount: ledgers.reduce((a, l) => a + l.discount, 0),
    messages: ledgers.reduce((a, l) => a + l.messages, 0),
    unsubscribes: ledgers.filter((l) => l.unsubscribed).length,
    shoppers: ledgers.length,
    perShopper: ledgers.map(contributionOf),
    cumContribution: daily.map((x) => (c += x.contribution)),
    cumDiscount: daily.map((x) => (d += x.discount)),
  };
}

export interface Estimate { estimate: number | null; ciLow: number | null; ciHigh: number | null; source: string }
export interface SeedResult { seed: number; books: Record<PolicyName, Books>; braidEstimate: Estimate | null }

export interface Interval { mean: number; ciLow: number | null; ciHigh: number | null }

export function meanCi(xs: readonly number[], alpha = 0.05): Interval {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, n);
  if (n < 2) return { mean, ciLow: null, ciHigh: null };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const h = studentTQuantile(1 - alpha / 2, n - 1) * sd / Math.sqrt(n);
  return { mean, ciLow: mean - h, ciHigh: mean + h };
}

/** CI of Σ(a_i − b_i) over paired shoppers (normal approximation). */
export function pairedTotalCi(a: readonly number[], b: readonly number[], alpha = 0.05): Interval {
  const n = a.length;
  const d = a.map((x, i) => x - b[i]!);
  const m = d.reduce((s, x) => s + x, 0) / Math.max(1, n);
  if (n < 2) return { mean: m * n, ciLow: null, ciHigh: null };
  const sd = Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1));
  const h = normalQuantile(1 - alpha / 2) * sd * Math.sqrt(n);
  return { mean: m * n, ciLow: m * n - h, ciHigh: m * n + h };
}

export interface PolicyRow {
  policy: PolicyName;
  incremental: Interval;
  contribution: number; revenue: number; discount: number; messagesPerShopper: number; unsubscribes: number;
}

export interface Comparison {
  seeds: number[];
  rows: PolicyRow[];
  /** Per seed: Braid's own estimate next to the ground truth (Braid − no contact). */
  estimates: Array<{ seed: number; truth: number; estimate: Estimate | null; covered: boolean | null }>;
  figures: { braid_vs_rules: number | null; braid_vs_blast: number | null; discount_braid_vs_rules: number | null; msgs_braid_vs_rules: number | null; ci_coverage: number | null };
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const ratio = (a: number, b: number): number | null => (b === 0 || !Number.isFinite(a / b) ? null : Math.round((a / b) * 1000) / 1000);

export function compare(results: readonly SeedResult[]): Comparison {
  const rows: PolicyRow[] = POLICIES.map((policy) => {
    const incr = results.map((r) => r.books[policy].contribution - r.books.none.contribution);
    const incremental = results.length >= 2 ? meanCi(incr) : pairedTotalCi(results[0]!.books[policy].perShopper, results[0]!.books.none.perShopper);
    const b = results.map((r) => r.books[policy]);
    return {
      policy, incremental: policy === 'none' ? { mean: 0, ciLow: 0, ciHigh: 0 } : incremental,
      contribution: avg(b.map((x) => x.contribution)), revenue: avg(b.map((x) => x.revenue)), discount: avg(b.map((x) => x.discount)),
      messagesPerShopper: avg(b.map((x) => x.messages / Math.max(1, x.shoppers))), unsubscribes: avg(b.map((x) => x.unsubscribes)),
    };
  });
  const row = (p: PolicyName) => rows.find((r) => r.policy === p)!;
  const estimates = results.map((r) => {
    const truth = r.books.braid.contribution - r.books.none.contribution;
    const e = r.braidEstimate;
    const covered = e && e.ciLow !== null && e.ciHigh !== null ? e.ciLow <= truth && truth <= e.ciHigh : null;
    return { seed: r.seed, truth, estimate: e, covered };
  });
  const judged = estimates.filter((e) => e.covered !== null);
  return {
    seeds: results.map((r) => r.seed), rows, estimates,
    figures: {
      braid_vs_rules: ratio(row('braid').incremental.mean, row('rules').incremental.mean),
      braid_vs_blast: ratio(row('braid').incremental.mean, row('blast').incremental.mean),
      discount_braid_vs_rules: ratio(row('braid').discount, row('rules').discount),
      msgs_braid_vs_rules: ratio(row('braid').messagesPerShopper, row('rules').messagesPerShopper),
      ci_coverage: judged.length === 0 ? null : judged.filter((e) => e.covered).length / judged.length,
    },
  };
}
