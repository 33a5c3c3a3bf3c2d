/**
 * Purchase-behaviour traits: replenishment, discount sensitivity, price tier, preferred
 * categories. Pure, no I/O; every weight and window is named here and documented in docs/traits.md.
 */
import { DAY_MS, dayOf, median } from './traits.math.ts';
import { gapsOf } from './traits.rfm.ts';
import { purchasesOf, type HistoryOrder, type ProfileSnapshot } from './traits.history.ts';
import type { Replenishment } from './traits.types.ts';

export const MAX_REPLENISHMENT = 10;

/** Distinct purchase days per replenishment key (`product:<id>`, `category:<name>`). */
export function daysByKey(history: readonly HistoryOrder[]): Map<string, number[]> {
  const m = new Map<string, Set<number>>();
  const add = (k: string, d: number) => { const s = m.get(k); if (s) s.add(d); else m.set(k, new Set([d])); };
  for (const o of purchasesOf(history)) {
    const d = dayOf(o.at);
    for (const i of o.items) {
      add(`product:${i.key}`, d);
      if (i.category) add(`category:${i.category}`, d);
    }
  }
  return new Map([...m].map(([k, s]) => [k, [...s].sort((a, b) => a - b)]));
}

/**
 * Per key bought on 2+ distinct days: the median gap between those days, due that long after the
 * last one (`own`). A key bought once is due after the store-wide interval when the model has
 * one (`store`). Soonest due first, at most MAX_REPLENISHMENT.
 */
export function computeReplenishment(history: readonly HistoryOrder[], storeIntervals: Readonly<Record<string, number>> = {}): Replenishment[] {
  const out: Replenishment[] = [];
  for (const [key, days] of daysByKey(history)) {
    const last = days[days.length - 1]!;
    let interval: number | undefined, basis: Replenishment['basis'] = 'own';
    if (days.length >= 2) interval = Math.max(1, median(gapsOf(days)));
    else { interval = storeIntervals[key]; basis = 'store'; }
    if (interval === undefined) continue;
    out.push({
      key, intervalDays: Math.round(interval * 10) / 10, purchases: days.length, basis,
      lastPurchasedAt: new Date(last * DAY_MS).toISOString(), nextDueAt: new Date(Math.round((last + interval) * DAY_MS)).toISOString(),
    });
  }
  return out.sort((a, b) => (a.nextDueAt < b.nextDueAt ? -1 : a.nextDueAt > b.nextDueAt ? 1 : a.key < b.key ? -1 : 1)).slice(0, MAX_REPLENISHMENT);
}

export interface IncentiveSignals { couponAttempts: number; promotionViews: number; promotionClicks: number }

export interface DiscountSensitivity {
  score: number;
  /** Share of purchases with a discount or a coupon; null without purchases. */
  discountedShare: number | null;
  /** Coupon attempts per purchase, capped at 1; null with neither. */
  couponHunting: number | null;
  /** Promotion clicks per promotion view; null without views. */
  incentiveResponse: number | null;
}

const DISCOUNT_WEIGHTS = { discountedShare: 0.6, couponHunting: 0.2, incentiveResponse: 0.2 } as const;

/**
 * 0..1: the weighted mean (0.6 / 0.2 / 0.2) of the components that have evidence; 0 without any.
 * A shopper who only ever buys on discount and hunts coupons scores near 1.
 */
export function computeDiscountSensitivity(history: readonly HistoryOrder[], s: IncentiveSignals): DiscountSensitivity {
  const purchases = purchasesOf(history);
  const n = purchases.length;
  const discountedShare = n > 0 ? purchases.filter((o) => o.discount > 0 || o.coupon).length / n : null;
  const couponHunting = n > 0 || s.couponAttempts > 0 ? Math.min(1, s.couponAttempts / Math.max(1, n)) : null;
  const views = Math.max(s.promotionViews, s.promotionClicks);
  const incentiveResponse = views > 0 ? s.promotionClicks / views : null;
  const parts = { discountedShare, couponHunting, incentiveResponse };
  let sum = 0, weight = 0;
  for (const [k, w] of Object.entries(DISCOUNT_WEIGHTS)) {
    const v = parts[k as keyof typeof parts];
    if (v !== null) { sum += w * v; weight += w; }
  }
  return { score: weight > 0 ? round3(sum / weight) : 0, discountedShare, couponHunting, incentiveResponse };
}

/** Quantity-weighted mean unit price of purchased items; of viewed products when nothing bought. */
export function meanUnitPrice(history: readonly HistoryOrder[], snapshot: ProfileSnapshot): number | null {
  let sum = 0, qty = 0;
  for (const o of purchasesOf(history)) for (const i of o.items) if (i.price !== undefined && i.price > 0) { sum += i.price * i.quantity; qty += i.quantity; }
  if (qty > 0) return sum / qty;
  const prices = snapshot.views.map((v) => v.price).filter((p): p is number => p !== undefined && p > 0);
  return prices.length > 0 ? prices.reduce((a, b) => a + b, 0) / prices.length : null;
}

/** low below the first cutoff, high at or above the second; null when price or cutoffs are unknown. */
export function priceTierOf(meanPrice: number | null, cutoffs: readonly [number, number] | null): 'low' | 'mid' | 'high' | null {
  if (meanPrice === null || cutoffs === null) return null;
  return meanPrice < cutoffs[0] ? 'low' : meanPrice >= cutoffs[1] ? 'high' : 'mid';
}

export const CATEGORY_HALF_LIFE_DAYS = 90;
const VIEW_WEIGHT = 0.25;
export const MAX_CATEGORIES = 5;

/**
 * Each purchased unit weighs 1 and each recently viewed product 0.25, halved every 90 days of
 * age; a category's share is its weight over the total. Top 5, ties by name.
 */
export function computePreferredCategories(history: readonly HistoryOrder[], snapshot: ProfileSnapshot, nowMs: number): Array<{ category: string; share: number }> {
  const w = new Map<string, number>();
  const decay = (at: number) => Math.pow(0.5, Math.max(0, nowMs - at) / DAY_MS / CATEGORY_HALF_LIFE_DAYS);
  for (const o of purchasesOf(history)) for (const i of o.items) if (i.category) w.set(i.category, (w.get(i.category) ?? 0) + i.quantity * decay(o.at));
  for (const v of snapshot.views) if (v.category) w.set(v.category, (w.get(v.category) ?? 0) + VIEW_WEIGHT * decay(v.at));
  const total = [...w.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) return [];
  return [...w].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_CATEGORIES).map(([category, x]) => ({ category, share: round3(x / total) }));
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
