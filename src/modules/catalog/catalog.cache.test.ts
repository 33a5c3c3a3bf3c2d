import { afterEach, describe, expect, it } from 'vitest';
import { createCatalog, createCatalogCache } from './index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';

let t: TestDb | undefined;
afterEach(async () => { await t?.cleanup(); t = undefined; });

describe('catalog cache', () => {
  it('loads the catalog, follows changes, and answers stock per store', async () => {
    t = await openTestDb();
    const catalog = createCatalog(testDeps(t.db));
    await catalog.upsertLocations([{ id: 'store_a', name: 'A', type: 'store' }, { id: 'store_b', name: 'B', type: 'store' }]);
    await catalog.upsertProducts([
      { id: 'p1', title: 'Mug', variants: [{ id: 'v1', price: 10, cost: 4, currency: 'USD' }, { id: 'v2', price: 8, cost: 3, currency: 'USD' }] },
      { id: 'p2', title: 'Untracked', variants: [{ id: 'v3', price: 5, currency: 'USD', availability: 'in_stock' }] },
    ]);
    await catalog.setStock([{ variantId: 'v1', locationId: 'store_a', quantity: 3 }, { variantId: 'v2', locationId: 'store_b', quantity: 0 }]);
    const cache = createCatalogCache(catalog);
    await cache.ready();
    expect(cache.size()).toBe(2);
    expect(cache.get('p1')?.lead?.id).toBe('v1'); // v2 is cheaper but out of stock
    expect(cache.inStock('p1')).toBe(true);
    expect(cache.inStock('p1', 'store_a')).toBe(true);
    expect(cache.inStock('p1', 'store_b')).toBe(false);
    expect(cache.inStock('p2')).toBe(true);
    expect(cache.inStock('p2', 'store_a')).toBe(false); // no store can vouch for untracked stock

    const seen: string[][] = [];
    cache.onUpdate((ids) => seen.push(ids));
    await catalog.setStock([{ variantId: 'v1', locationId: 'store_a', quantity: 0 }]);
    await catalog.upsertProducts([{ id: 'p1', title: 'Mug', variants: [{ id: 'v1', price: 12, cost: 4, currency: 'USD' }] }]);
    await cache.refresh();
    expect(cache.inStock('p1')).toBe(false);
    expect(cache.variant('v1')?.price).toBe(12);
    expect(seen.flat()).toContain('p1');
    cache.stop();
  });
});
