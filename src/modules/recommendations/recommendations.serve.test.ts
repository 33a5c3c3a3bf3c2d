import { describe, expect, it } from 'vitest';
import { recommendFrom, rerankFrom, type CatalogView, type ItemFacts, type ShopperState } from './recommendations.serve.ts';
import { trainModel, type PurchaseRecord } from './recommendations.train.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);

// Campers buy a tent with stakes; gas is refilled every ~30 days; mugs and lamps sell on their own.
const purchases: PurchaseRecord[] = [];
let n = 0;
const buy = (user: string, day: number, ...items: string[]) => { const order = `o${n++}`; for (const item of items) purchases.push({ user, item, at: NOW - day * DAY, order, segment: user.startsWith('fr') ? 'FR' : 'UK' }); };
for (const u of ['u1', 'u2', 'u3', 'u4']) { buy(u, 100, 'tent', 'stakes', 'gas'); buy(u, 70, 'gas'); buy(u, 40, 'gas', 'mug'); }
buy('u5', 5, 'lamp'); buy('u6', 4, 'lamp'); buy('u7', 3, 'lamp', 'mug');
buy('fr1', 2, 'mug'); buy('fr2', 2, 'mug');
const model = trainModel({ purchases, views: [] }, { now: NOW, trending: { minSegmentUsers: 1 }, replenishment: { minRepeaters: 3 } });

const FACTS: Record<string, ItemFacts> = {
  tent: { price: 300, margin: 90, category: 'camping', brand: 'Alp', durable: true },
  stakes: { price: 20, margin: 8, category: 'camping', brand: 'Alp', durable: true },
  gas: { price: 8, margin: 3, category: 'camping', brand: 'Fuel', durable: false },
  mug: { price: 12, margin: 6, category: 'kitchen', brand: 'Alp', durable: true },
  lamp: { price: 40, margin: null, category: 'lighting', brand: 'Lux', durable: true },
};
const STOCK: Record<string, string[]> = { tent: ['web', 's1'], stakes: ['web'], gas: ['web', 's1'], mug: ['web', 's1'], lamp: ['web', 's1'] };
const catalog: CatalogView = {
  facts: (id) => FACTS[id],
  inStock: (id, store) => !!STOCK[id] && (store ? STOCK[id]!.includes(store) : STOCK[id]!.length > 0),
  browse: () => Object.keys(FACTS),
};
const camper = (): ShopperState => ({
  held: new Map([['tent', { count: 1, lastAt: NOW - 100 * DAY }], ['stakes', { count: 1, lastAt: NOW - 100 * DAY }], ['gas', { count: 3, lastAt: NOW - 30 * DAY }]]),
  orderCount: 3, lastOrder: { at: NOW - 30 * DAY, items: ['gas'] }, views: [], segment: 'UK',
});
const ids = (items: Array<{ productId: string }>) => items.map((i) => i.productId);

describe('recommendFrom: item-to-item and business rules', () => {
  it('recommends what is bought together with the context item, never the item itself', () => {
    const out = recommendFrom(model, catalog, undefined, { strategy: 'co_purchase', productIds: ['tent'], count: 2 }, NOW);
    expect(ids(out).slice(0, 2).sort()).toEqual(['gas', 'stakes']);
    expect(out[0]!.source).toBe('co_purchase');
    expect(out[0]!.reason).toContain('tent');
    expect(out.find((r) => r.productId === 'stakes')).toMatchObject({ price: 20, margin: 8 });
  });

  it('drops items out of stock at the named store, and excluded items', () => {
    const atStore = recommendFrom(model, catalog, undefined, { strategy: 'co_purchase', productIds: ['tent'], storeId: 's1', count: 5 }, NOW);
    expect(ids(atStore)).not.toContain('stakes');
    const excluded = recommendFrom(model, catalog, undefined, { strategy: 'co_purchase', productIds: ['tent'], exclude: ['gas'], count: 5 }, NOW);
    expect(ids(excluded)).not.toContain('gas');
  });

  it('puts pinned items first in the given order, skipping a pin that is out of stock', () => {
    const out = recommendFrom(model, catalog, undefined, { strategy: 'co_purchase', productIds: ['tent'], pinned: ['lamp', 'ghost', 'mug'], storeId: 's1', count: 3 }, NOW);
    expect(ids(out).slice(0, 2)).toEqual(['lamp', 'mug']);
    expect(out[0]!.source).toBe('pinned');
    expect(new Set(ids(out)).size).toBe(out.length);
    expect(out).toHaveLength(3);
  });
});

describe('recommendFrom: personal strategies and consent', () => {
  it('never re-recommends a durable good the shopper bought, but does suggest the refill they are due for', () => {
    const out = recommendFrom(model, catalog, camper(), { profileId: 'u1', strategy: 'replenishment', count: 3, personalized: true }, NOW);
    expect(out[0]).toMatchObject({ productId: 'gas', source: 'replenishment' });
    const auto = recommendFrom(model, catalog, camper(), { profileId: 'u1', count: 5, personalized: true }, NOW);
    expect(ids(auto)).not.toContain('tent');
    expect(ids(auto)).not.toContain('stakes');
  });

  it('uses no history without consent: non-personal answers only, owned goods not filtered', () => {
    const out = recommendFrom(model, catalog, camper(), { profileId: 'u1', strategy: 'user', count: 3, personalized: false, segment: 'UK' }, NOW);
    expect(out.every((r) => r.source === 'trending' || r.source === 'popular')).toBe(true);
    const replen = recommendFrom(model, catalog, camper(), { profileId: 'u1', strategy: 'replenishment', count: 2, personalized: false }, NOW);
    expect(replen.some((r) => r.source === 'replenishment')).toBe(false);
  });

  it('trends by segment', () => {
    const fr = recommendFrom(model, catalog, undefined, { strategy: 'trending', segment: 'FR', count: 1 }, NOW);
    expect(fr[0]).toMatchObject({ productId: 'mug', source: 'trending', reason: 'trending in FR' });
    const uk = recommendFrom(model, catalog, undefined, { strategy: 'trending', segment: 'UK', count: 1 }, NOW);
    expect(uk[0]!.productId).toBe('lamp');
  });

  it('offers a first-timer the starter kit of customers who came back', () => {
    const out = recommendFrom(model, catalog, { held: new Map(), orderCount: 0, views: [] }, { profileId: 'new', count: 3, personalized: true }, NOW);
    expect(out[0]!.source).toBe('starter_kit');
    expect(['tent', 'stakes', 'gas']).toContain(out[0]!.productId);
  });

  it('fills a short list from the catalog when the model knows nothing', () => {
    const empty = trainModel({ purchases: [], views: [] }, { now: NOW });
    const out = recommendFrom(empty, catalog, undefined, { count: 2 }, NOW);
    expect(out.map((r) => r.source)).toEqual(['catalog', 'catalog']);
    expect(out[0]!.productId).toBe('tent'); // the highest unit margin
  });
});

describe('rerankFrom', () => {
  it('keeps known items, sinks out-of-stock and owned durable ones, and drops unknown ids', () => {
    const out = rerankFrom(model, catalog, camper(), { profileId: 'u1', productIds: ['stakes', 'mug', 'ghost', 'tent', 'lamp'], storeId: 's1', personalized: true }, NOW);
    expect(ids(out)).not.toContain('ghost');
    expect(ids(out).slice(-2)).toEqual(['stakes', 'tent']); // stakes: not at s1; tent: already owned
    expect(out.at(-1)!.reason).toBe('already bought');
    expect(ids(out).slice(0, 2).sort()).toEqual(['lamp', 'mug']);
  });
});
