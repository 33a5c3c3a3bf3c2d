/**
 * SQL for the catalog. Functions take a Queryable so the service decides transaction boundaries.
 * Sets of rows travel as one jsonb parameter (jsonb_to_recordset / jsonb_array_elements_text):
 * one round trip per batch, and no array-parameter differences between PGlite and pg.
 * Ids are collated "C" in the schema; comparisons against parameters say so explicitly.
 */
import { toIso, type Queryable } from '../../core/index.ts';
import { centsToDecimal, centsToSql, sqlToCents } from './catalog.money.ts';
import type { NormProduct, NormVariant } from './catalog.normalize.ts';
import { effectiveCents, marginOf, type PriceState } from './catalog.pricing.ts';
import type { Location, LocationInput, PriceVersion, Product, StockLevel, Variant } from './catalog.types.ts';

/** `x in IDS(n)`: membership in the JSON array of strings passed as parameter $n. */
const IDS = (n: number) => `(select jsonb_array_elements_text($${n}::jsonb) collate "C")`;
const iso = (ms: number) => new Date(ms).toISOString();

/** Serializes catalog writers (price diffing reads then writes). Released at commit. */
export async function lockCatalog(tx: Queryable): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || ':catalog'))`);
}

export async function existingIds(q: Queryable, table: 'catalog_products' | 'catalog_variants' | 'catalog_locations', ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const r = await q.query<{ id: string }>(`select id from ${table} where id in ${IDS(1)}`, [JSON.stringify(ids)]);
  return new Set(r.rows.map((x) => x.id));
}

/** Variant ids per product, for the given products. */
export async function variantIdsByProduct(q: Queryable, productIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (productIds.length === 0) return out;
  const r = await q.query<{ id: string; product_id: string }>(
    `select id, product_id from catalog_variants where product_id in ${IDS(1)} order by product_id, id`, [JSON.stringify(productIds)]);
  for (const row of r.rows) {
    const list = out.get(row.product_id);
    if (list) list.push(row.id);
    else out.set(row.product_id, [row.id]);
  }
  return out;
}

export async function upsertProductRows(tx: Queryable, products: NormProduct[], nowMs: number): Promise<void> {
  if (products.length === 0) return;
  const rows = products.map((p) => ({
    id: p.id, title: p.title, description: p.description, brand: p.brand, category: p.category,
    product_type: p.productType, link: p.link, image_link: p.imageLink, attributes: p.attributes,
  }));
  // updated_at moves only when something changed, so it can drive incremental cache reloads.
  await tx.query(`
    insert into catalog_products as t (id, title, description, brand, category, product_type, link, image_link, attributes, created_at, updated_at)
    select r.id, r.title, r.description, r.brand, r.category, r.product_type, r.link, r.image_link, r.attributes, $2::timestamptz, $2::timestamptz
    from jsonb_to_recordset($1::jsonb) as r(id text, title text, description text, brand text, category text, product_type text, link text, image_link text, attributes jsonb)
    on conflict (id) do update set
      title = excluded.title, description = excluded.description, brand = excluded.brand, category = excluded.category,
      product_type = excluded.product_type, link = excluded.link, image_link = excluded.image_link,
      attributes = excluded.attributes, updated_at = excluded.updated_at
    where (t.title, t.description, t.brand, t.category, t.product_type, t.link, t.image_link, t.attributes)
      is distinct from (excluded.title, excluded.description, excluded.brand, excluded.category, excluded.product_type, excluded.link, excluded.image_link, excluded.attributes)`,
  [JSON.stringify(rows), iso(nowMs)]);
}

export async function upsertVariantRows(tx: Queryable, variants: Array<NormVariant & { productId: string }>, nowMs: number): Promise<void> {
  if (variants.length === 0) return;
  const rows = variants.map((v) => ({
    id: v.id, product_id: v.productId, title: v.title, gtin: v.gtin, mpn: v.mpn, link: v.link, image_link: v.imageLink,
    availability: v.availability, color: v.color, size: v.size, condition: v.condition, attributes: v.attributes,
  }));
  await tx.query(`
    insert into catalog_variants as t (id, product_id, title, gtin, mpn, link, image_link, availability, color, size, condition, attributes, created_at, updated_at)
    select r.id, r.product_id, r.title, r.gtin, r.mpn, r.link, r.image_link, r.availability, r.color, r.size, r.condition, r.attributes, $2::timestamptz, $2::timestamptz
    from jsonb_to_recordset($1::jsonb) as r(id text, product_id text, title text, gtin text, mpn text, link text, image_link text, availability text, color text, size text, condition text, attributes jsonb)
    on conflict (id) do update set
      product_id = excluded.product_id, title = excluded.title, gtin = excluded.gtin, mpn = excluded.mpn, link = excluded.link,
      image_link = excluded.image_link, availability = excluded.availability, color = excluded.color, size = excluded.size,
      condition = excluded.condition, attributes = excluded.attributes, updated_at = excluded.updated_at
    where (t.product_id, t.title, t.gtin, t.mpn, t.link, t.image_link, t.availability, t.color, t.size, t.condition, t.attributes)
      is distinct from (excluded.product_id, excluded.title, excluded.gtin, excluded.mpn, excluded.link, excluded.image_link, excluded.availability, excluded.color, excluded.size, excluded.condition, excluded.attributes)`,
  [JSON.stringify(rows), iso(nowMs)]);
}

interface PriceRow { price: number; sale_price: number | null; cost: number | null; currency: string }

function toState(r: PriceRow): PriceState {
  return {
    priceCents: sqlToCents(r.price),
    saleCents: r.sale_price === null ? null : sqlToCents(r.sale_price),
    costCents: r.cost === null ? null : sqlToCents(r.cost),
    currency: r.currency,
  };
}

/** For each ask, the price state in force for that variant at that time (absent: none yet). */
export async function pricesInForce(q: Queryable, asks: Array<{ variantId: string; atMs: number }>): Promise<Map<number, PriceState>> {
  const out = new Map<number, PriceState>();
  if (asks.length === 0) return out;
  const r = await q.query<PriceRow & { i: number }>(`
    select a.i, v.price, v.sale_price, v.cost, v.currency
    from jsonb_to_recordset($1::jsonb) as a(i int, variant_id text, at timestamptz)
    join lateral (
      select p.price, p.sale_price, p.cost, p.currency from catalog_price_versions p
      where p.variant_id = a.variant_id collate "C" and p.valid_from <= a.at
      order by p.valid_from desc limit 1
    ) v on true`,
  [JSON.stringify(asks.map((a, i) => ({ i, variant_id: a.variantId, at: iso(a.atMs) })))]);
  for (const row of r.rows) out.set(row.i, toState(row));
  return out;
}

export async function upsertPriceVersions(tx: Queryable, versions: Array<{ variantId: string; validFrom: number; state: PriceState }>, nowMs: number): Promise<void> {
  if (versions.length === 0) return;
  const rows = versions.map((v) => ({
    variant_id: v.variantId, valid_from: iso(v.validFrom), price: centsToSql(v.state.priceCents),
    sale_price: v.state.saleCents === null ? null : centsToSql(v.state.saleCents),
    cost: v.state.costCents === null ? null : centsToSql(v.state.costCents), currency: v.state.currency,
  }));
  // Two changes at the same instant: the later write is what was in force from then on.
  await tx.query(`
    insert into catalog_price_versions (variant_id, valid_from, price, sale_price, cost, currency, recorded_at)
    select r.variant_id, r.valid_from, r.price, r.sale_price, r.cost, r.currency, $2::timestamptz
    from jsonb_to_recordset($1::jsonb) as r(variant_id text, valid_from timestamptz, price numeric, sale_price numeric, cost numeric, currency text)
    on conflict (variant_id, valid_from) do update set
      price = excluded.price, sale_price = excluded.sale_price, cost = excluded.cost, currency = excluded.currency, recorded_at = excluded.recorded_at`,
  [JSON.stringify(rows), iso(nowMs)]);
}

export function priceView(state: PriceState) {
  const m = marginOf(state);
  return {
    price: centsToDecimal(state.priceCents),
    salePrice: state.saleCents === null ? null : centsToDecimal(state.saleCents),
    cost: state.costCents === null ? null : centsToDecimal(state.costCents),
    currency: state.currency,
    effectivePrice: centsToDecimal(effectiveCents(state)),
    margin: m.marginCents === null ? null : centsToDecimal(m.marginCents),
    marginRate: m.marginRate,
  };
}

type VariantRow = PriceRow & {
  id: string; product_id: string; title: string | null; gtin: string | null; mpn: string | null; link: string | null;
  image_link: string | null; availability: string; color: string | null; size: string | null; condition: string | null;
  attributes: Record<string, unknown>; created_at: Date; updated_at: Date; price_valid_from: Date;
};

/**
 * Variants with the price version in force at `atMs`. Should a variant have no version yet at
 * that time (a clock set back), its earliest version stands in rather than dropping the variant.
 */
async function variantRows(q: Queryable, where: string, param: string, atMs: number): Promise<VariantRow[]> {
  const r = await q.query<VariantRow>(`
    select v.*, cp.valid_from as price_valid_from, cp.price, cp.sale_price, cp.cost, cp.currency
    from catalog_variants v
    join lateral (
      select * from (
        (select 0 as k, p.valid_from, p.price, p.sale_price, p.cost, p.currency from catalog_price_versions p
          where p.variant_id = v.id and p.valid_from <= $2::timestamptz order by p.valid_from desc limit 1)
        union all
        (select 1 as k, p.valid_from, p.price, p.sale_price, p.cost, p.currency from catalog_price_versions p
          where p.variant_id = v.id order by p.valid_from asc limit 1)
      ) x order by x.k limit 1
    ) cp on true
    where ${where}
    order by v.product_id, v.id`, [param, iso(atMs)]);
  return r.rows;
}

async function stockOf(q: Queryable, variantIds: string[]): Promise<Map<string, StockLevel[]>> {
  const out = new Map<string, StockLevel[]>();
  if (variantIds.length === 0) return out;
  const r = await q.query<{ variant_id: string; location_id: string; quantity: number; updated_at: Date }>(
    `select variant_id, location_id, quantity, updated_at from catalog_stock where variant_id in ${IDS(1)} order by variant_id, location_id`,
    [JSON.stringify(variantIds)]);
  for (const s of r.rows) {
    const list = out.get(s.variant_id) ?? [];
    list.push({ locationId: s.location_id, quantity: s.quantity, updatedAt: toIso(s.updated_at)! });
    out.set(s.variant_id, list);
  }
  return out;
}

function toVariant(r: VariantRow, stock: StockLevel[]): Variant {
  return {
    id: r.id, productId: r.product_id, title: r.title, gtin: r.gtin, mpn: r.mpn, link: r.link, imageLink: r.image_link,
    availability: r.availability, color: r.color, size: r.size, condition: r.condition, attributes: r.attributes,
    ...priceView(toState(r)),
    priceValidFrom: toIso(r.price_valid_from)!,
    stock,
    totalStock: stock.reduce((n, s) => n + Math.max(0, s.quantity), 0),
    createdAt: toIso(r.created_at)!, updatedAt: toIso(r.updated_at)!,
  };
}

async function variantsWhere(q: Queryable, where: string, param: string, atMs: number): Promise<Variant[]> {
  const rows = await variantRows(q, where, param, atMs);
  const stock = await stockOf(q, rows.map((r) => r.id));
  return rows.map((r) => toVariant(r, stock.get(r.id) ?? []));
}

export async function loadVariant(q: Queryable, id: string, atMs: number): Promise<Variant | undefined> {
  return (await variantsWhere(q, `v.id = $1 collate "C"`, id, atMs))[0];
}

/** Products by id, each with its variants (current prices, stock), in id order. */
export async function loadProducts(q: Queryable, ids: string[], atMs: number): Promise<Product[]> {
  if (ids.length === 0) return [];
  const param = JSON.stringify(ids);
  const r = await q.query<{
    id: string; title: string; description: string | null; brand: string | null; category: string | null; product_type: string | null;
    link: string | null; image_link: string | null; attributes: Record<string, unknown>; created_at: Date; updated_at: Date;
  }>(`select * from catalog_products where id in ${IDS(1)} order by id`, [param]);
  const variants = await variantsWhere(q, `v.product_id in ${IDS(1)}`, param, atMs);
  const byProduct = new Map<string, Variant[]>();
  for (const v of variants) {
    const list = byProduct.get(v.productId);
    if (list) list.push(v);
    else byProduct.set(v.productId, [v]);
  }
  return r.rows.map((p) => ({
    id: p.id, title: p.title, description: p.description, brand: p.brand, category: p.category, productType: p.product_type,
    link: p.link, imageLink: p.image_link, attributes: p.attributes,
    createdAt: toIso(p.created_at)!, updatedAt: toIso(p.updated_at)!, variants: byProduct.get(p.id) ?? [],
  }));
}

/** Keyset page of product ids after `afterId` (exclusive), in "C" order. */
export async function pageProductIds(q: Queryable, afterId: string | undefined, limit: number): Promise<string[]> {
  const r = await q.query<{ id: string }>(
    `select id from catalog_products where ($1::text is null or id > $1::text collate "C") order by id limit $2`,
    [afterId ?? null, limit]);
  return r.rows.map((x) => x.id);
}

export async function countProducts(q: Queryable): Promise<number> {
  const r = await q.query<{ n: number }>(`select count(*)::int8 as n from catalog_products`);
  return r.rows[0]?.n ?? 0;
}

export async function variantExists(q: Queryable, id: string): Promise<boolean> {
  const r = await q.query(`select 1 from catalog_variants where id = $1 collate "C"`, [id]);
  return r.rows.length > 0;
}

type VersionRow = PriceRow & { variant_id: string; valid_from: Date };
const toVersion = (r: VersionRow): PriceVersion => ({ variantId: r.variant_id, validFrom: toIso(r.valid_from)!, ...priceView(toState(r)) });

export async function priceAt(q: Queryable, variantId: string, atMs: number): Promise<PriceVersion | undefined> {
  const r = await q.query<VersionRow>(`
    select variant_id, valid_from, price, sale_price, cost, currency from catalog_price_versions
    where variant_id = $1 collate "C" and valid_from <= $2::timestamptz order by valid_from desc limit 1`, [variantId, iso(atMs)]);
  return r.rows[0] ? toVersion(r.rows[0]) : undefined;
}

export async function priceHistory(q: Queryable, variantId: string): Promise<PriceVersion[]> {
  const r = await q.query<VersionRow>(`
    select variant_id, valid_from, price, sale_price, cost, currency from catalog_price_versions
    where variant_id = $1 collate "C" order by valid_from`, [variantId]);
  return r.rows.map(toVersion);
}

export async function upsertStock(tx: Queryable, updates: Array<{ variantId: string; locationId: string; quantity: number }>, nowMs: number): Promise<void> {
  if (updates.length === 0) return;
  await tx.query(`
    insert into catalog_stock (variant_id, location_id, quantity, updated_at)
    select r.variant_id, r.location_id, r.quantity, $2::timestamptz
    from jsonb_to_recordset($1::jsonb) as r(variant_id text, location_id text, quantity int)
    on conflict (variant_id, location_id) do update set quantity = excluded.quantity, updated_at = excluded.updated_at`,
  [JSON.stringify(updates.map((u) => ({ variant_id: u.variantId, location_id: u.locationId, quantity: u.quantity }))), iso(nowMs)]);
}

type LocationRow = { id: string; name: string; type: 'online' | 'store'; timezone: string | null; address: string | null; created_at: Date; updated_at: Date };
const toLocation = (r: LocationRow): Location => ({
  id: r.id, name: r.name, type: r.type, timezone: r.timezone, address: r.address, createdAt: toIso(r.created_at)!, updatedAt: toIso(r.updated_at)!,
});

export async function upsertLocations(tx: Queryable, locs: LocationInput[], nowMs: number): Promise<Location[]> {
  if (locs.length === 0) return [];
  const rows = locs.map((l) => ({ id: l.id, name: l.name, type: l.type, timezone: l.timezone ?? null, address: l.address ?? null }));
  const r = await tx.query<LocationRow>(`
    insert into catalog_locations as t (id, name, type, timezone, address, created_at, updated_at)
    select r.id, r.name, r.type, r.timezone, r.address, $2::timestamptz, $2::timestamptz
    from jsonb_to_recordset($1::jsonb) as r(id text, name text, type text, timezone text, address text)
    on conflict (id) do update set name = excluded.name, type = excluded.type, timezone = excluded.timezone,
      address = excluded.address, updated_at = excluded.updated_at
    returning *`, [JSON.stringify(rows), iso(nowMs)]);
  return r.rows.map(toLocation).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function listLocations(q: Queryable): Promise<Location[]> {
  const r = await q.query<LocationRow>(`select * from catalog_locations order by id`);
  return r.rows.map(toLocation);
}
