/**
 * The catalog service: the one way other modules read and write products, stock and prices.
 *
 * Reads are plain async functions returning self-contained objects, and every committed write
 * announces what it touched through `onChange`, so a read-through cache (the decision engine's
 * in-memory catalog) can sit in front of this interface later and invalidate precisely.
 */
import { decodeCursor, encodeCursor, invalid, notFound, type CoreDeps, type Queryable } from '../../core/index.ts';
import { parseGmcFeed } from './catalog.gmc.ts';
import { joinPath, normalizeProducts, type NormProduct } from './catalog.normalize.ts';
import { isEmptyPatch, mergePrice, needsVersion, type PriceState } from './catalog.pricing.ts';
import * as store from './catalog.store.ts';
import type {
  ImportResult, Location, LocationInput, PriceVersion, Product, ProductInput, ProductPage, StockUpdate, UpsertResult, Variant,
} from './catalog.types.ts';

export interface CatalogChange { productIds: string[]; variantIds: string[]; locationIds: string[] }

export interface UpsertOptions {
  /** How to name product i in validation errors; default `products[i]`. */
  fieldPath?: (index: number) => string;
}

export interface CatalogService {
  /** Creates or updates products and their variants; all-or-nothing. Throws `invalid` naming the field. */
  upsertProducts(inputs: readonly ProductInput[], opts?: UpsertOptions): Promise<UpsertResult>;
  getProduct(id: string): Promise<Product | undefined>;
  getVariant(id: string): Promise<Variant | undefined>;
  /** Keyset-paged in id order; `nextCursor` is opaque and null on the last page. */
  listProducts(opts?: { limit?: number; cursor?: string }): Promise<ProductPage>;
  /** Absolute stock levels; all-or-nothing, unknown variant or location → invalid(`updates[i].…`). */
  setStock(updates: readonly StockUpdate[]): Promise<{ updated: number }>;
  upsertLocations(locs: readonly LocationInput[]): Promise<Location[]>;
  listLocations(): Promise<Location[]>;
  /** Price version in force at `atMs`; undefined before the first one. Unknown variant → not_found. */
  priceAt(variantId: string, atMs: number): Promise<PriceVersion | undefined>;
  /** Every price version, oldest first. Unknown variant → not_found. */
  priceHistory(variantId: string): Promise<PriceVersion[]>;
  /** Imports a Merchant Center feed; good rows import even when others are reported as errors. */
  importGmcFeed(text: string): Promise<ImportResult>;
  countProducts(): Promise<number>;
  /** Called after each committed write with what it touched; returns an unsubscribe function. */
  onChange(listener: (change: CatalogChange) => void): () => void;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;
const FEED_CHUNK = 500;
const MAX_REPORTED_ERRORS = 1000;

function validTimezone(tz: string): boolean {
  try { new Intl.DateTimeFormat('en-US', { timeZone: tz }); return true; } catch { return false; }
}

interface Applied { result: UpsertResult; productIds: string[]; variantIds: string[] }

/**
 * Writes normalized products inside `tx` and appends price versions where values change. The
 * version diff is made against the version in force at each change's own valid-from time, so a
 * backdated change slots into history and a scheduled one does not disturb today's price.
 */
async function applyProducts(tx: Queryable, products: NormProduct[], nowMs: number): Promise<Applied> {
  await store.lockCatalog(tx);
  const existingProducts = await store.existingIds(tx, 'catalog_products', products.map((p) => p.id));
  const variants = products.flatMap((p) => p.variants.map((v) => ({ ...v, productId: p.id })));
  const existingVariants = await store.existingIds(tx, 'catalog_variants', variants.map((v) => v.id));

  // A product posted without `variants` stands for its one variant of the same id. Had it been
  // created with other variants, writing that implicit variant would add a phantom sibling
  // instead of updating what the caller meant, so the variants must be named.
  const implicit = products.filter((p) => p.implicitVariant && existingProducts.has(p.id));
  const variantsOf = await store.variantIdsByProduct(tx, implicit.map((p) => p.id));
  for (const p of implicit) {
    const others = (variantsOf.get(p.id) ?? []).filter((id) => id !== p.id);
    if (others.length > 0) {
      throw invalid(joinPath(p.path, 'variants'), `is required: product "${p.id}" has variants ${others.slice(0, 5).map((id) => `"${id}"`).join(', ')}${others.length > 5 ? ', …' : ''}`);
    }
  }

  const asks: Array<{ variantId: string; atMs: number }> = [];
  const askOf: Array<number | undefined> = variants.map((v) => {
    const isNew = !existingVariants.has(v.id);
    const at = v.effectiveAt ?? nowMs;
    if (isNew && at > nowMs) throw invalid(joinPath(v.path, 'effectiveAt'), "a new variant's first price cannot be in the future");
    if (isNew || isEmptyPatch(v.price)) return undefined;
    asks.push({ variantId: v.id, atMs: at });
    return asks.length - 1;
  });
  const inForce = await store.pricesInForce(tx, asks);

  const versions: Array<{ variantId: string; validFrom: number; state: PriceState }> = [];
  variants.forEach((v, i) => {
    const isNew = !existingVariants.has(v.id);
    if (!isNew && isEmptyPatch(v.price)) return;
    const ask = askOf[i];
    const current = ask === undefined ? undefined : inForce.get(ask);
    const merged = mergePrice(current, v.price);
    if (!merged.ok) {
      throw invalid(joinPath(v.path, merged.missing), isNew
        ? `is required for a new variant ("${v.id}")`
        : `is required: no price of variant "${v.id}" is in force at ${new Date(v.effectiveAt ?? nowMs).toISOString()}`);
    }
    if (needsVersion(current, merged.state)) versions.push({ variantId: v.id, validFrom: v.effectiveAt ?? nowMs, state: merged.state });
  });

  await store.upsertProductRows(tx, products, nowMs);
  await store.upsertVariantRows(tx, variants, nowMs);
  await store.upsertPriceVersions(tx, versions, nowMs);
  const variantsCreated = variants.filter((v) => !existingVariants.has(v.id)).length;
  const created = products.filter((p) => !existingProducts.has(p.id)).length;
  return {
    result: {
      created, updated: products.length - created,
      variantsCreated, variantsUpdated: variants.length - variantsCreated, priceVersions: versions.length,
    },
    productIds: products.map((p) => p.id),
    variantIds: variants.map((v) => v.id),
  };
}

function addResults(a: UpsertResult, b: UpsertResult): UpsertResult {
  return {
    created: a.created + b.created, updated: a.updated + b.updated, variantsCreated: a.variantsCreated + b.variantsCreated,
    variantsUpdated: a.variantsUpdated + b.variantsUpdated, priceVersions: a.priceVersions + b.priceVersions,
  };
}

export function createCatalog(deps: CoreDeps): CatalogService {
  const { db, clock, log } = deps;
  const listeners = new Set<(c: CatalogChange) => void>();
  const emit = (c: Partial<CatalogChange>) => {
    const change: CatalogChange = { productIds: c.productIds ?? [], variantIds: c.variantIds ?? [], locationIds: c.locationIds ?? [] };
    for (const l of listeners) {
      try { l(change); } catch (err) { log.warn({ err }, 'catalog change listener failed'); }
    }
  };

  const requireVariant = async (id: string) => {
    if (!(await store.variantExists(db, id))) throw notFound(`variant "${id}"`);
  };

  return {
    async upsertProducts(inputs, opts = {}) {
      const pathOf = opts.fieldPath ?? ((i: number) => `products[${i}]`);
      const products = normalizeProducts(inputs, pathOf);
      if (products.length === 0) return { created: 0, updated: 0, variantsCreated: 0, variantsUpdated: 0, priceVersions: 0 };
      const applied = await db.transaction((tx) => applyProducts(tx, products, clock.now()));
      emit(applied);
      return applied.result;
    },

    async getProduct(id) {
      return (await store.loadProducts(db, [id], clock.now()))[0];
    },

    getVariant(id) {
      return store.loadVariant(db, id, clock.now());
    },

    async listProducts(opts = {}) {
      const limit = opts.limit ?? DEFAULT_PAGE;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw invalid('limit', `must be an integer from 1 to ${MAX_PAGE}`);
      const after = opts.cursor === undefined || opts.cursor === '' ? undefined : decodeCursor(opts.cursor, ['s'])[0] as string;
      // One extra id tells whether another page exists without a count.
      const ids = await store.pageProductIds(db, after, limit + 1);
      const page = ids.slice(0, limit);
      const items = await store.loadProducts(db, page, clock.now());
      return { items, nextCursor: ids.length > limit ? encodeCursor([page[page.length - 1]!]) : null };
    },

    async setStock(updates) {
      // The same variant and location twice: the last one is the level reported last.
      const byKey = new Map<string, { variantId: string; locationId: string; quantity: number }>();
      updates.forEach((u, i) => {
        if (!Number.isInteger(u.quantity)) throw invalid(`updates[${i}].quantity`, 'must be an integer');
        byKey.set(`${u.variantId}\u0000${u.locationId}`, { variantId: u.variantId, locationId: u.locationId, quantity: u.quantity });
      });
      if (byKey.size === 0) return { updated: 0 };
      const rows = [...byKey.values()];
      await db.transaction(async (tx) => {
        const variants = await store.existingIds(tx, 'catalog_variants', [...new Set(updates.map((u) => u.variantId))]);
        const locations = await store.existingIds(tx, 'catalog_locations', [...new Set(updates.map((u) => u.locationId))]);
        updates.forEach((u, i) => {
          if (!variants.has(u.variantId)) throw invalid(`updates[${i}].variantId`, `unknown variant "${u.variantId}"`);
          if (!locations.has(u.locationId)) throw invalid(`updates[${i}].locationId`, `unknown location "${u.locationId}"`);
        });
        await store.upsertStock(tx, rows, clock.now());
      });
      emit({ variantIds: [...new Set(rows.map((r) => r.variantId))] });
      return { updated: rows.length };
    },

    async upsertLocations(locs) {
      const seen = new Map<string, number>();
      locs.forEach((l, i) => {
        const first = seen.get(l.id);
        if (first !== undefined) throw invalid(`locations[${i}].id`, `duplicates locations[${first}].id "${l.id}"`);
        seen.set(l.id, i);
        if (l.timezone && !validTimezone(l.timezone)) throw invalid(`locations[${i}].timezone`, `"${l.timezone}" is not an IANA time zone`);
      });
      const out = await db.transaction((tx) => store.upsertLocations(tx, [...locs], clock.now()));
      emit({ locationIds: out.map((l) => l.id) });
      return out;
    },

    listLocations() {
      return store.listLocations(db);
    },

    async priceAt(variantId, atMs) {
      await requireVariant(variantId);
      return store.priceAt(db, variantId, atMs);
    },

    async priceHistory(variantId) {
      await requireVariant(variantId);
      return store.priceHistory(db, variantId);
    },

    async importGmcFeed(text) {
      const parsed = parseGmcFeed(text);
      let total: UpsertResult = { created: 0, updated: 0, variantsCreated: 0, variantsUpdated: 0, priceVersions: 0 };
      // Chunked transactions at low priority, so a large feed never holds the embedded database
      // away from ingest for long. A crash mid-import leaves earlier chunks applied; re-importing
      // the same feed is idempotent.
      for (let i = 0; i < parsed.products.length; i += FEED_CHUNK) {
        const chunk = parsed.products.slice(i, i + FEED_CHUNK);
        const applied = await db.transaction((tx) => applyProducts(tx, chunk, clock.now()), { priority: 'low' });
        emit(applied);
        total = addResults(total, applied.result);
      }
      return { ...total, rows: parsed.rows, errorCount: parsed.errors.length, errors: parsed.errors.slice(0, MAX_REPORTED_ERRORS) };
    },

    countProducts() {
      return store.countProducts(db);
    },

    onChange(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
  };
}
