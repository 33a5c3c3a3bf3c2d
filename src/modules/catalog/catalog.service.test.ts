import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BraidError, createManualClock, createMetrics, parseConfig, type Db } from '../../core/index.ts';
import { openTestDb, type TestDb } from '../../testing/harness.ts';
import { createCatalog, type CatalogChange, type CatalogService } from './index.ts';

const T0 = Date.parse('2025-03-01T10:00:00Z');
const DAY = 86_400_000;
const clock = createManualClock(T0);
let t: TestDb;
let catalog: CatalogService;

beforeAll(async () => {
  t = await openTestDb(clock);
  catalog = createCatalog({
    db: t.db as Db, clock, log: pino({ level: 'silent' }) as FastifyBaseLogger, config: parseConfig({}, { demo: false }), metrics: createMetrics(),
  });
});
afterAll(async () => { await t.cleanup(); });

async function errorOf(p: Promise<unknown>): Promise<BraidError> {
  try { await p; } catch (e) { if (e instanceof BraidError) return e; throw e; }
  throw new Error('expected a BraidError');
}

describe('products and variants', () => {
  it('creates a product with a single implicit variant, with margin', async () => {
    const r = await catalog.upsertProducts([{ id: 'mug', title: 'Mug', brand: 'Acme', price: 12, cost: 4.5, currency: 'USD', gtin: '4006381333931' }]);
    expect(r).toEqual({ created: 1, updated: 0, variantsCreated: 1, variantsUpdated: 0, priceVersions: 1 });
    const p = await catalog.getProduct('mug');
    expect(p).toMatchObject({ id: 'mug', title: 'Mug', brand: 'Acme', description: null, attributes: {}, createdAt: new Date(T0).toISOString() });
    expect(p!.variants).toEqual([expect.objectContaining({
      id: 'mug', productId: 'mug', gtin: '4006381333931', price: 12, salePrice: null, cost: 4.5, currency: 'USD',
      effectivePrice: 12, margin: 7.5, marginRate: 0.625, availability: 'in_stock', stock: [], totalStock: 0,
      priceValidFrom: new Date(T0).toISOString(),
    })]);
    expect(await catalog.getVariant('mug')).toEqual(p!.variants[0]);
    expect(await catalog.getProduct('nope')).toBeUndefined();
    expect(await catalog.getVariant('nope')).toBeUndefined();
  });

  it('creates variants that inherit currency and prices, with attributes', async () => {
    await catalog.upsertProducts([{
      id: 'tee', title: 'Tee', currency: 'EUR', price: 20, cost: 7,
      variants: [{ id: 'tee-s', size: 'S', attributes: { fit: 'slim' } }, { id: 'tee-m', size: 'M', salePrice: 15 }],
    }]);
    const p = await catalog.getProduct('tee');
    expect(p!.variants.map((v) => [v.id, v.price, v.salePrice, v.effectivePrice, v.margin, v.currency, v.size])).toEqual([
      ['tee-m', 20, 15, 15, 8, 'EUR', 'M'],
      ['tee-s', 20, null, 20, 13, 'EUR', 'S'],
    ]);
    expect(p!.variants[1]!.attributes).toEqual({ fit: 'slim' });
  });

  it('refuses a variant-less upsert of a product that has other variants, instead of adding a phantom one', async () => {
    const e = await errorOf(catalog.upsertProducts([{ id: 'tee', title: 'Tee', price: 25 }]));
    expect(e.details.field).toBe('products[0].variants');
    expect(e.message).toContain('"tee-m", "tee-s"');
    expect((await catalog.getProduct('tee'))!.variants).toHaveLength(2);
  });

  it('refuses a new variant without a price or currency, naming the field, and writes nothing', async () => {
    const e = await errorOf(catalog.upsertProducts([{ id: 'ok', title: 'fine', price: 1, currency: 'USD' }, { id: 'x', title: 'X', price: 3 }]));
    expect(e.code).toBe('invalid_request');
    expect(e.details.field).toBe('products[1].currency');
    expect(await catalog.getProduct('ok')).toBeUndefined();
    const e2 = await errorOf(catalog.upsertProducts([{ id: 'y', title: 'Y', currency: 'USD', variants: [{ id: 'y1' }] }]));
    expect(e2.details.field).toBe('products[0].variants[0].price');
  });

  it('replaces descriptive fields and patches prices', async () => {
    clock.advance(1000);
    await catalog.upsertProducts([{ id: 'mug', title: 'Big mug', price: 12 }]);
    const p = await catalog.getProduct('mug');
    expect(p).toMatchObject({ title: 'Big mug', brand: null });
    expect(p!.variants[0]).toMatchObject({ price: 12, cost: 4.5, currency: 'USD', gtin: null });
    expect(await catalog.priceHistory('mug')).toHaveLength(1);
  });
});

describe('price versioning', () => {
  it('appends a version per change and none for identical values; price-at answers for any time', async () => {
    const t1 = T0 + DAY;
    clock.set(t1);
    await catalog.upsertProducts([{ id: 'lamp', title: 'Lamp', price: 50, cost: 20, currency: 'USD' }]);
    clock.set(t1 + DAY);
    let r = await catalog.upsertProducts([{ id: 'lamp', title: 'Lamp', price: 50, cost: 20, currency: 'USD' }]);
    expect(r.priceVersions).toBe(0);
    clock.set(t1 + 2 * DAY);
    r = await catalog.upsertProducts([{ id: 'lamp', title: 'Lamp', salePrice: 40 }]);
    expect(r.priceVersions).toBe(1);
    clock.set(t1 + 3 * DAY);
    await catalog.upsertProducts([{ id: 'lamp', title: 'Lamp', cost: 22, salePrice: null }]);

    const hist = await catalog.priceHistory('lamp');
    expect(hist.map((h) => [h.validFrom, h.price, h.salePrice, h.cost, h.margin])).toEqual([
      [new Date(t1).toISOString(), 50, null, 20, 30],
      [new Date(t1 + 2 * DAY).toISOString(), 50, 40, 20, 20],
      [new Date(t1 + 3 * DAY).toISOString(), 50, null, 22, 28],
    ]);
    expect(await catalog.priceAt('lamp', t1 - 1)).toBeUndefined();
    expect(await catalog.priceAt('lamp', t1 + 2 * DAY + 5)).toMatchObject({ effectivePrice: 40, margin: 20, marginRate: 0.5 });
    expect(await catalog.priceAt('lamp', t1 + 10 * DAY)).toMatchObject({ price: 50, cost: 22, margin: 28 });
    expect((await catalog.getVariant('lamp'))!.margin).toBe(28);
  });

  it('slots a backdated change into history and keeps a scheduled one out of today', async () => {
    const now = clock.now();
    await catalog.upsertProducts([{ id: 'lamp', title: 'Lamp', price: 45, effectiveAt: new Date(now + 7 * DAY).toISOString() }]);
    expect((await catalog.getVariant('lamp'))!.price).toBe(50);
    expect(await catalog.priceAt('lamp', now + 8 * DAY)).toMatchObject({ price: 45, cost: 22 });
    const back = Date.parse((await catalog.priceHistory('lamp'))[0]!.validFrom) + 1000;
    await catalog.upsertProducts([{ id: 'lamp', title: 'Lamp', cost: 19, effectiveAt: new Date(back).toISOString() }]);
    expect(await catalog.priceAt('lamp', back)).toMatchObject({ price: 50, cost: 19 });
    expect(await catalog.priceAt('lamp', now)).toMatchObject({ cost: 22 });
  });

  it('refuses a future first price and a backdated patch before any price', async () => {
    const future = new Date(clock.now() + DAY).toISOString();
    expect((await errorOf(catalog.upsertProducts([{ id: 'new', title: 'N', price: 1, currency: 'USD', effectiveAt: future }]))).details.field)
      .toBe('products[0].effectiveAt');
    expect((await errorOf(catalog.upsertProducts([{ id: 'lamp', title: 'Lamp', cost: 1, effectiveAt: '2000-01-01T00:00:00Z' }]))).details.field)
      .toBe('products[0].price');
  });

  it('reports an unknown variant as not found', async () => {
    expect((await errorOf(catalog.priceAt('ghost', T0))).code).toBe('not_found');
    expect((await errorOf(catalog.priceHistory('ghost'))).code).toBe('not_found');
  });
});

describe('locations and stock', () => {
  it('upserts and lists locations, validating time zones', async () => {
    const locs = await catalog.upsertLocations([
      { id: 'web', name: 'Web shop', type: 'online' },
      { id: 'paris', name: 'Paris Rivoli', type: 'store', timezone: 'Europe/Paris', address: '1 rue de Rivoli' },
    ]);
    expect(locs.map((l) => l.id)).toEqual(['paris', 'web']);
    expect(await catalog.listLocations()).toEqual(locs);
    expect((await errorOf(catalog.upsertLocations([{ id: 'x', name: 'X', type: 'store', timezone: 'Mars/Base' }]))).details.field).toBe('locations[0].timezone');
  });

  it('sets stock per location; the last update for a pair wins', async () => {
    const r = await catalog.setStock([
      { variantId: 'tee-s', locationId: 'web', quantity: 5 },
      { variantId: 'tee-s', locationId: 'paris', quantity: -1 },
      { variantId: 'tee-s', locationId: 'web', quantity: 7 },
    ]);
    expect(r).toEqual({ updated: 2 });
    const v = await catalog.getVariant('tee-s');
    expect(v!.stock.map((s) => [s.locationId, s.quantity])).toEqual([['paris', -1], ['web', 7]]);
    expect(v!.totalStock).toBe(7);
  });

  it('is all-or-nothing and names the bad index', async () => {
    let e = await errorOf(catalog.setStock([{ variantId: 'tee-m', locationId: 'web', quantity: 1 }, { variantId: 'ghost', locationId: 'web', quantity: 1 }]));
    expect(e.details.field).toBe('updates[1].variantId');
    e = await errorOf(catalog.setStock([{ variantId: 'tee-m', locationId: 'moon', quantity: 1 }]));
    expect(e.details.field).toBe('updates[0].locationId');
    expect((await catalog.getVariant('tee-m'))!.stock).toEqual([]);
  });
});

describe('paging, counting, feeds and change notices', () => {
  it('pages through every product exactly once with opaque cursors', async () => {
    await catalog.upsertProducts(Array.from({ length: 23 }, (_, i) => ({ id: `pg-${String(i).padStart(2, '0')}`, title: `P${i}`, price: 1, currency: 'USD' })));
    const total = await catalog.countProducts();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await catalog.listProducts({ limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((p) => p.id));
      expect(page.items.every((p) => p.variants.length > 0)).toBe(true);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(total);
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(total);
    expect((await errorOf(catalog.listProducts({ cursor: 'garbage!' }))).details.field).toBe('cursor');
    expect((await errorOf(catalog.listProducts({ limit: 0 }))).details.field).toBe('limit');
  });

  it('imports a feed, re-imports it idempotently and announces changes', async () => {
    const changes: CatalogChange[] = [];
    const off = catalog.onChange((c) => changes.push(c));
    const feed = 'id\ttitle\tprice\tcost_of_goods_sold\titem_group_id\tsize\n'
      + 'sock-s\tSock S\t5.00 USD\t1.00 USD\tsock\tS\nsock-m\tSock M\t5.00 USD\t1.00 USD\tsock\tM\nbad\tBad\tfree\t\t\t\n';
    const r1 = await catalog.importGmcFeed(feed);
    expect(r1).toMatchObject({ created: 1, updated: 0, variantsCreated: 2, priceVersions: 2, rows: 3, errorCount: 1 });
    expect(r1.errors).toEqual([{ line: 4, field: 'price', message: expect.any(String) }]);
    const r2 = await catalog.importGmcFeed(feed);
    expect(r2).toMatchObject({ created: 0, updated: 1, variantsUpdated: 2, priceVersions: 0 });
    expect((await catalog.getProduct('sock'))!.variants.map((v) => [v.id, v.size, v.margin])).toEqual([['sock-m', 'M', 4], ['sock-s', 'S', 4]]);
    off();
    expect(changes).toHaveLength(2);
    expect(changes[0]).toEqual({ productIds: ['sock'], variantIds: ['sock-s', 'sock-m'], locationIds: [] });
  });
});
