/**
 * Offer governance as pure functions. Every incentive a decision carries passed `checkOffer`
 * against the current policy, the shopper's tier, catalog prices and costs, and the offer's
 * remaining daily budget. There is deliberately no override parameter.
 */
import type { Offer, OfferCheck, OfferLine, OfferPolicy, ShopperTier } from './offers.types.ts';

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The most specific floor for a line: product, then the longest matching category prefix, then default. */
export function marginFloorFor(policy: OfferPolicy, productId: string, category: string | null): number {
  const p = policy.marginFloor.products[productId];
  if (p !== undefined) return p;
  let best: number | undefined, bestLen = -1;
  if (category) {
    for (const [prefix, floor] of Object.entries(policy.marginFloor.categories)) {
      if (category.startsWith(prefix) && prefix.length > bestLen) { best = floor; bestLen = prefix.length; }
    }
  }
  return best ?? policy.marginFloor.default;
}

export function maxDepthFor(policy: OfferPolicy, tier: ShopperTier): number {
  return Math.min(policy.maxDepth[tier.customer], policy.maxDepth[tier.value]);
}

export function linesInScope(offer: Offer, lines: readonly OfferLine[]): OfferLine[] {
  const { categories, productIds } = offer.scope;
  if (categories.length === 0 && productIds.length === 0) return [...lines];
  return lines.filter((l) => productIds.includes(l.productId) || (l.category !== null && categories.some((c) => l.category!.startsWith(c))));
}

/** The retailer's cost of the offer on these lines (before any floor check). */
export function discountAmount(offer: Offer, value: number, policy: OfferPolicy): number {
  switch (offer.kind) {
    case 'percent_off': case 'bundle': return round2(value * Math.min(100, offer.value) / 100);
    case 'amount_off': return round2(Math.min(value, offer.value));
    case 'free_shipping': return policy.shippingCost;
    case 'loyalty_points': return round2(offer.value * policy.pointValue);
    case 'gift': return round2(offer.value);
  }
}

/**
 * Whether `offer` may go to this shopper on these lines now, and what it costs. A discount is
 * spread over the lines pro rata to their value for the floor check, so every line must still
 * earn its floor after its share of the discount; a line with unknown cost fails (no margin truth).
 */
export function checkOffer(input: {
  offer: Offer; policy: OfferPolicy; tier: ShopperTier; lines: readonly OfferLine[];
  placement: string; spentToday: number;
}): OfferCheck {
  const { offer, policy, tier, placement } = input;
  if (offer.status !== 'active') return { ok: false, rule: 'offer_paused', detail: `${offer.id} is paused` };
  if (offer.placements.length > 0 && !offer.placements.includes(placement)) return { ok: false, rule: 'offer_placement', detail: `${offer.id} is not offered at ${placement}` };
  const e = offer.eligibility;
  if ((e.customer !== 'any' && e.customer !== tier.customer) || (e.value !== 'any' && e.value !== tier.value)) {
    return { ok: false, rule: 'offer_tier', detail: `${offer.id} is for ${e.customer}/${e.value} shoppers, this one is ${tier.customer}/${tier.value}` };
  }
  const lines = linesInScope(offer, input.lines);
  if (lines.length === 0) return { ok: false, rule: 'no_lines', detail: `${offer.id} applies to nothing in the basket` };
  const value = lines.reduce((s, l) => s + l.price * l.quantity, 0);
  if (value <= 0) return { ok: false, rule: 'no_lines', detail: `${offer.id}: basket has no value` };
  if (value < offer.minBasket) return { ok: false, rule: 'min_basket', detail: `${offer.id} needs a basket of ${offer.minBasket}, this one is ${round2(value)}` };
  const discount = discountAmount(offer, value, policy);
  const depth = discount / value;
  const maxDepth = maxDepthFor(policy, tier);
  if (depth > maxDepth + 1e-9) return { ok: false, rule: 'max_depth', detail: `${offer.id} is ${(depth * 100).toFixed(1)}% off, above the ${(maxDepth * 100).toFixed(1)}% allowed for ${tier.customer}/${tier.value} shoppers` };
  let marginAfter = 0;
  for (const l of lines) {
    if (l.cost === null) return { ok: false, rule: 'margin_floor', detail: `${offer.id}: ${l.productId} has no known cost, so its margin cannot be protected` };
    const share = discount * (l.price * l.quantity) / value;
    const unitAfter = l.price - share / l.quantity;
    const rate = (unitAfter - l.cost) / l.price;
    const floor = marginFloorFor(policy, l.productId, l.category);
    if (rate < floor - 1e-9) return { ok: false, rule: 'margin_floor', detail: `${offer.id} would sell ${l.productId} at a ${(rate * 100).toFixed(1)}% margin, below its ${(floor * 100).toFixed(1)}% floor` };
    marginAfter += (unitAfter - l.cost) * l.quantity;
  }
  if (offer.dailyBudget !== null && input.spentToday + discount > offer.dailyBudget + 1e-9) {
    return { ok: false, rule: 'budget', detail: `${offer.id} has ${round2(Math.max(0, offer.dailyBudget - input.spentToday))} of its ${offer.dailyBudget} daily budget left, needs ${discount}` };
  }
  return { ok: true, discount, depth, basketValue: round2(value), marginAfter: round2(marginAfter) };
}

/**
 * Stacking: the offers a decision may carry together. At most `maxOffersPerDecision`, and when
 * more than one, all must be stackable. Takes offers best-first and keeps what fits.
 */
export function stackOffers<T extends { offer: Offer }>(ranked: readonly T[], policy: OfferPolicy): T[] {
  const out: T[] = [];
  for (const r of ranked) {
    if (out.length >= policy.maxOffersPerDecision) break;
    if (out.length > 0 && (!r.offer.stackable || !out.every((o) => o.offer.stackable))) continue;
    out.push(r);
  }
  return out;
}
