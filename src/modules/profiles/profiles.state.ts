/**
 * Pure reducers from events to profile state (no I/O). Segment E-commerce spec v2 semantics:
 * https://segment.com/docs/connections/spec/ecommerce/v2/
 */
import { isPlainObject, isSafeKey } from '../../core/index.ts';
import type { CartItem, ProfileState, SessionSignals, TraitMeta } from './profiles.types.ts';

export const MAX_RECENT_VIEWS = 20;
export const MAX_WISHLIST = 50;
export const SESSION_GAP_MS = 30 * 60 * 1000;

interface Msg {
  type: string; event?: string; messageId: string; seq: number; timestamp: string; groupId?: string;
  traits?: Record<string, unknown>; properties?: Record<string, unknown>; context?: Record<string, unknown>;
}

/** A finite number from a number or numeric string (Segment properties arrive as either). */
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
const later = (a: string, b: string) => (a >= b ? a : b);
const earlier = (a: string, b: string) => (a <= b ? a : b);

/** Latest wins by event time; the source of each trait is kept. Returns true if anything changed. */
export function applyTraits(p: ProfileState, traits: Record<string, unknown>, meta: TraitMeta): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(traits)) {
    if (!isSafeKey(k) || k === 'consent') continue; // consent goes to the ledger, not traits
    const prev = p.traitMeta[k];
    if (prev && prev.at > meta.at) continue;
    p.traits[k] = v;
    p.traitMeta[k] = meta;
    changed = true;
  }
  return changed;
}

export function traitMetaOf(m: Msg): TraitMeta {
  const lib = isPlainObject(m.context?.library) ? str(m.context.library.name) : undefined;
  const meta: TraitMeta = { at: m.timestamp, messageId: m.messageId, call: m.type === 'track' ? `track:${m.event}` : m.type };
  if (lib) meta.library = lib;
  return meta;
}

export function productOf(raw: unknown, at: string): CartItem | undefined {
  if (!isPlainObject(raw)) return undefined;
  const productId = str(raw.product_id) ?? str(raw.productId) ?? str(raw.id);
  const variantId = str(raw.variant_id) ?? str(raw.variantId);
  const sku = str(raw.sku);
  const key = variantId ?? sku ?? productId;
  if (!key) return undefined;
  const item: CartItem = { key, quantity: Math.max(1, Math.round(num(raw.quantity) ?? 1)), addedAt: at };
  if (productId) item.productId = productId;
  if (variantId) item.variantId = variantId;
  if (sku) item.sku = sku;
  const name = str(raw.name); if (name) item.name = name;
  const price = num(raw.price); if (price !== undefined) item.price = price;
  const category = str(raw.category); if (category) item.category = category;
  const brand = str(raw.brand); if (brand) item.brand = brand;
  return item;
}

export function productsOf(props: Record<string, unknown> | undefined, at: string): CartItem[] {
  const list = Array.isArray(props?.products) ? props.products : [];
  return list.map((x) => productOf(x, at)).filter((x): x is CartItem => x !== undefined);
}

function bump(p: ProfileState, counter: string, by = 1): void {
  p.signals.totals[counter] = (p.signals.totals[counter] ?? 0) + by;
}

function session(p: ProfileState, at: string): SessionSignals {
  const s = p.signals.session;
  if (!s || Date.parse(at) - Date.parse(s.lastAt) > SESSION_GAP_MS || at < s.startedAt) {
    p.signals.session = { startedAt: at, lastAt: at, cartEdits: 0, couponAttempts: 0, backtracks: 0, views: [] };
    return p.signals.session;
  }
  s.lastAt = later(s.lastAt, at);
  return s;
}

/** Effects of one event on the profile itself (identity and orders are handled by the caller). */
export function applyEvent(p: ProfileState, m: Msg): void {
  const at = m.timestamp;
  p.eventCount++;
  p.firstSeenAt = earlier(p.firstSeenAt, at);
  p.lastSeenAt = later(p.lastSeenAt, at);
  if (m.traits && m.type === 'identify') applyTraits(p, m.traits, traitMetaOf(m));
  const ctxTraits = isPlainObject(m.context?.traits) ? m.context.traits : undefined;
  if (ctxTraits && m.type !== 'identify') applyTraits(p, ctxTraits, traitMetaOf(m));
  if (m.type === 'group' && m.groupId) {
    const g = new Set(p.signals.groups ?? []); g.add(m.groupId); p.signals.groups = [...g];
  }
  if (m.type === 'page' || m.type === 'screen') { bump(p, 'pageViews'); session(p, at); }
  if (m.type !== 'track' || !m.event) return;
  const props = m.properties ?? {};
  switch (m.event) {
    case 'Product Viewed': {
      const item = productOf(props, at);
      if (!item?.productId) break;
      bump(p, 'productViews');
      const s = session(p, at);
      const i = s.views.indexOf(item.productId);
      if (i >= 0 && i !== s.views.length - 1) s.backtracks++; // back to a product seen earlier in the session
      s.views = [...s.views.filter((v) => v !== item.productId), item.productId].slice(-30);
      const view = { productId: item.productId, at, ...(item.name ? { name: item.name } : {}), ...(item.price !== undefined ? { price: item.price } : {}), ...(item.category ? { category: item.category } : {}) };
      p.recentViews = [view, ...p.recentViews.filter((v) => v.productId !== item.productId)].sort((a, b) => (a.at < b.at ? 1 : -1)).slice(0, MAX_RECENT_VIEWS);
      break;
    }
    case 'Products Searched': {
      bump(p, 'searches'); session(p, at);
      const q = str(props.query);
      if (q && (!p.signals.lastSearch || p.signals.lastSearch.at <= at)) p.signals.lastSearch = { query: q, at };
      break;
    }
    case 'Product List Viewed': case 'Product List Filtered': bump(p, 'listViews'); session(p, at); break;
    case 'Product Added': {
      const item = productOf(props, at);
      if (!item) break;
      bump(p, 'cartAdds'); session(p, at).cartEdits++;
      const existing = p.cart.items.find((x) => x.key === item.key);
      if (existing) existing.quantity += item.quantity; else p.cart.items.push(item);
      touchCart(p, props, at);
      break;
    }
    case 'Product Removed': {
      const item = productOf(props, at);
      if (!item) break;
      bump(p, 'cartRemoves'); session(p, at).cartEdits++;
      const existing = p.cart.items.find((x) => x.key === item.key);
      if (existing) {
        existing.quantity -= num(props.quantity) !== undefined ? item.quantity : existing.quantity;
        if (existing.quantity <= 0) p.cart.items = p.cart.items.filter((x) => x !== existing);
      }
      touchCart(p, props, at);
      break;
    }
    case 'Cart Viewed': case 'Checkout Started': {
      const items = productsOf(props, at);
      // These events carry the whole cart: a snapshot newer than what we have replaces it.
      if (items.length > 0 && (!p.cart.updatedAt || p.cart.updatedAt <= at)) { p.cart.items = items; touchCart(p, props, at); }
      if (m.event === 'Checkout Started') {
        bump(p, 'checkouts'); session(p, at);
        const checkout: NonNullable<ProfileState['signals']['checkout']> = { at };
        const id = str(props.checkout_id) ?? str(props.order_id); if (id) checkout.checkoutId = id;
        const value = num(props.value) ?? num(props.revenue) ?? num(props.total); if (value !== undefined) checkout.value = value;
        p.signals.checkout = checkout;
      } else bump(p, 'cartViews');
      break;
    }
    case 'Coupon Entered': case 'Coupon Applied': case 'Coupon Denied': {
      session(p, at).couponAttempts++;
      bump(p, m.event === 'Coupon Applied' ? 'couponsApplied' : m.event === 'Coupon Denied' ? 'couponsDenied' : 'couponsEntered');
      break;
    }
    case 'Product Added to Wishlist': {
      const item = productOf(props, at);
      if (!item?.productId) break;
      bump(p, 'wishlistAdds');
      p.wishlist = [{ productId: item.productId, at }, ...p.wishlist.filter((w) => w.productId !== item.productId)].slice(0, MAX_WISHLIST);
      break;
    }
    case 'Order Completed':
      // The purchase empties the cart (if the cart is not newer than the order).
      if (!p.cart.updatedAt || p.cart.updatedAt <= at) p.cart = { items: [], updatedAt: at };
      delete p.signals.checkout;
      break;
    default: break;
  }
}

function touchCart(p: ProfileState, props: Record<string, unknown>, at: string): void {
  const cartId = str(props.cart_id);
  if (cartId) p.cart.cartId = cartId;
  p.cart.updatedAt = p.cart.updatedAt ? later(p.cart.updatedAt, at) : at;
}

/** Folds `from` into `into` (the survivor): union of everything, later values win. */
export function mergeStates(into: ProfileState, from: ProfileState): void {
  for (const [k, meta] of Object.entries(from.traitMeta)) {
    const cur = into.traitMeta[k];
    if (!cur || cur.at < meta.at) { into.traits[k] = from.traits[k]; into.traitMeta[k] = meta; }
  }
  for (const [k, v] of Object.entries(from.traits)) if (!(k in into.traits) && isSafeKey(k)) into.traits[k] = v;
  into.userId = into.userId ?? from.userId;
  into.firstSeenAt = earlier(into.firstSeenAt, from.firstSeenAt);
  into.lastSeenAt = later(into.lastSeenAt, from.lastSeenAt);
  into.createdAt = earlier(into.createdAt, from.createdAt);
  into.eventCount += from.eventCount;
  const items = new Map(into.cart.items.map((i) => [i.key, i]));
  for (const i of from.cart.items) { const cur = items.get(i.key); if (!cur || cur.addedAt < i.addedAt) items.set(i.key, i); }
  into.cart = { ...into.cart, items: [...items.values()] };
  if (from.cart.updatedAt) into.cart.updatedAt = into.cart.updatedAt ? later(into.cart.updatedAt, from.cart.updatedAt) : from.cart.updatedAt;
  if (!into.cart.cartId && from.cart.cartId) into.cart.cartId = from.cart.cartId;
  const views = [...into.recentViews, ...from.recentViews].sort((a, b) => (a.at < b.at ? 1 : -1));
  into.recentViews = views.filter((v, i) => views.findIndex((w) => w.productId === v.productId) === i).slice(0, MAX_RECENT_VIEWS);
  const wl = [...into.wishlist, ...from.wishlist].sort((a, b) => (a.at < b.at ? 1 : -1));
  into.wishlist = wl.filter((v, i) => wl.findIndex((w) => w.productId === v.productId) === i).slice(0, MAX_WISHLIST);
  for (const [k, v] of Object.entries(from.signals.totals)) into.signals.totals[k] = (into.signals.totals[k] ?? 0) + v;
  const s1 = into.signals.session, s2 = from.signals.session;
  if (s2 && (!s1 || s1.lastAt < s2.lastAt)) into.signals.session = s2;
  if (from.signals.lastSearch && (!into.signals.lastSearch || into.signals.lastSearch.at < from.signals.lastSearch.at)) into.signals.lastSearch = from.signals.lastSearch;
  if (from.signals.checkout && (!into.signals.checkout || into.signals.checkout.at < from.signals.checkout.at)) into.signals.checkout = from.signals.checkout;
  if (from.signals.groups) into.signals.groups = [...new Set([...(into.signals.groups ?? []), ...from.signals.groups])];
  const o = into.orders, f = from.orders;
  o.count += f.count; o.revenue = round2(o.revenue + f.revenue); o.refunds = round2(o.refunds + f.refunds);
  o.firstOrderAt = o.firstOrderAt && f.firstOrderAt ? earlier(o.firstOrderAt, f.firstOrderAt) : o.firstOrderAt ?? f.firstOrderAt;
  o.lastOrderAt = o.lastOrderAt && f.lastOrderAt ? later(o.lastOrderAt, f.lastOrderAt) : o.lastOrderAt ?? f.lastOrderAt;
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
