/**
 * The demo catalog: three locations and a few hundred products across apparel, footwear, home,
 * beauty consumables and electronics accessories, with variants, prices, margins and stock.
 */
import {
  ADJECTIVES, BRANDS, COLORS, DEVICES, FEATURES, PACKS, SCENTS, SHOE_SIZES, SIZES, TEMPLATES, VOLUMES,
  type ProductTemplate,
} from './demo.catalog-data.ts';
import { cents, retailPrice, type Rng } from './demo.prng.ts';
import type { DemoCatalog, DemoLocation, DemoProduct, DemoStock, DemoVariant, ProductMeta } from './demo.types.ts';

export const DEMO_SHOP_URL = 'https://shop.example.com';
export const DEMO_CDN_URL = 'https://cdn.example.com';
export const DEMO_CURRENCY = 'USD';

export const DEMO_LOCATIONS: readonly DemoLocation[] = [
  { id: 'online', name: 'Online store', type: 'online', timezone: 'America/New_York' },
  { id: 'store-soho', name: 'SoHo Flagship, 112 Prince St, New York', type: 'store', timezone: 'America/New_York' },
  { id: 'store-wicker-park', name: 'Wicker Park, 1520 N Milwaukee Ave, Chicago', type: 'store', timezone: 'America/Chicago' },
];

interface VariantOption { label: string; attributes: Record<string, string>; priceFactor: number }

/** Splits `count` products across templates by weight (largest remainder), so totals are exact. */
function allocate(count: number): number[] {
  const total = TEMPLATES.reduce((s, t) => s + t.weight, 0);
  const exact = TEMPLATES.map((t) => (count * t.weight) / total);
  const out = exact.map(Math.floor);
  let left = count - out.reduce((s, n) => s + n, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) { if (left <= 0) break; out[i]!++; left--; }
  return out;
}

function distinct<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < k && pool.length > 0) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
  return out;
}

function run<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const n = Math.min(k, items.length);
  const start = rng.int(0, items.length - n);
  return items.slice(start, start + n);
}

function variantOptions(t: ProductTemplate, noun: string, rng: Rng, k: number): VariantOption[] {
  const flat = (attr: string, values: readonly string[]) => values.map((v) => ({ label: v, attributes: { [attr]: v }, priceFactor: 1 }));
  switch (t.axis) {
    case 'apparel': {
      const colors = distinct(rng, COLORS, k >= 3 && rng.chance(0.4) ? 2 : 1);
      const sizes = run(rng, SIZES.slice(1, 5), Math.ceil(k / colors.length));
      const combos = colors.flatMap((color) => sizes.map((size) => ({ label: `${color} / ${size}`, attributes: { color, size }, priceFactor: 1 })));
      return combos.slice(0, k);
    }
    case 'shoe': {
      const color = rng.pick(COLORS.slice(0, 6));
      return run(rng, SHOE_SIZES, k).map((size) => ({ label: `${color} / ${size}`, attributes: { color, size }, priceFactor: 1 }));
    }
    case 'color': return flat('color', distinct(rng, COLORS, k));
    case 'scent': return flat('scent', distinct(rng, SCENTS, k));
    case 'device': {
      const devices = /Laptop|Organizer/.test(noun) ? DEVICES.slice(4) : DEVICES.slice(0, 4);
      return flat('device', distinct(rng, devices, k));
    }
    case 'volume': return run(rng, VOLUMES, k).map(([size, f]) => ({ label: size, attributes: { size }, priceFactor: f }));
    case 'pack': return run(rng, PACKS, k).map(([pack, f]) => ({ label: pack, attributes: { pack }, priceFactor: f }));
  }
}

/** GTIN-13 in the 20–29 "restricted circulation" prefix range, so it can never clash with a real product. */
export function demoGtin(n: number): string {
  const body = '20' + String(n).padStart(10, '0');
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}

function slug(s: string): string {
  return s.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function makeProduct(rng: Rng, t: ProductTemplate, index: number, gtinStart: number, priceSince: string): DemoProduct {
  const id = `P${10001 + index}`;
  const noun = rng.pick(t.nouns);
  const brand = rng.pick(BRANDS[t.department]);
  // "Daily Daily Moisturizer" reads like a bug: never repeat a word of the noun.
  const adjectives = ADJECTIVES[t.department].filter((a) => !noun.includes(a));
  const adjective = rng.pick(adjectives.length > 0 ? adjectives : ADJECTIVES[t.department]);
  const maxVariants = t.axis === 'volume' ? 3 : t.axis === 'pack' ? 2 : 4;
  const options = variantOptions(t, noun, rng, rng.int(1, maxVariants));
  // A product sold in one colour carries it in its title, as most storefronts do.
  const onlyColor = options.length > 0 && options.every((o) => o.attributes.color === options[0]!.attributes.color) ? options[0]!.attributes.color : undefined;
  const title = `${brand} ${adjective} ${noun}${onlyColor && t.axis === 'color' && options.length === 1 ? ` – ${onlyColor}` : ''}`;
  const base = rng.float(t.price[0], t.price[1]);
  const margin = rng.float(0.3, 0.7);
  const onSale = rng.chance(0.2);
  const saleFactor = rng.float(0.7, 0.85);
  const variants: DemoVariant[] = options.map((o, i) => {
    const price = retailPrice(base * o.priceFactor, rng);
    const cost = cents(price * (1 - margin));
    const { color, size, ...rest } = o.attributes;
    const variant: DemoVariant = {
      id: `${id}-${o.label.toUpperCase().replace(/[^A-Z0-9]+/g, '')}`,
      price,
      cost,
      currency: DEMO_CURRENCY,
      gtin: demoGtin(gtinStart + i),
      ...(color !== undefined ? { color } : {}),
      ...(size !== undefined ? { size } : {}),
      ...(Object.keys(rest).length > 0 ? { attributes: rest } : {}),
      effectiveAt: priceSince,
    };
    const sale = retailPrice(price * saleFactor, rng);
    // A markdown never goes below cost + 10%: the demo should show margin pressure, not losses.
    if (onSale && sale < price && sale >= cost * 1.1) variant.salePrice = sale;
    return variant;
  });
  const feature = rng.pick(FEATURES[t.department]);
  const path = `${slug(title)}-${id.toLowerCase()}`;
  return {
    id,
    title,
    brand,
    category: t.category,
    productType: t.productType,
    description: `The ${adjective.toLowerCase()} ${noun.toLowerCase()} from ${brand}. ${feature}`,
    link: `${DEMO_SHOP_URL}/products/${path}`,
    imageLink: `${DEMO_CDN_URL}/images/products/${id.toLowerCase()}.jpg`,
    ...(t.replenishDays ? { attributes: { replenishment_days: t.replenishDays } } : {}),
    variants,
  };
}

function stockFor(rng: Rng, products: DemoProduct[]): DemoStock[] {
  const stock: DemoStock[] = [];
  for (const p of products) {
    // Some lines are web exclusives, and some sell out: the engine must not recommend those.
    const webOnly = rng.chance(0.1);
    for (const v of p.variants) {
      for (const loc of DEMO_LOCATIONS) {
        let quantity: number;
        if (loc.type === 'online') quantity = rng.chance(0.08) ? 0 : rng.int(5, 250);
        else quantity = webOnly || rng.chance(0.22) ? 0 : rng.int(1, 40);
        stock.push({ variantId: v.id, locationId: loc.id, quantity });
      }
    }
  }
  return stock;
}

export function generateCatalog(rng: Rng, count: number, priceSince: string): DemoCatalog {
  const products: DemoProduct[] = [];
  const meta: ProductMeta[] = [];
  const counts = allocate(count);
  let gtin = 1;
  TEMPLATES.forEach((t, ti) => {
    for (let i = 0; i < counts[ti]!; i++) {
      const p = makeProduct(rng, t, products.length, gtin, priceSince);
      gtin += p.variants.length;
      products.push(p);
      meta.push({ department: t.department, ...(t.replenishDays ? { replenishDays: t.replenishDays } : {}), popularity: 0 });
    }
  });
  // Zipf-like popularity: a few bestsellers per department and a long tail, in a seeded order.
  const ranks = new Map<string, number>();
  const order = products.map((_, i) => i).sort((a, b) => a - b);
  for (let i = order.length - 1; i > 0; i--) { const j = rng.int(0, i); [order[i], order[j]] = [order[j]!, order[i]!]; }
  for (const i of order) {
    const dept = meta[i]!.department;
    const r = (ranks.get(dept) ?? 0) + 1;
    ranks.set(dept, r);
    meta[i]!.popularity = 1 / Math.pow(r, 0.9);
  }
  return { locations: DEMO_LOCATIONS.map((l) => ({ ...l })), products, stock: stockFor(rng, products), meta };
}
