import { generateCatalog } from './demo.catalog.ts';
import { createRng } from './demo.prng.ts';
import { HISTORY_DAYS, simulateShoppers } from './demo.shoppers.ts';
import type { DemoStore } from './demo.types.ts';

export interface DemoStoreOptions {
  seed: number;
  /** The end of the simulated history; everything happens in the ~180 days before it. */
  now: number | Date | string;
  shoppers?: number;
  products?: number;
}

/**
 * A deterministic demo store: the same seed and `now` give byte-identical output, so demos,
 * screenshots and tests are reproducible. Pure: no I/O, no wall clock.
 */
export function generateDemoStore(opts: DemoStoreOptions): DemoStore {
  const now = new Date(opts.now).getTime();
  if (!Number.isFinite(now)) throw new Error(`generateDemoStore: invalid now ${String(opts.now)}`);
  if (!Number.isInteger(opts.seed)) throw new Error('generateDemoStore: seed must be an integer');
  const shoppers = opts.shoppers ?? 3000;
  const productCount = opts.products ?? 300;
  if (productCount < 1 || shoppers < 0) throw new Error('generateDemoStore: need at least one product and no negative shopper count');
  const root = createRng(opts.seed);
  // Separate streams: changing the shopper count does not change the catalog, and vice versa.
  const priceSince = new Date(now - (HISTORY_DAYS + 1) * 86_400_000).toISOString();
  const catalog = generateCatalog(root.fork(1), productCount, priceSince);
  const messages = simulateShoppers(root.fork(2), catalog, { seed: opts.seed, now, shoppers });
  return { locations: catalog.locations, products: catalog.products, stock: catalog.stock, messages };
}
