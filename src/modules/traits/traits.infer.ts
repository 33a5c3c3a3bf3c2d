/**
 * Preferences inferred from behaviour. Each rule gives a value, the amount of evidence behind it
 * and when the latest evidence happened (confidence grows with evidence and decays with age:
 * traits.preferences.ts). Deliberately simple, explainable heuristics; a declared value always
 * overrides them. Pure, no I/O.
 */
import { countOf, lastAtOf, type Activity } from './traits.activity.ts';
import { daysByKey, type DiscountSensitivity } from './traits.behaviour.ts';
import { purchasesOf, returnedOrders, type HistoryOrder, type ProfileSnapshot } from './traits.history.ts';
import type { InferredPreference } from './traits.preferences.ts';

/** Event names read by the rules (kept in every profile's activity counters). */
export const INFERENCE_EVENTS = {
  expert: ['Product Reviews Viewed', 'Reviews Viewed', 'Review Read', 'Expert Review Viewed', 'Buying Guide Viewed'],
  influencer: ['Influencer Content Viewed', 'Social Post Clicked', 'UGC Viewed'],
  returnsInfo: ['Return Policy Viewed', 'Returns Page Viewed'],
  fit: ['Size Guide Viewed', 'Size Chart Viewed', 'Fit Finder Used'],
  advice: ['Live Chat Started', 'Chat Started', 'Appointment Booked', 'Stylist Requested'],
} as const;

export const INFERENCE_EVENT_NAMES: ReadonlySet<string> = new Set(Object.values(INFERENCE_EVENTS).flat());

const BUNDLE_WORDS = /\b(bundle|kit|set|pack|multipack|combo)\b/i;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round2 = (x: number) => Math.round(x * 100) / 100;

export interface InferenceInput {
  history: readonly HistoryOrder[];
  activity: Activity;
  snapshot: ProfileSnapshot;
  discount: DiscountSensitivity;
  priceTier: 'low' | 'mid' | 'high' | null;
}

/** Only variables that are configured are returned; rules for unconfigured ones are skipped. */
export function inferPreferences(input: InferenceInput, configured: ReadonlySet<string>): InferredPreference[] {
  const { history, activity: a, discount } = input;
  const purchases = purchasesOf(history);
  const n = purchases.length;
  const lastOrderAt = n > 0 ? purchases[n - 1]!.at : undefined;
  const out: InferredPreference[] = [];
  const add = (variable: string, value: number | boolean, rule: string, evidence: number, lastEvidenceAt: number | undefined) => {
    if (!configured.has(variable) || evidence <= 0 || lastEvidenceAt === undefined) return;
    out.push({ variable, value: typeof value === 'number' ? round2(clamp01(value)) : value, rule, evidence, lastEvidenceAt });
  };

  // deal_seeking: the discount sensitivity itself.
  const couponAt = lastAtOf(a, ['Coupon Entered', 'Coupon Applied', 'Coupon Denied', 'Promotion Clicked']);
  add('deal_seeking', discount.score, 'discount_sensitivity', n + input.snapshot.couponAttempts, maxOf(lastOrderAt, couponAt));

  // quality_over_price: price tier (high 0.8, mid 0.5, low 0.2) averaged with 1 − discount sensitivity.
  if (input.priceTier !== null && n > 0) {
    const tier = input.priceTier === 'high' ? 0.8 : input.priceTier === 'mid' ? 0.5 : 0.2;
    add('quality_over_price', (tier + (1 - discount.score)) / 2, 'price_tier_and_discounts', n, lastOrderAt);
  }

  // bundle_affinity: share of purchases with 3+ distinct products or a bundle/kit/set item.
  if (n > 0) {
    const bundles = purchases.filter((o) => new Set(o.items.map((i) => i.key)).size >= 3 || o.items.some((i) => BUNDLE_WORDS.test(`${i.name ?? ''} ${i.category ?? ''}`))).length;
    add('bundle_affinity', bundles / n, 'bundle_purchases', n, lastOrderAt);
  }

  // trusts_experts: expert-content reads against influencer-content reads, Laplace-smoothed.
  const expert = countOf(a, INFERENCE_EVENTS.expert), influencer = countOf(a, INFERENCE_EVENTS.influencer);
  add('trusts_experts', (expert + 1) / (expert + influencer + 2), 'review_reading', expert + influencer, lastAtOf(a, [...INFERENCE_EVENTS.expert, ...INFERENCE_EVENTS.influencer]));

  // research_depth: product views per purchase (10 per purchase → 0.5) and review reads.
  const views = input.snapshot.productViews;
  if (views > 0 || expert > 0) {
    const perOrder = (views + 3 * expert) / Math.max(1, n);
    add('research_depth', perOrder / (perOrder + 10), 'views_per_purchase', views + expert, maxOf(lastAtOf(a, ['Product Viewed', ...INFERENCE_EVENTS.expert]), lastOrderAt));
  }

  // returns_anxiety: twice the share of orders returned (capped), raised by return-policy reads per order.
  const returned = returnedOrders(history), policy = countOf(a, INFERENCE_EVENTS.returnsInfo), orders = history.length;
  if (orders > 0 || policy > 0) {
    const share = orders > 0 ? Math.min(1, (2 * returned) / orders) : 0;
    const lastAny = orders > 0 ? history[orders - 1]!.at : undefined;
    add('returns_anxiety', 0.7 * share + 0.3 * Math.min(1, policy / Math.max(1, orders)), 'return_history', orders + policy, maxOf(lastAny, lastAtOf(a, INFERENCE_EVENTS.returnsInfo)));
  }

  // fit_concerns: size-guide use and returns, per purchase.
  const fit = countOf(a, INFERENCE_EVENTS.fit);
  if (fit > 0) add('fit_concerns', (fit + returned) / (fit + returned + n + 1), 'size_guide_use', fit + returned, lastAtOf(a, INFERENCE_EVENTS.fit));

  // novelty_seeking and brand_loyalty, from purchased item lines.
  const lines = purchases.flatMap((o) => o.items);
  if (lines.length >= 3) {
    const seen = new Set<string>();
    let repeats = 0;
    for (const i of lines) { if (seen.has(i.key)) repeats++; seen.add(i.key); }
    add('novelty_seeking', 1 - repeats / lines.length, 'new_vs_rebought_products', lines.length, lastOrderAt);
  }
  const branded = lines.filter((i) => i.brand);
  if (branded.length >= 3) {
    const byBrand = new Map<string, number>();
    for (const i of branded) byBrand.set(i.brand!, (byBrand.get(i.brand!) ?? 0) + 1);
    add('brand_loyalty', Math.max(...byBrand.values()) / branded.length, 'top_brand_share', branded.length, lastOrderAt);
  }

  // routine_fit: share of purchase days on which something bought before is bought again.
  if (n >= 2) {
    const repeatDays = new Set<number>();
    for (const [key, days] of daysByKey(history)) if (key.startsWith('product:')) days.slice(1).forEach((d) => repeatDays.add(d));
    const allDays = new Set(purchases.map((o) => Math.floor(o.at / 86_400_000))).size;
    add('routine_fit', repeatDays.size / Math.max(1, allDays - 1), 'repeat_purchase_days', allDays, lastOrderAt);
  }

  // wants_advice: each chat or appointment halves the distance to 1.
  const advice = countOf(a, INFERENCE_EVENTS.advice);
  add('wants_advice', 1 - Math.pow(0.5, advice), 'advice_requests', advice, lastAtOf(a, INFERENCE_EVENTS.advice));
  return out;
}

function maxOf(x: number | undefined, y: number | undefined): number | undefined {
  return x === undefined ? y : y === undefined ? x : Math.max(x, y);
}
