/**
 * The catalog read from memory: every product with its variants, current prices, cost and stock
 * per location, kept fresh by the service's change events. Decisioning and recommendations read
 * it on their hot paths (PGlite serves ~9k primary-key reads/s, far too few per decision).
 *
 * Memory is only a cache: a change made by another Braid process sharing the database reaches
 * this one through `refresh()` on a timer (`refreshMs`), so several processes converge.
 */
import type { CatalogService } from './catalog.service.ts';
import type { Product, Variant } from './catalog.types.ts';

export interface CachedProduct {
  product: Product;
  /** The cheapest in-stock variant, else the first: what "this product costs X" means in a decision. */
  lead: Variant | undefined;
  /** Sum of positive stock over all variants and locations. */
  totalStock: number;
}

export interface CatalogCache {
  /** Resolves once the whole catalog is loaded. */
  ready(): Promise<void>;
  get(productId: string): CachedProduct | undefined;
  variant(variantId: string): Variant | undefined;
  all(): IterableIterator<CachedProduct>;
  size(): number;
  /** In stock anywhere, or at `locationId` when given (a store named by the context). */
  inStock(productId: string, locationId?: string): boolean;
  /** Bumped on every change applied; consumers key derived caches on it. */
  version(): number;
  /** Reloads everything (used on a timer for changes made by other processes). */
  refresh(): Promise<void>;
  onUpdate(listener: (productIds: string[]) => void): () => void;
  stop(): void;
}

/**
 * Stock truth: a variant with stock rows is available where its quantity is positive; a variant
 * nobody tracks stock for falls back to its feed `availability` (only `in_stock` sells), and
 * then a named store cannot vouch for it.
 */
export function isVariantAvailable(v: Variant, locationId?: string): boolean {
  if (v.stock.length === 0) return !locationId && v.availability === 'in_stock';
  if (!locationId) return v.totalStock > 0;
  return v.stock.some((s) => s.locationId === locationId && s.quantity > 0);
}

export function summarizeProduct(product: Product): CachedProduct {
  let totalStock = 0;
  let lead: Variant | undefined;
  for (const v of product.variants) {
    totalStock += v.totalStock;
    const ok = isVariantAvailable(v);
    if (ok && (!lead || !isVariantAvailable(lead) || v.effectivePrice < lead.effectivePrice)) lead = v;
  }
  return { product, lead: lead ?? product.variants[0], totalStock };
}

export function createCatalogCache(catalog: CatalogService, opts: { refreshMs?: number } = {}): CatalogCache {
  const products = new Map<string, CachedProduct>();
  const variants = new Map<string, Variant>();
  const listeners = new Set<(ids: string[]) => void>();
  let version = 0;
  let timer: NodeJS.Timeout | undefined;

  const put = (p: Product) => {
    const old = products.get(p.id);
    if (old) for (const v of old.product.variants) variants.delete(v.id);
    products.set(p.id, summarizeProduct(p));
    for (const v of p.variants) variants.set(v.id, v);
  };
  const notify = (ids: string[]) => {
    version++;
    for (const l of listeners) l(ids);
  };
  const loadAll = async () => {
    let cursor: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await catalog.listProducts({ limit: 200, ...(cursor ? { cursor } : {}) });
      for (const p of page.items) { put(p); seen.add(p.id); }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    for (const id of products.keys()) if (!seen.has(id)) products.delete(id);
    notify([...seen]);
  };
  // Changes arrive while the initial load runs; apply them after it, in order.
  let chain: Promise<void> = loadAll();
  const loaded = chain;
  const unsubscribe = catalog.onChange((change) => {
    const ids = new Set(change.productIds);
    for (const vid of change.variantIds) { const v = variants.get(vid); if (v) ids.add(v.productId); }
    if (change.locationIds.length > 0 && ids.size === 0) { chain = chain.then(loadAll).catch(() => undefined); return; }
    chain = chain.then(async () => {
      for (const id of ids) {
        const p = await catalog.getProduct(id);
        if (p) put(p); else products.delete(id);
      }
      notify([...ids]);
    }).catch(() => undefined);
  });
  if (opts.refreshMs) {
    const tick = () => { chain = chain.then(loadAll).catch(() => undefined); timer = setTimeout(tick, opts.refreshMs); timer.unref(); };
    timer = setTimeout(tick, opts.refreshMs);
    timer.unref();
  }

  return {
    ready: () => loaded,
    get: (id) => products.get(id),
    variant: (id) => variants.get(id),
    all: () => products.values(),
    size: () => products.size,
    inStock(productId, locationId) {
      const c = products.get(productId);
      return !!c && c.product.variants.some((v) => isVariantAvailable(v, locationId));
    },
    version: () => version,
    refresh: async () => { chain = chain.then(loadAll); await chain; },
    onUpdate(listener) { listeners.add(listener); return () => { listeners.delete(listener); }; },
    stop() { unsubscribe(); if (timer) clearTimeout(timer); },
  };
}
