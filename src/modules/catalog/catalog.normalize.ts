/**
 * Turns API product inputs into the catalog's internal form (money in cents, empty strings as
 * null, defaults applied) and checks what the wire schema cannot. No I/O; throws `invalid` naming
 * the offending field, relative to the path the caller gives each product.
 */
import { invalid, isSafeKey, parseTimestamp } from '../../core/index.ts';
import { decimalToCents, normalizeCurrency } from './catalog.money.ts';
import type { PricePatch } from './catalog.pricing.ts';
import type { ProductInput, VariantInput } from './catalog.types.ts';

export interface NormVariant {
  id: string;
  /** Where this variant came from, for errors found later against stored state. */
  path: string;
  title: string | null;
  gtin: string | null;
  mpn: string | null;
  link: string | null;
  imageLink: string | null;
  availability: string;
  color: string | null;
  size: string | null;
  condition: string | null;
  attributes: Record<string, unknown>;
  price: PricePatch;
  /** When the price patch takes effect (epoch ms); undefined means now. */
  effectiveAt: number | undefined;
}

export interface NormProduct {
  id: string;
  path: string;
  title: string;
  description: string | null;
  brand: string | null;
  category: string | null;
  productType: string | null;
  link: string | null;
  imageLink: string | null;
  attributes: Record<string, unknown>;
  variants: NormVariant[];
  /** True when the input omitted `variants` and its single variant was made from the product. */
  implicitVariant: boolean;
}

/** `joinPath('products[2]', 'price')` → `products[2].price`; a root path ('') yields the key. */
export function joinPath(base: string, key: string): string {
  if (!base) return key;
  return key.startsWith('[') ? base + key : `${base}.${key}`;
}

export function emptyToNull(s: string | null | undefined): string | null {
  return s === undefined || s === null || s === '' ? null : s;
}

function cents(v: number, field: string): number {
  const c = decimalToCents(v);
  if (c === undefined) throw invalid(field, 'must be a non-negative amount with at most 2 decimal places');
  return c;
}

function nullableCents(v: number | null | undefined, field: string): number | null | undefined {
  return v === undefined || v === null ? v : cents(v, field);
}

function safeAttributes(a: Record<string, unknown> | undefined, field: string): Record<string, unknown> {
  if (!a) return {};
  for (const k of Object.keys(a)) if (!isSafeKey(k)) throw invalid(`${field}.${k}`, 'is not an allowed attribute name');
  return a;
}

/** Price fields a variant may take from its product when it omits them. */
type PriceFields = Pick<VariantInput, 'price' | 'salePrice' | 'cost' | 'currency' | 'availability' | 'effectiveAt'>;

function normalizeVariant(v: VariantInput, inherit: PriceFields, path: string): NormVariant {
  const pick = <K extends keyof PriceFields>(k: K): PriceFields[K] => (v[k] !== undefined ? v[k] : inherit[k]);
  // Errors name the field where the offending value was written.
  const where = (k: keyof PriceFields) => (v[k] !== undefined ? joinPath(path, k) : joinPath(path.replace(/\.variants\[\d+\]$|^variants\[\d+\]$/, ''), k));
  const priceIn = pick('price');
  const price: PricePatch = {};
  if (priceIn !== undefined) price.priceCents = cents(priceIn, where('price'));
  const sale = nullableCents(pick('salePrice'), where('salePrice'));
  if (sale !== undefined) price.saleCents = sale;
  const cost = nullableCents(pick('cost'), where('cost'));
  if (cost !== undefined) price.costCents = cost;
  const cur = pick('currency');
  if (cur !== undefined) {
    const c = normalizeCurrency(cur);
    if (!c) throw invalid(where('currency'), 'must be an ISO 4217 code such as USD');
    price.currency = c;
  }
  if (price.priceCents !== undefined && typeof price.saleCents === 'number' && price.saleCents > price.priceCents) {
    throw invalid(where('salePrice'), 'must not exceed price');
  }
  const eff = pick('effectiveAt');
  let effectiveAt: number | undefined;
  if (eff !== undefined) {
    effectiveAt = parseTimestamp(eff);
    if (effectiveAt === undefined) throw invalid(where('effectiveAt'), 'must be an ISO-8601 timestamp');
  }
  return {
    id: v.id,
    path,
    title: emptyToNull(v.title),
    gtin: emptyToNull(v.gtin),
    mpn: emptyToNull(v.mpn),
    link: emptyToNull(v.link),
    imageLink: emptyToNull(v.imageLink),
    availability: pick('availability') ?? 'in_stock',
    color: emptyToNull(v.color),
    size: emptyToNull(v.size),
    condition: emptyToNull(v.condition),
    attributes: safeAttributes(v.attributes, joinPath(path, 'attributes')),
    price,
    effectiveAt,
  };
}

export function normalizeProduct(p: ProductInput, path: string): NormProduct {
  const inherit: PriceFields = {
    price: p.price, salePrice: p.salePrice, cost: p.cost, currency: p.currency, availability: p.availability, effectiveAt: p.effectiveAt,
  };
  const variants = p.variants
    ? p.variants.map((v, j) => normalizeVariant(v, inherit, joinPath(path, `variants[${j}]`)))
    : [normalizeVariant({ id: p.id, gtin: p.gtin, mpn: p.mpn }, inherit, path)];
  const seen = new Map<string, number>();
  variants.forEach((v, j) => {
    const first = seen.get(v.id);
    if (first !== undefined) throw invalid(joinPath(path, `variants[${j}].id`), `duplicates variants[${first}].id "${v.id}"`);
    seen.set(v.id, j);
  });
  return {
    id: p.id,
    path,
    title: p.title,
    description: emptyToNull(p.description),
    brand: emptyToNull(p.brand),
    category: emptyToNull(p.category),
    productType: emptyToNull(p.productType),
    link: emptyToNull(p.link),
    imageLink: emptyToNull(p.imageLink),
    attributes: safeAttributes(p.attributes, joinPath(path, 'attributes')),
    variants,
    implicitVariant: p.variants === undefined,
  };
}

/**
 * Normalizes a batch. Ids must be unique across the batch (a product twice, or a variant under
 * two products, would make the outcome depend on order).
 */
export function normalizeProducts(inputs: readonly ProductInput[], pathOf: (i: number) => string): NormProduct[] {
  const out = inputs.map((p, i) => normalizeProduct(p, pathOf(i)));
  const products = new Map<string, string>();
  const variants = new Map<string, string>();
  for (const p of out) {
    const prev = products.get(p.id);
    if (prev !== undefined) throw invalid(joinPath(p.path, 'id'), `duplicates ${joinPath(prev, 'id')} "${p.id}"`);
    products.set(p.id, p.path);
    for (const v of p.variants) {
      const pv = variants.get(v.id);
      if (pv !== undefined && pv !== p.path) throw invalid(joinPath(v.path, 'id'), `variant "${v.id}" also appears in ${pv || 'the body'}`);
      variants.set(v.id, p.path);
    }
  }
  return out;
}
