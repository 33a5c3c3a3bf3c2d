/**
 * Purchase histories to the (x, t_x, T, m) summary the CLV models take, with the convention of
 * the published CDNOW fits (lifetimes' summary_data_from_transaction_data, and the CDNOW summary
 * files): purchases are grouped by UTC calendar day (several orders on one day are one purchase
 * occasion, their amounts summed); x = distinct purchase days − 1; t_x = days from the first to the
 * last purchase day; T = days from the first purchase day to the end of observation (the end's
 * own day); all divided by `periodDays` (7: weeks); m = mean spend of the repeat days (the first
 * day excluded), 0 when x = 0. Purchases after the end day are ignored. Pure, no I/O.
 */
import { dayOf } from './traits.math.ts';

export interface Purchase { at: number; amount: number }

export interface CustomerSummary {
  x: number; tx: number; T: number; monetary: number;
  /** Distinct purchase days up to the end (x + 1), and their total spend (first day included). */
  days: number;
  total: number;
  firstDay: number; lastDay: number;
}

export const WEEK_DAYS = 7;

/** undefined when there is no purchase on or before the end day. */
export function summarizePurchases(purchases: readonly Purchase[], endMs: number, periodDays = WEEK_DAYS): CustomerSummary | undefined {
  const endDay = dayOf(endMs);
  const byDay = new Map<number, number>();
  for (const p of purchases) {
    const d = dayOf(p.at);
    if (d > endDay) continue;
    byDay.set(d, (byDay.get(d) ?? 0) + p.amount);
  }
  if (byDay.size === 0) return undefined;
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const first = days[0]!, last = days[days.length - 1]!;
  const repeat = days.slice(1).map((d) => byDay.get(d)!);
  const monetary = repeat.length > 0 ? repeat.reduce((s, v) => s + v, 0) / repeat.length : 0;
  const total = days.reduce((s, d) => s + byDay.get(d)!, 0);
  return { x: days.length - 1, tx: (last - first) / periodDays, T: (endDay - first) / periodDays, monetary, days: days.length, total, firstDay: first, lastDay: last };
}

/** Summaries of many customers from a flat transaction list. */
export function summarizeTransactions<K>(txns: Iterable<{ customer: K; at: number; amount: number }>, endMs: number, periodDays = WEEK_DAYS): Map<K, CustomerSummary> {
  const grouped = new Map<K, Purchase[]>();
  for (const t of txns) {
    const list = grouped.get(t.customer);
    if (list) list.push({ at: t.at, amount: t.amount }); else grouped.set(t.customer, [{ at: t.at, amount: t.amount }]);
  }
  const out = new Map<K, CustomerSummary>();
  for (const [k, list] of grouped) {
    const s = summarizePurchases(list, endMs, periodDays);
    if (s) out.set(k, s);
  }
  return out;
}
