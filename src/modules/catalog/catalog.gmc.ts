/**
 * Google Merchant Center product feeds (tab- or comma-separated, auto-detected) to catalog
 * products. No I/O.
 *
 * Contract:
 * - Header names are matched case-insensitively, with spaces or hyphens read as underscores and a
 *   `g:` prefix ignored ("Image Link", "g:image_link" → image_link). id, title and price are required.
 * - Rows sharing `item_group_id` are variants of one product whose id is the group id; its
 *   descriptive fields come from the group's first row (or first non-empty value). A row without
 *   one is a product with a single variant of the same id.
 * - A bad row is reported as {line, field, message} (line = where the row starts, header = 1) and
 *   skipped; every other row still imports.
 * - `sale_price` and `cost_of_goods_sold`: a column that is absent leaves stored values alone; an
 *   empty cell in a present column clears them (a sale that ended must end in Braid too).
 * - Unrecognized columns are kept, non-empty ones only, in the variant's `attributes`.
 */
import { isSafeKey } from '../../core/index.ts';
import { detectDelimiter, parseDelimited } from './catalog.csv.ts';
import { parseMoney } from './catalog.money.ts';
import { emptyToNull, type NormProduct, type NormVariant } from './catalog.normalize.ts';
import type { PricePatch } from './catalog.pricing.ts';
import { AVAILABILITY } from './catalog.schemas.ts';
import type { FeedError } from './catalog.types.ts';

export interface GmcParseResult {
  products: NormProduct[];
  /** Data rows read (excluding the header and blank lines). */
  rows: number;
  errors: FeedError[];
}

/** Columns with a home of their own; everything else goes to `attributes`. */
const KNOWN = new Set([
  'id', 'title', 'description', 'link', 'image_link', 'availability', 'price', 'sale_price', 'cost_of_goods_sold',
  'brand', 'gtin', 'mpn', 'google_product_category', 'product_type', 'item_group_id', 'color', 'size', 'condition',
]);
const REQUIRED = ['id', 'title', 'price'] as const;
const MAX_ID = 200;

export function normalizeHeader(name: string): string {
  return name.trim().toLowerCase().replace(/^g:/, '').replace(/[\s-]+/g, '_');
}

/** GMC writes "in stock" and "in_stock" alike. */
export function normalizeAvailability(v: string): string | undefined {
  const a = v.trim().toLowerCase().replace(/\s+/g, '_');
  return (AVAILABILITY as readonly string[]).includes(a) ? a : undefined;
}

interface Row { line: number; groupId: string | null; cells: Map<string, string>; variant: NormVariant }

export function parseGmcFeed(text: string): GmcParseResult {
  const errors: FeedError[] = [];
  const records = parseDelimited(text, detectDelimiter(text));
  const head = records[0];
  if (!head) return { products: [], rows: 0, errors: [{ line: 1, field: 'row', message: 'the feed is empty' }] };
  const header = head.fields.map(normalizeHeader);
  if (head.error) errors.push({ line: head.line, field: 'row', message: `header: ${head.error.message}` });
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (h === '') errors.push({ line: head.line, field: `column ${i + 1}`, message: 'header name is empty' });
    else if (seen.has(h)) errors.push({ line: head.line, field: h, message: 'column appears twice in the header' });
    seen.add(h);
  });
  for (const r of REQUIRED) if (!seen.has(r)) errors.push({ line: head.line, field: r, message: 'required column is missing from the header' });
  if (errors.length) return { products: [], rows: records.length - 1, errors };

  const rows: Row[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const rec of records.slice(1)) {
    if (rec.error) {
      errors.push({ line: rec.line, field: header[rec.error.column] ?? 'row', message: rec.error.message });
      continue;
    }
    const extra = rec.fields.slice(header.length);
    if (extra.some((f) => f.trim() !== '')) {
      errors.push({ line: rec.line, field: 'row', message: `has ${rec.fields.length} fields but the header has ${header.length}` });
      continue;
    }
    const cells = new Map<string, string>();
    header.forEach((h, i) => cells.set(h, (rec.fields[i] ?? '').trim()));
    const rowErrors: FeedError[] = [];
    const variant = readVariant(cells, rec.line, rowErrors);
    const id = cells.get('id')!;
    if (id) {
      const first = firstLineOfId.get(id);
      if (first !== undefined) rowErrors.push({ line: rec.line, field: 'id', message: `duplicate id "${id}" (first on line ${first})` });
    }
    if (rowErrors.length || !variant) { errors.push(...rowErrors); continue; }
    firstLineOfId.set(id, rec.line);
    rows.push({ line: rec.line, groupId: emptyToNull(cells.get('item_group_id')), cells, variant });
  }
  return { products: groupRows(rows), rows: records.length - 1, errors };
}

function readVariant(cells: Map<string, string>, line: number, errors: FeedError[]): NormVariant | undefined {
  const get = (k: string) => cells.get(k) ?? '';
  const fail = (field: string, message: string) => { errors.push({ line, field, message }); };
  const id = get('id');
  if (!id) fail('id', 'is required');
  else if (id.length > MAX_ID) fail('id', `is longer than ${MAX_ID} characters`);
  const groupId = get('item_group_id');
  if (groupId.length > MAX_ID) fail('item_group_id', `is longer than ${MAX_ID} characters`);
  if (!get('title')) fail('title', 'is required');

  const price: PricePatch = {};
  const p = parseMoney(get('price'));
  if (!p.ok) fail('price', get('price') ? p.message : 'is required');
  else { price.priceCents = p.cents; price.currency = p.currency; }
  for (const [col, key] of [['sale_price', 'saleCents'], ['cost_of_goods_sold', 'costCents']] as const) {
    if (!cells.has(col)) continue;
    const raw = get(col);
    if (raw === '') { price[key] = null; continue; }
    const m = parseMoney(raw);
    if (!m.ok) fail(col, m.message);
    else if (p.ok && m.currency !== p.currency) fail(col, `currency ${m.currency} differs from the price's ${p.currency}`);
    else price[key] = m.cents;
  }
  if (typeof price.saleCents === 'number' && price.priceCents !== undefined && price.saleCents > price.priceCents) {
    fail('sale_price', 'must not exceed price');
  }
  const rawAvail = get('availability');
  const availability = rawAvail === '' ? 'in_stock' : normalizeAvailability(rawAvail);
  if (!availability) fail('availability', `"${rawAvail}" is not one of ${AVAILABILITY.join(', ')}`);
  if (errors.length || !availability) return undefined;

  const attributes: Record<string, unknown> = {};
  for (const [k, v] of cells) if (!KNOWN.has(k) && v !== '' && isSafeKey(k)) attributes[k] = v;
  return {
    id,
    path: `line ${line}`,
    title: get('title'),
    gtin: emptyToNull(get('gtin')),
    mpn: emptyToNull(get('mpn')),
    link: emptyToNull(get('link')),
    imageLink: emptyToNull(get('image_link')),
    availability,
    color: emptyToNull(get('color')),
    size: emptyToNull(get('size')),
    condition: emptyToNull(get('condition')),
    attributes,
    price,
    effectiveAt: undefined,
  };
}

function groupRows(rows: Row[]): NormProduct[] {
  const byProduct = new Map<string, Row[]>();
  for (const r of rows) {
    const key = r.groupId ?? r.variant.id;
    const list = byProduct.get(key);
    if (list) list.push(r);
    else byProduct.set(key, [r]);
  }
  const products: NormProduct[] = [];
  for (const [id, group] of byProduct) {
    const firstOf = (col: string) => emptyToNull(group.map((r) => r.cells.get(col) ?? '').find((v) => v !== ''));
    const first = group[0]!;
    products.push({
      id,
      path: `line ${first.line}`,
      title: first.cells.get('title')!,
      description: firstOf('description'),
      brand: firstOf('brand'),
      category: firstOf('google_product_category'),
      productType: firstOf('product_type'),
      link: emptyToNull(first.cells.get('link')),
      imageLink: emptyToNull(first.cells.get('image_link')),
      attributes: {},
      variants: group.map((r) => r.variant),
      implicitVariant: false,
    });
  }
  return products;
}
