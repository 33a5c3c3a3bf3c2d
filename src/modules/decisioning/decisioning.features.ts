/**
 * The documented feature set of the conversion model. Every number the model sees is built here,
 * from the shopper snapshot (after the sensitive-trait deny-list), the context and the candidate;
 * nothing else reaches the model. Without personalization consent only context features are set.
 *
 *  0 bias               always 1
 *  1 has_cart           the shopper has items in the cart
 *  2 cart_value         log1p(cart value) / 6, capped at 1
 *  3 hesitation         (cart edits + coupon attempts + backtracks this session) / 5, capped at 1
 *  4 coupon_hunting     coupon attempts this session / 2, capped at 1
 *  5 returning          has ordered before
 *  6 high_value         predicted value tier is high
 *  7 lapsing            lifecycle at risk or lapsed
 *  8 discount_sens      share of past orders with a discount (0..1)
 *  9 mobile             context.device is mobile or app
 * 10 hour_sin, 11 hour_cos   local hour of day on a circle (context.time in context.timezone)
 * 12 pref_match         the highest preference value among those the action speaks to (0..1)
 * 13 reducer_x_hesit    risk-reducing action x hesitation
 * 14 relevance          recommender relevance of the candidate (0..1)
 * 15 depth              discount depth (0..1) for incentives
 * 16 promised           keeps an ad or message's promise
 * 17 personalized       personalization consent is in force
 */
import type { Candidate } from './decisioning.types.ts';

export const FEATURES = [
  'bias', 'has_cart', 'cart_value', 'hesitation', 'coupon_hunting', 'returning', 'high_value', 'lapsing',
  'discount_sens', 'mobile', 'hour_sin', 'hour_cos', 'pref_match', 'reducer_x_hesit', 'relevance', 'depth',
  'promised', 'personalized',
] as const;
export const DIM = FEATURES.length;

/** What decisioning knows about a shopper, already stripped of sensitive traits. */
export interface ShopperView {
  profileId: string | null;
  personalized: boolean;
  cart: Array<{ productId?: string | undefined; price?: number | undefined; quantity: number }>;
  cartValue: number;
  hesitation: { cartEdits: number; couponAttempts: number; backtracks: number };
  recentViews: string[];
  ordersCount: number;
  aov: number;
  lifecycle: string | null;
  valueTier: 'high' | 'low';
  discountSensitivity: number;
  preferences: Record<string, number>;
}

const clamp01 = (n: number) => (n < 0 ? 0 : n > 1 ? 1 : n);

/**
 * Local hour (0-23, fractional) of `timeMs` in `timezone`; UTC when the zone is unknown. The
 * zone's UTC offset is looked up through Intl once per zone per quarter hour (offsets change
 * only at DST transitions, on quarter-hour boundaries), not per decision.
 */
export function localHour(timeMs: number, timezone: string | undefined): number {
  const utc = (((timeMs / 3_600_000) % 24) + 24) % 24;
  if (!timezone) return utc;
  const slot = Math.floor(timeMs / 900_000);
  let o = offsets.get(timezone);
  if (!o || o.slot !== slot) {
    o = { slot, hours: zoneOffsetHours(timeMs, timezone) };
    if (offsets.size > 1000) offsets.clear();
    offsets.set(timezone, o);
  }
  return (((utc + o.hours) % 24) + 24) % 24;
}
const offsets = new Map<string, { slot: number; hours: number }>();
function zoneOffsetHours(timeMs: number, tz: string): number {
  try {
    const parts = hourFormat(tz).formatToParts(new Date(timeMs));
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? NaN);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'));
    const offset = (local - Math.floor(timeMs / 60_000) * 60_000) / 3_600_000;
    return Number.isFinite(offset) ? offset : 0;
  } catch { return 0; } // unknown zone: UTC
}
const formats = new Map<string, Intl.DateTimeFormat>();
function hourFormat(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) { f = new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }); formats.set(tz, f); }
  return f;
}

/** The shared (per decision) part of the feature vector; candidate slots left at 0. */
export function contextFeatures(s: ShopperView, ctx: { hour: number; device?: string | undefined }): Float64Array {
  const x = new Float64Array(DIM);
  x[0] = 1;
  const angle = (ctx.hour / 24) * 2 * Math.PI;
  x[9] = ctx.device === 'mobile' || ctx.device === 'app' ? 1 : 0;
  x[10] = Math.sin(angle);
  x[11] = Math.cos(angle);
  if (!s.personalized) return x;
  x[1] = s.cart.length > 0 ? 1 : 0;
  x[2] = clamp01(Math.log1p(Math.max(0, s.cartValue)) / 6);
  const h = s.hesitation;
  x[3] = clamp01((h.cartEdits + h.couponAttempts + h.backtracks) / 5);
  x[4] = clamp01(h.couponAttempts / 2);
  x[5] = s.ordersCount > 0 ? 1 : 0;
  x[6] = s.valueTier === 'high' ? 1 : 0;
  x[7] = s.lifecycle === 'at_risk' || s.lifecycle === 'lapsed' ? 1 : 0;
  x[8] = clamp01(s.discountSensitivity);
  x[17] = 1;
  return x;
}

/**
 * The candidate's full vector: the shared part plus its own slots, written into `into` (a row of
 * one matrix per decision: one allocation instead of one per candidate).
 */
export function candidateFeatures(shared: Float64Array, c: Candidate, into: Float64Array = new Float64Array(DIM), base = 0): Float64Array {
  const x = into;
  x.set(shared, base);
  x[base + 12] = clamp01(c.prefMatch);
  x[base + 13] = c.riskReducer ? shared[3]! : 0;
  x[base + 14] = clamp01(c.relevance);
  x[base + 15] = clamp01(c.depth);
  x[base + 16] = c.promised ? 1 : 0;
  return x;
}

/** Named view of a vector, for the decision log and explanations. */
export function namedFeatures(x: Float64Array, from = 0, to = DIM): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = from; i < to; i++) if (x[i] !== 0) out[FEATURES[i]!] = Math.round(x[i]! * 1000) / 1000;
  return out;
}
