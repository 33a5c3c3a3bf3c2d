import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBraid, type Braid } from '../../app/app.ts';
import { createManualClock, parseConfig } from '../../core/index.ts';
import { openTestDb, type TestDb } from '../../testing/harness.ts';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const clock = createManualClock(T0);
const auth = { authorization: 'Bearer ak_test_123' };
let t: TestDb;
let app: Braid;

beforeAll(async () => {
  t = await openTestDb(clock);
  app = await createBraid({ config: parseConfig({}, { demo: false, logLevel: 'silent' }), keys: { writeKey: 'wk_test_123', adminKey: 'ak_test_123' }, db: t.db, clock });
});
afterAll(async () => { await app.close(); await t.cleanup(); });

const inject = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = auth) =>
  app.http.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as string }) });

describe('auth and validation', () => {
  it('refuses every catalog route without the admin key, or with the write key', async () => {
    for (const [method, url] of [['GET', '/v1/catalog/products'], ['POST', '/v1/catalog/products'], ['PUT', '/v1/catalog/inventory'], ['POST', '/v1/catalog/feeds/gmc'], ['GET', '/v1/catalog/locations']] as const) {
      const res = await inject(method, url, undefined, {});
      expect(res.statusCode, url).toBe(401);
    }
    const res = await inject('GET', '/v1/catalog/products', undefined, { authorization: 'Bearer wk_test_123' });
    expect(res.statusCode).toBe(401);
  });

  it('names the offending field of a single product or a batch', async () => {
    const cases: Array<[unknown, string]> = [
      [{ id: 'p', title: 'x', price: 'cheap' }, 'price'],
      [{ id: 'p', price: 1 }, 'title'],
      [{ id: 'p', title: 'x', sale_price: 1 }, 'sale_price'],
      [{ id: 'p', title: 'x', price: 1.234, currency: 'USD' }, 'price'],
      [{ id: 'p', title: 'x', price: 1 }, 'currency'],
      [{ products: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B', variants: [{ id: 'b1', availability: 'soon' }] }] }, 'products[1].variants[0].availability'],
      [{ products: [{ id: 'a', title: 'A', price: 1, currency: 'USD' }, { id: 'b', title: 'B', price: -1 }] }, 'products[1].price'],
      [{ products: [] }, 'products'],
    ];
    for (const [body, field] of cases) {
      const res = await inject('POST', '/v1/catalog/products', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error, JSON.stringify(body)).toMatchObject({ code: 'invalid_request', field });
    }
    expect((await inject('GET', '/v1/catalog/products/a')).statusCode).toBe(404);
  });

  it('rejects a bad page size, cursor or time', async () => {
    expect((await inject('GET', '/v1/catalog/products?limit=abc')).json().error.field).toBe('limit');
    expect((await inject('GET', '/v1/catalog/products?limit=500')).json().error.field).toBe('limit');
    expect((await inject('GET', '/v1/catalog/products?cursor=zzz')).json().error.field).toBe('cursor');
  });
});

describe('products, prices and stock over HTTP', () => {
  it('upserts, reads with margin, versions prices and answers price-at', async () => {
    let res = await inject('POST', '/v1/catalog/products', { id: 'kettle', title: 'Kettle', price: 40, cost: 25, currency: 'GBP', attributes: { watts: 2000 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ created: 1, updated: 0, variantsCreated: 1, variantsUpdated: 0, priceVersions: 1 });
    clock.advance(3_600_000);
    res = await inject('POST', '/v1/catalog/products', { products: [{ id: 'kettle', title: 'Kettle', salePrice: 35, attributes: { watts: 2000 } }] });
    expect(res.json()).toMatchObject({ created: 0, updated: 1, priceVersions: 1 });

    res = await inject('GET', '/v1/catalog/products/kettle');
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({ id: 'kettle', attributes: { watts: 2000 } });
    expect(p.variants[0]).toMatchObject({ price: 40, salePrice: 35, cost: 25, effectivePrice: 35, margin: 10, currency: 'GBP', stock: [] });

    res = await inject('GET', `/v1/catalog/variants/kettle/price-at?at=${new Date(T0 + 60_000).toISOString()}`);
    expect(res.json()).toMatchObject({ variantId: 'kettle', price: 40, salePrice: null, margin: 15, validFrom: new Date(T0).toISOString() });
    expect((await inject('GET', '/v1/catalog/variants/kettle/price-at?at=2025-06-01T14:30:00+02:00')).json()).toMatchObject({ price: 40, salePrice: null });
    expect((await inject('GET', '/v1/catalog/variants/kettle/price-at?at=2000-01-01T00:00:00Z')).statusCode).toBe(404);
    expect((await inject('GET', '/v1/catalog/variants/kettle/price-at?at=noon')).json().error.field).toBe('at');
    expect((await inject('GET', '/v1/catalog/variants/kettle/price-at')).json().error.field).toBe('at');
    expect((await inject('GET', '/v1/catalog/variants/ghost/price-at?at=2025-01-01T00:00:00Z')).statusCode).toBe(404);
    res = await inject('GET', '/v1/catalog/variants/kettle/price-history');
    expect(res.json().items.map((v: { effectivePrice: number }) => v.effectivePrice)).toEqual([40, 35]);
  });

  it('manages locations and stock with all-or-nothing validation', async () => {
    let res = await inject('PUT', '/v1/catalog/locations', { locations: [{ id: 'online', name: 'Web', type: 'online' }, { id: 'ldn', name: 'London', type: 'store', timezone: 'Europe/London' }] });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(2);
    expect((await inject('PUT', '/v1/catalog/locations', { locations: [{ id: 'x', name: 'X', type: 'warehouse' }] })).json().error.field).toBe('locations[0].type');
    expect((await inject('GET', '/v1/catalog/locations')).json().items.map((l: { id: string }) => l.id)).toEqual(['ldn', 'online']);

    res = await inject('PUT', '/v1/catalog/inventory', { updates: [{ variantId: 'kettle', locationId: 'online', quantity: 3 }, { variantId: 'kettle', locationId: 'ldn', quantity: 4 }] });
    expect(res.json()).toEqual({ updated: 2 });
    res = await inject('PUT', '/v1/catalog/inventory', { updates: [{ variantId: 'kettle', locationId: 'online', quantity: 9 }, { variantId: 'kettle', locationId: 'paris', quantity: 1 }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ field: 'updates[1].locationId', message: expect.stringContaining('paris') });
    res = await inject('PUT', '/v1/catalog/inventory', { updates: [{ variantId: 'nope', locationId: 'online', quantity: 1 }] });
    expect(res.json().error.field).toBe('updates[0].variantId');
    expect((await inject('PUT', '/v1/catalog/inventory', { updates: [{ variantId: 'kettle', locationId: 'online', quantity: 1.5 }] })).json().error.field).toBe('updates[0].quantity');
    const v = (await inject('GET', '/v1/catalog/variants/kettle')).json();
    expect(v.stock.map((s: { locationId: string; quantity: number }) => [s.locationId, s.quantity])).toEqual([['ldn', 4], ['online', 3]]);
    expect(v.totalStock).toBe(7);
  });
});

describe('Merchant Center feeds over HTTP', () => {
  it('imports TSV with a variant group and a bad row', async () => {
    const tsv = 'id\ttitle\tprice\tsale_price\tcost_of_goods_sold\titem_group_id\tcolor\tavailability\tcustom_label_0\n'
      + 'sh-blu\tShoe blue\t80.00 EUR\t\t30.00 EUR\tshoe\tblue\tin stock\tsummer\n'
      + 'sh-red\tShoe red\t80.00 EUR\t60.00 EUR\t30.00 EUR\tshoe\tred\tin stock\t\n'
      + 'sh-bad\tShoe bad\t80.00\t\t\tshoe\tgreen\t\t\n';
    const res = await inject('POST', '/v1/catalog/feeds/gmc', tsv, { ...auth, 'content-type': 'text/tab-separated-values' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ created: 1, variantsCreated: 2, rows: 3, errorCount: 1, errors: [{ line: 4, field: 'price' }] });
    const p = (await inject('GET', '/v1/catalog/products/shoe')).json();
    expect(p.variants.map((v: { id: string; effectivePrice: number; margin: number; attributes: object }) => [v.id, v.effectivePrice, v.margin, v.attributes]))
      .toEqual([['sh-blu', 80, 50, { custom_label_0: 'summer' }], ['sh-red', 60, 30, {}]]);
  });

  it('imports CSV with quoted commas, quotes and line breaks whatever the Content-Type', async () => {
    const csv = 'id,title,description,price,brand\n'
      + '"bk-1","Book, vol. 1","The ""best""\nbook",12.50 USD,Penguin\n'
      + 'bk-2,Book 2,,9 USD,"Penguin, Ltd"\n'
      + 'bk-3,"unterminated,1 USD,x\n';
    const res = await inject('POST', '/v1/catalog/feeds/gmc', csv, { ...auth, 'content-type': 'application/json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ created: 2, errorCount: 1, errors: [{ line: 5, field: 'title', message: 'quoted field is never closed' }] });
    const p = (await inject('GET', '/v1/catalog/products/bk-1')).json();
    expect(p).toMatchObject({ title: 'Book, vol. 1', description: 'The "best"\nbook', brand: 'Penguin' });
    expect((await inject('GET', '/v1/catalog/products/bk-2')).json().brand).toBe('Penguin, Ltd');
  });

  it('reports a feed without required columns', async () => {
    const res = await inject('POST', '/v1/catalog/feeds/gmc', 'sku,name\n1,x\n', { ...auth, 'content-type': 'text/csv' });
    expect(res.json()).toMatchObject({ created: 0, errors: [{ line: 1, field: 'id' }, { line: 1, field: 'title' }, { line: 1, field: 'price' }] });
  });
});

describe('paging and documentation', () => {
  it('pages through all products with cursors', async () => {
    await inject('POST', '/v1/catalog/products', { products: Array.from({ length: 30 }, (_, i) => ({ id: `item-${i}`, title: `Item ${i}`, price: 1 + i, currency: 'USD' })) });
    const expected = (await app.catalog.countProducts());
    const ids: string[] = [];
    let url = '/v1/catalog/products?limit=7';
    for (let i = 0; i < 50; i++) {
      const body = (await inject('GET', url)).json();
      ids.push(...body.items.map((p: { id: string }) => p.id));
      if (!body.nextCursor) break;
      url = `/v1/catalog/products?limit=7&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(ids).toHaveLength(expected);
    expect(new Set(ids).size).toBe(expected);
  });

  it('documents every catalog route in OpenAPI', async () => {
    const doc = (await app.http.inject({ method: 'GET', url: '/openapi.json' })).json();
    const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/v1/catalog'));
    expect(paths.sort()).toEqual([
      '/v1/catalog/feeds/gmc', '/v1/catalog/inventory', '/v1/catalog/locations', '/v1/catalog/products', '/v1/catalog/products/{id}',
      '/v1/catalog/variants/{id}', '/v1/catalog/variants/{id}/price-at', '/v1/catalog/variants/{id}/price-history',
    ]);
    expect(doc.paths['/v1/catalog/products'].post.tags).toEqual(['catalog']);
  });
});
