/**
 * One shopping session as Segment E-commerce v2 events: browsing, carts, coupons, checkout,
 * orders. The caller decides who the shopper is and when; this file decides what they do.
 */
import { DEMO_CURRENCY, DEMO_LOCATIONS } from './demo.catalog.ts';
import { cents, type Rng } from './demo.prng.ts';
import type { DemoProduct, DemoVariant, SegmentMessage } from './demo.types.ts';

export interface Line { p: number; v: number; quantity: number }

/** Who is speaking: the ids on every message of the session (identify may change them mid-session). */
export interface Speaker { userId?: string; anonymousId: string }

export interface SessionEnv {
  rng: Rng;
  products: readonly DemoProduct[];
  /** Next message: fills messageId and timestamp, advances the session clock. */
  emit(who: Speaker, msg: Omit<SegmentMessage, 'messageId' | 'timestamp'>, gapSeconds?: [number, number]): string;
  nextOrderId(prefix: string): string;
  /** Picks a product index the shopper is likely to look at. */
  pickProduct(): number;
  /** Top products of the same product type, for list views. */
  listFor(productType: string): readonly number[];
  /** Repurchase cycle in days of a consumable product, else undefined. */
  replenishDays(product: number): number | undefined;
}

export interface Coupon { code: string; name: string; kind: 'percent' | 'shipping'; value: number }
const COUPONS: Record<string, Coupon> = {
  WELCOME10: { code: 'WELCOME10', name: '10% off your first order', kind: 'percent', value: 10 },
  SPRING15: { code: 'SPRING15', name: 'Spring sale 15% off', kind: 'percent', value: 15 },
  VIP20: { code: 'VIP20', name: 'Loyalty members 20% off', kind: 'percent', value: 20 },
  FREESHIP: { code: 'FREESHIP', name: 'Free shipping', kind: 'shipping', value: 0 },
};

export function unitPrice(v: DemoVariant): number {
  return v.salePrice ?? v.price;
}

function label(v: DemoVariant): string {
  return [v.color, v.size, ...Object.values(v.attributes ?? {})].filter((x) => x !== undefined).join(' / ');
}

export function productProps(env: SessionEnv, line: { p: number; v: number; quantity?: number }, position?: number): Record<string, unknown> {
  const p = env.products[line.p]!;
  const v = p.variants[line.v]!;
  return {
    product_id: p.id,
    sku: v.id,
    variant: label(v),
    name: p.title,
    brand: p.brand,
    category: p.productType,
    price: unitPrice(v),
    ...(line.quantity !== undefined ? { quantity: line.quantity } : {}),
    ...(position !== undefined ? { position } : {}),
    url: p.link,
    image_url: p.imageLink,
  };
}

function itemProps(env: SessionEnv, line: Line): Record<string, unknown> {
  const p = env.products[line.p]!;
  const v = p.variants[line.v]!;
  return { product_id: p.id, sku: v.id, variant: label(v), name: p.title, brand: p.brand, category: p.productType, price: unitPrice(v), quantity: line.quantity };
}

export function subtotal(env: SessionEnv, lines: readonly Line[]): number {
  return cents(lines.reduce((s, l) => s + unitPrice(env.products[l.p]!.variants[l.v]!) * l.quantity, 0));
}

/** Searching or list browsing, then a few product views; returns what was viewed. */
export function browse(env: SessionEnv, who: Speaker, opts: { wishlist: string | undefined; views: number }): number[] {
  const { rng } = env;
  const first = env.pickProduct();
  const fp = env.products[first]!;
  const entry = rng.weighted([['search', 35], ['list', 45], ['direct', 20]] as const);
  if (entry === 'search') {
    const words = fp.title.split(' ');
    const query = rng.chance(0.5) ? words.slice(-2).join(' ').toLowerCase() : fp.brand.toLowerCase();
    env.emit(who, { type: 'track', event: 'Products Searched', properties: { query } });
  } else if (entry === 'list') {
    const list = env.listFor(fp.productType).slice(0, 8);
    env.emit(who, {
      type: 'track', event: 'Product List Viewed',
      properties: {
        list_id: fp.productType.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        category: fp.productType,
        products: list.map((p, i) => ({ product_id: env.products[p]!.id, sku: env.products[p]!.variants[0]!.id, price: unitPrice(env.products[p]!.variants[0]!), position: i + 1 })),
      },
    });
  }
  const viewed: number[] = [];
  for (let i = 0; i < opts.views; i++) {
    const p = i === 0 ? first : rng.chance(0.5) ? env.listFor(fp.productType)[rng.int(0, Math.min(7, env.listFor(fp.productType).length - 1))]! : env.pickProduct();
    viewed.push(p);
    const v = rng.int(0, env.products[p]!.variants.length - 1);
    env.emit(who, { type: 'track', event: 'Product Viewed', properties: { ...productProps(env, { p, v }), currency: DEMO_CURRENCY } }, [15, 150]);
    if (opts.wishlist && rng.chance(0.07)) {
      env.emit(who, { type: 'track', event: 'Product Added to Wishlist', properties: { wishlist_id: opts.wishlist, wishlist_name: 'Favorites', ...productProps(env, { p, v }) } });
    }
  }
  return viewed;
}

/** Adds to a cart (creating it if needed), sometimes removes one line, views the cart. */
export function fillCart(env: SessionEnv, who: Speaker, cart: { id: string; lines: Line[] }, candidates: readonly number[]): void {
  const { rng } = env;
  const adds = Math.min(candidates.length, rng.weighted([[1, 55], [2, 30], [3, 15]] as const));
  for (let i = 0; i < adds; i++) {
    const p = candidates[i]!;
    const v = rng.int(0, env.products[p]!.variants.length - 1);
    const quantity = rng.chance(0.12) ? 2 : 1;
    const existing = cart.lines.find((l) => l.p === p && l.v === v);
    if (existing) existing.quantity += quantity; else cart.lines.push({ p, v, quantity });
    env.emit(who, { type: 'track', event: 'Product Added', properties: { cart_id: cart.id, ...productProps(env, { p, v, quantity }), currency: DEMO_CURRENCY } });
  }
  if (cart.lines.length >= 2 && rng.chance(0.18)) {
    const [removed] = cart.lines.splice(rng.int(0, cart.lines.length - 1), 1);
    env.emit(who, { type: 'track', event: 'Product Removed', properties: { cart_id: cart.id, ...productProps(env, removed!), currency: DEMO_CURRENCY } });
  }
  if (rng.chance(0.6)) env.emit(who, { type: 'track', event: 'Cart Viewed', properties: { cart_id: cart.id, products: cart.lines.map((l) => itemProps(env, l)) } });
}

export interface CheckoutOptions {
  /** Complete the order, or leave at checkout (an abandoned checkout). */
  complete: boolean;
  isFirstOrder: boolean;
  isLoyaltyMember: boolean;
  /** Date of the session, to decide whether a seasonal code is still valid. */
  monthUtc: number;
}

/** Checkout Started, maybe a coupon, then Order Completed. Returns the order, if one was placed. */
export function checkout(env: SessionEnv, who: Speaker, cart: { id: string; lines: Line[] }, opts: CheckoutOptions): { orderId: string; lines: Line[] } | undefined {
  const { rng } = env;
  if (cart.lines.length === 0) return undefined;
  const orderId = env.nextOrderId('D');
  const sub = subtotal(env, cart.lines);
  const products = cart.lines.map((l) => itemProps(env, l));
  env.emit(who, { type: 'track', event: 'Checkout Started', properties: { order_id: orderId, cart_id: cart.id, value: sub, revenue: sub, currency: DEMO_CURRENCY, products } });
  let coupon: Coupon | undefined;
  if (rng.chance(opts.isFirstOrder ? 0.45 : 0.15)) {
    const code = rng.weighted([['WELCOME10', opts.isFirstOrder ? 6 : 1], ['SPRING15', 2], ['VIP20', opts.isLoyaltyMember ? 3 : 1], ['FREESHIP', 2], ['SAVE50', 1]] as const);
    env.emit(who, { type: 'track', event: 'Coupon Entered', properties: { order_id: orderId, cart_id: cart.id, coupon_id: code } });
    let reason: string | undefined;
    if (code === 'SAVE50') reason = 'Code not recognised';
    else if (code === 'WELCOME10' && !opts.isFirstOrder) reason = 'Only valid on a first order';
    else if (code === 'VIP20' && !opts.isLoyaltyMember) reason = 'Only valid for loyalty members';
    else if (code === 'SPRING15' && (opts.monthUtc < 2 || opts.monthUtc > 4)) reason = 'Code has expired';
    if (reason) {
      env.emit(who, { type: 'track', event: 'Coupon Denied', properties: { order_id: orderId, cart_id: cart.id, coupon_id: code, reason } });
    } else {
      coupon = COUPONS[code];
    }
  }
  const baseShipping = sub >= 75 ? 0 : 6.95;
  const discount = !coupon ? 0 : coupon.kind === 'shipping' ? baseShipping : cents((sub * coupon.value) / 100);
  if (coupon) {
    env.emit(who, { type: 'track', event: 'Coupon Applied', properties: { order_id: orderId, cart_id: cart.id, coupon_id: coupon.code, coupon_name: coupon.name, discount } });
  }
  if (!opts.complete) return undefined;
  const shipping = coupon?.kind === 'shipping' ? 0 : baseShipping;
  const revenue = coupon?.kind === 'shipping' ? sub : cents(sub - discount);
  const tax = cents(revenue * 0.08);
  env.emit(who, {
    type: 'track', event: 'Order Completed',
    properties: {
      checkout_id: cart.id, order_id: orderId, affiliation: DEMO_LOCATIONS[0]!.name, location_id: 'online',
      subtotal: sub, revenue, shipping, tax, discount, total: cents(revenue + shipping + tax),
      ...(coupon ? { coupon: coupon.code } : {}),
      currency: DEMO_CURRENCY, products,
    },
  }, [40, 300]);
  return { orderId, lines: cart.lines.map((l) => ({ ...l })) };
}

/** A till purchase: the POS knows the loyalty card, not the web identity. */
export function storePurchase(env: SessionEnv, posAnonymousId: string, loyaltyId: string, locationId: string): { orderId: string; lines: Line[] } {
  const { rng } = env;
  const who: Speaker = { anonymousId: posAnonymousId };
  const location = DEMO_LOCATIONS.find((l) => l.id === locationId)!;
  env.emit(who, { type: 'identify', traits: { loyaltyId }, context: { channel: 'pos', location_id: locationId } });
  const lines: Line[] = [];
  const n = rng.weighted([[1, 45], [2, 35], [3, 20]] as const);
  for (let i = 0; i < n; i++) {
    const p = env.pickProduct();
    if (!lines.some((l) => l.p === p)) lines.push({ p, v: rng.int(0, env.products[p]!.variants.length - 1), quantity: rng.chance(0.15) ? 2 : 1 });
  }
  const orderId = env.nextOrderId('S');
  const revenue = subtotal(env, lines);
  const tax = cents(revenue * 0.08875);
  env.emit(who, {
    type: 'track', event: 'Order Completed',
    properties: {
      order_id: orderId, affiliation: location.name, location_id: locationId,
      subtotal: revenue, revenue, tax, shipping: 0, discount: 0, total: cents(revenue + tax),
      currency: DEMO_CURRENCY, products: lines.map((l) => itemProps(env, l)),
    },
    context: { channel: 'pos', location_id: locationId },
  }, [60, 240]);
  return { orderId, lines };
}

/** A refund some days after an order: whole or partial. */
export function refund(env: SessionEnv, who: Speaker, orderId: string, lines: readonly Line[]): void {
  const { rng } = env;
  const partial = lines.length > 1 && rng.chance(0.5);
  const returned = partial ? [lines[rng.int(0, lines.length - 1)]!] : lines;
  const amount = subtotal(env, returned);
  env.emit(who, {
    type: 'track', event: 'Order Refunded',
    properties: { order_id: orderId, total: amount, revenue: amount, currency: DEMO_CURRENCY, reason: rng.pick(['Did not fit', 'Changed my mind', 'Arrived damaged', 'Not as pictured']), products: returned.map((l) => itemProps(env, l)) },
  });
}
