import { describe, expect, it } from 'vitest';
import { normalizeAvailability, normalizeHeader, parseGmcFeed } from './catalog.gmc.ts';

const TSV = [
  'id\ttitle\tdescription\tlink\timage_link\tavailability\tprice\tsale_price\tcost_of_goods_sold\tbrand\tgtin\titem_group_id\tcolor\tsize\tgoogle_product_category\tproduct_type\tmaterial',
  'TS-R-M\tTee red M\tSoft tee\thttps://x/ts\thttps://x/ts.jpg\tin stock\t19.99 USD\t\t8.00 USD\tAcme\t0001\tTS\tred\tM\tApparel\tShirts > Tees\tcotton',
  'TS-R-L\tTee red L\t\thttps://x/ts-l\t\tout_of_stock\t19.99 USD\t15.00 USD\t8.00 USD\t\t0002\tTS\tred\tL\t\t\t',
  'MUG\tMug\tA mug\thttps://x/mug\t\t\t9.50 USD\t\t\tAcme\t\t\t\t\t\t\t',
  'BAD1\tBroken\t\t\t\tmaybe\t12 USD\t\t\t\t\t\t\t\t\t\t',
  'BAD2\tBroken\t\t\t\t\t12 USD\t13 USD\t2 EUR\t\t\t\t\t\t\t\t',
].join('\n');

describe('parseGmcFeed', () => {
  it('groups variants by item_group_id and keeps unknown columns as attributes', () => {
    const r = parseGmcFeed(TSV);
    expect(r.rows).toBe(5);
    expect(r.products.map((p) => p.id)).toEqual(['TS', 'MUG']);
    const ts = r.products[0]!;
    expect(ts).toMatchObject({ title: 'Tee red M', description: 'Soft tee', brand: 'Acme', category: 'Apparel', productType: 'Shirts > Tees', link: 'https://x/ts' });
    expect(ts.variants.map((v) => v.id)).toEqual(['TS-R-M', 'TS-R-L']);
    expect(ts.variants[0]).toMatchObject({
      title: 'Tee red M', availability: 'in_stock', color: 'red', size: 'M', gtin: '0001', attributes: { material: 'cotton' },
      price: { priceCents: 1999, currency: 'USD', saleCents: null, costCents: 800 },
    });
    expect(ts.variants[1]).toMatchObject({ availability: 'out_of_stock', attributes: {}, price: { priceCents: 1999, saleCents: 1500, costCents: 800 } });
    const mug = r.products[1]!;
    expect(mug.variants).toHaveLength(1);
    expect(mug.variants[0]).toMatchObject({ id: 'MUG', availability: 'in_stock', price: { priceCents: 950, saleCents: null, costCents: null } });
  });

  it('reports bad rows with line and column and keeps the rest', () => {
    const r = parseGmcFeed(TSV);
    expect(r.errors).toEqual([
      { line: 5, field: 'availability', message: expect.stringContaining('"maybe"') },
      { line: 6, field: 'cost_of_goods_sold', message: 'currency EUR differs from the price\'s USD' },
      { line: 6, field: 'sale_price', message: 'must not exceed price' },
    ]);
  });

  it('leaves sale price and cost untouched when their columns are absent', () => {
    const r = parseGmcFeed('id,title,price\nA,Thing,5 USD\n');
    expect(r.products[0]!.variants[0]!.price).toEqual({ priceCents: 500, currency: 'USD' });
  });

  it('reads CSV with quoted fields and reports the starting line of multi-line rows', () => {
    const csv = 'ID,Title,Description,Price,Image Link\n'
      + '"A1","Chair, oak","Solid ""oak""\nTwo lines",120.00 USD,https://x/a.jpg\n'
      + 'A2,Desk,,oops,\n'
      + 'A3,Lamp,"ok",30 USD,,extra\n'
      + ',Nameless,,1 USD,\n';
    const r = parseGmcFeed(csv);
    expect(r.products).toHaveLength(1);
    expect(r.products[0]).toMatchObject({ id: 'A1', title: 'Chair, oak', description: 'Solid "oak"\nTwo lines', imageLink: 'https://x/a.jpg' });
    expect(r.errors).toEqual([
      { line: 4, field: 'price', message: expect.stringContaining('oops') },
      { line: 5, field: 'row', message: 'has 6 fields but the header has 5' },
      { line: 6, field: 'id', message: 'is required' },
    ]);
  });

  it('reports duplicate ids, and missing required columns', () => {
    expect(parseGmcFeed('id,title,price\nA,x,1 USD\nA,y,2 USD').errors).toEqual([
      { line: 3, field: 'id', message: 'duplicate id "A" (first on line 2)' },
    ]);
    const r = parseGmcFeed('id,name\nA,x');
    expect(r.products).toEqual([]);
    expect(r.errors.map((e) => e.field)).toEqual(['title', 'price']);
    expect(parseGmcFeed('').errors).toEqual([{ line: 1, field: 'row', message: 'the feed is empty' }]);
  });

  it('maps a malformed quoted CSV field to its column name', () => {
    const r = parseGmcFeed('id,title,price\nA,"bad"x,1 USD\nB,ok,2 USD');
    expect(r.errors).toEqual([{ line: 2, field: 'title', message: 'unexpected text after a closing quote' }]);
    expect(r.products.map((p) => p.id)).toEqual(['B']);
  });

  it('normalizes header names and availability spellings', () => {
    expect(normalizeHeader(' g:Image Link ')).toBe('image_link');
    expect(normalizeHeader('Cost-Of-Goods-Sold')).toBe('cost_of_goods_sold');
    expect(normalizeAvailability('In Stock')).toBe('in_stock');
    expect(normalizeAvailability('preorder')).toBe('preorder');
    expect(normalizeAvailability('soon')).toBeUndefined();
  });
});
