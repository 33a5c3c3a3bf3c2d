/**
 * What serving knows of products and shoppers, kept in memory: the catalog as ItemFacts (price,
 * unit margin, stock, durable or consumable) and each shopper's purchases, last order, recent views
 * and segment, rebuilt from orders at training and kept fresh from the profile projection. Pure.
 */
import type { CachedProduct, CatalogCache } from '../catalog/index.ts';
import type { CatalogView, ItemFacts, ShopperState } from './recommendations.serve.ts';

const TRUE = new Set([true, 'true', 'yes', '1', 1]);
const FALSE = new Set([false, 'false', 'no', '0', 0]);

/**
 * Durable or consumable, from product attributes: `durable: true|false` decides; otherwise
 * `replenishable: true` or a positive `replenishment_days` marks a consumable; everything else
 * is durable (a shopper who bought a jacket is not shown the same jacket again, but is shown the
 * candles they buy every two months).
 */
export function isDurable(attributes: Record<string, unknown>): boolean {
  if (TRUE.has(attributes.durable as never)) return true;
  if (FALSE.has(attributes.durable as never)) return false;
  if (TRUE.has(attributes.replenishable as never)) return false;
  const days = Number(attributes.replenishment_days ?? attributes.replenishmentDays);
  return !(days > 0);
}

export function factsOf(c: CachedProduct): ItemFacts {
  const lead = c.lead;
  return {
    price: lead?.effectivePrice ?? 0,
    margin: lead?.margin ?? null,
    variantId: lead?.id,
    category: c.product.category ?? c.product.productType ?? null,
    brand: c.product.brand ?? null,
    durable: isDurable(c.product.attributes),
  };
}

export function catalogViewOf(cache: CatalogCache): CatalogView {
  return {
    facts: (id) => { const c = cache.get(id); return c ? factsOf(c) : undefined; },
    inStock: (id, store) => cache.inStock(id, store),
    *browse(limit) {
      let n = 0;
      for (const c of cache.all()) { if (n++ >= limit) return; yield c.product.id; }
    },
  };
}

/** A shopper's segment from profile traits: `segment`, else `country`, else `address.country`. */
export function segmentOf(traits: Record<string, unknown>): string | undefined {
  if (typeof traits.segment === 'string' && traits.segment) return traits.segment;
  if (typeof traits.country === 'string' && traits.country) return traits.country;
  const a = traits.address;
  if (a && typeof a === 'object' && typeof (a as Record<string, unknown>).country === 'string') return (a as Record<string, string>).country;
  return undefined;
}

export function emptyShopper(): ShopperState {
  return { held: new Map(), orderCount: 0, views: [] };
}

/** Product ids of an order's items (productId, else sku). */
export function orderItemIds(items: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const it of items) {
    if (!it || typeof it !== 'object') continue;
    const r = it as Record<string, unknown>;
    const id = typeof r.productId === 'string' ? r.productId : typeof r.sku === 'string' ? r.sku : undefined;
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}

/** Adds an order to a shopper; the latest order by time becomes lastOrder. */
export function applyOrder(s: ShopperState, items: readonly string[], at: number): void {
  s.orderCount++;
  for (const id of items) {
    const h = s.held.get(id);
    if (!h) s.held.set(id, { count: 1, lastAt: at });
    else { h.count++; if (at > h.lastAt) h.lastAt = at; }
  }
  if (!s.lastOrder || at >= s.lastOrder.at) s.lastOrder = { at, items: [...items] };
}

export const MAX_VIEWS = 20;

export function applyView(s: ShopperState, item: string, at: number): void {
  s.views = [{ item, at }, ...s.views.filter((v) => v.item !== item)].slice(0, MAX_VIEWS);
}

/** Folds `from` into `into` (a profile merge): purchases, order count, last order, views. */
export function mergeShoppers(into: ShopperState, from: ShopperState): void {
  for (const [id, h] of from.held) {
    const t = into.held.get(id);
    if (!t) into.held.set(id, { ...h });
    else { t.count += h.count; t.lastAt = Math.max(t.lastAt, h.lastAt); }
  }
  into.orderCount += from.orderCount;
  if (from.lastOrder && (!into.lastOrder || from.lastOrder.at > into.lastOrder.at)) into.lastOrder = from.lastOrder;
  into.views = [...into.views, ...from.views].sort((a, b) => b.at - a.at).slice(0, MAX_VIEWS);
  into.segment ??= from.segment;
}
