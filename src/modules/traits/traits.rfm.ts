/**
 * RFM scores and the lifecycle stage, from a purchase history. Pure, no I/O.
 */
import { dayOf, median } from './traits.math.ts';
import { purchasesOf, type HistoryOrder } from './traits.history.ts';
import type { LifecycleStage, RfmScores } from './traits.types.ts';

export interface RfmBreakpoints { recencyDays: number[]; frequency: number[]; monetary: number[] }

/**
 * Used before the first fit: recency 30/90/180/365 days, 1/2/3/5 purchases, 50/100/250/500 of
 * net revenue. A fit replaces them with the store's 20/40/60/80th percentiles.
 */
export const DEFAULT_RFM_BREAKPOINTS: RfmBreakpoints = {
  recencyDays: [30, 90, 180, 365], frequency: [1, 2, 3, 5], monetary: [50, 100, 250, 500],
};

/** 1 + how many breakpoints the value is above (higher is better: frequency, monetary). */
export function scoreAbove(value: number, breakpoints: readonly number[]): number {
  return 1 + breakpoints.filter((b) => value > b).length;
}

/** 5 − how many breakpoints the value is above (lower is better: recency). */
export function scoreBelow(value: number, breakpoints: readonly number[]): number {
  return 5 - breakpoints.filter((b) => value > b).length;
}

export function computeRfm(history: readonly HistoryOrder[], nowMs: number, bp: RfmBreakpoints = DEFAULT_RFM_BREAKPOINTS): RfmScores {
  const purchases = purchasesOf(history);
  if (purchases.length === 0) return { recencyDays: null, frequency: 0, monetary: 0, r: 0, f: 0, m: 0, score: 0, cell: '000' };
  const last = purchases[purchases.length - 1]!;
  const recencyDays = Math.max(0, dayOf(nowMs) - dayOf(last.at));
  const frequency = purchases.length;
  const monetary = Math.round(purchases.reduce((s, o) => s + Math.max(0, o.revenue - o.refunded), 0) * 100) / 100;
  const r = scoreBelow(recencyDays, bp.recencyDays), f = scoreAbove(frequency, bp.frequency), m = scoreAbove(monetary, bp.monetary);
  return { recencyDays, frequency, monetary, r, f, m, score: r + f + m, cell: `${r}${f}${m}` };
}

/** Distinct UTC purchase days, ascending. */
export function purchaseDays(history: readonly HistoryOrder[]): number[] {
  return [...new Set(purchasesOf(history).map((o) => dayOf(o.at)))].sort((a, b) => a - b);
}

export function gapsOf(days: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < days.length; i++) out.push(days[i]! - days[i - 1]!);
  return out;
}

/** The window a shopper with this typical gap counts as active, and when they count as lapsed. */
export function lifecycleWindows(cadenceDays: number): { activeDays: number; lapsedDays: number } {
  const activeDays = Math.max(14, 1.5 * cadenceDays);
  return { activeDays, lapsedDays: Math.max(2 * activeDays, 3 * cadenceDays) };
}

/**
 * The stage, relative to the shopper's own rhythm: the typical gap is the median of their gaps
 * between purchase days (2+ days), else the store's `cadenceDays`. With R days since the last
 * purchase and the windows above:
 * - prospect: never bought;
 * - new: one purchase day, R ≤ active window;
 * - won_back: R ≤ active window and the gap before the last purchase exceeded the lapse limit
 *   computed from the earlier gaps (or the store's cadence): they had lapsed and came back;
 * - active: R ≤ active window; at_risk: R ≤ lapse limit; lapsed: beyond it.
 */
export function lifecycleStage(days: readonly number[], nowDay: number, storeCadenceDays: number): LifecycleStage {
  if (days.length === 0) return 'prospect';
  const recency = nowDay - days[days.length - 1]!;
  const gaps = gapsOf(days);
  const cadence = gaps.length > 0 ? median(gaps) : storeCadenceDays;
  const { activeDays, lapsedDays } = lifecycleWindows(cadence);
  if (recency <= activeDays) {
    if (days.length === 1) return 'new';
    const before = gaps.slice(0, -1);
    const lastGap = gaps[gaps.length - 1]!;
    if (lastGap > lifecycleWindows(before.length > 0 ? median(before) : storeCadenceDays).lapsedDays) return 'won_back';
    return 'active';
  }
  return recency <= lapsedDays ? 'at_risk' : 'lapsed';
}
