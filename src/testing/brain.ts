/**
 * Fixtures for decision-engine tests: a real catalog (in a test database) loaded into the real
 * in-memory cache, real offers, and a builder for engine inputs with a seeded random source.
 */
import type { Clock } from '../core/index.ts';
import { createCatalog, createCatalogCache, type CatalogCache, type ProductInput } from '../modules/catalog/index.ts';
import { createOffers, type OfferService } from '../modules/offers/index.ts';
import { createRng } from '../modules/stats/index.ts';
import { openTestDb, testDeps, type TestDb } from './harness.ts';

export interface BrainFixture { t: TestDb; cache: CatalogCache; offers: OfferService; close(): Promise<void> }

export async function openBrainFixture(opts: { products: ProductInput[]; stock?: Array<{ variantId: string; locationId: string; quantity: number }>; offers?: unknown[]; clock?: Clock }): Promise<BrainFixture> {
  const t = await openTestDb(opts.clock);
  const deps = testDeps(t.db, opts.clock);
  const catalog = createCatalog(deps);
  if (opts.stock?.length) await catalog.upsertLocations([...new Set(opts.stock.map((s) => s.locationId))].map((id) => ({ id, name: id, type: 'store' as const })));
  await catalog.upsertProducts(opts.products);
  if (opts.stock?.length) await catalog.setStock(opts.stock);
  const cache = createCatalogCache(catalog);
  await cache.ready();
  const offers = createOffers(deps);
  await offers.ready();
  for (const o of opts.offers ?? []) await offers.upsert(o);
  return { t, cache, offers, close: async () => { cache.stop(); await offers.stop(); await t.cleanup(); } };
}

/** Uniform [0, 1) draws from the stats module's seeded generator, for reproducible tests. */
export function seededRandom(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next();
}
