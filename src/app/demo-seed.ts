/**
 * First start with BRAID_DEMO on: fill an empty instance with the deterministic demo store (three
 * locations, a few hundred products with stock, a few thousand shoppers' six months of events),
 * so there is something to look at. Never touches an instance that has a catalog or any event.
 */
import { BraidError, type Queryable } from '../core/index.ts';
import { USER_ROLES } from '../modules/access/index.ts';
import { batchMessages, generateDemoStore, type DemoStore } from '../modules/demo/index.ts';
import type { Braid } from './app.ts';

/** Fixed, so every fresh demo instance tells the same story (relative to its start time). */
export const DEMO_SEED = 20_240_601;
export const DEMO_SHOPPERS = 3000;
export const DEMO_PRODUCTS = 300;

/** Ingest requests in flight at once: the event log group-commits concurrent requests. */
const INGEST_CONCURRENCY = 4;

export interface DemoSeedResult { locations: number; products: number; variants: number; shoppers: number; events: number; offers: number }

/** The demo store's offer menu: every kind the governance policy bounds, with budgets. */
export const DEMO_OFFERS = [
  { id: 'welcome10', name: '10% off your first order', kind: 'percent_off', value: 10, eligibility: { customer: 'new', value: 'any' }, dailyBudget: 500, cooldownDays: 7 },
  { id: 'loyal15', name: '15% off for returning shoppers', kind: 'percent_off', value: 15, eligibility: { customer: 'returning', value: 'low' }, dailyBudget: 300, cooldownDays: 14 },
  { id: 'save5', name: '$5 off $50', kind: 'amount_off', value: 5, minBasket: 50, dailyBudget: 200, cooldownDays: 7 },
  { id: 'freeship', name: 'Free shipping', kind: 'free_shipping', value: 0, stackable: true, dailyBudget: 400, cooldownDays: 3 },
  { id: 'points500', name: '500 bonus loyalty points', kind: 'loyalty_points', value: 500, stackable: true, eligibility: { customer: 'returning', value: 'any' }, cooldownDays: 14 },
] as const;

/** Sign-in accounts of the demo store, one per role, all with DEMO_PASSWORD (printed at start in demo mode). */
export const DEMO_PASSWORD = 'braid-demo';
export const DEMO_USERS = USER_ROLES.map((role) => ({ email: `${role}@braid.example`, name: `Demo ${role}`, role }));

/**
 * Creates the demo users when the instance has no user at all (a fresh demo, or a demo database
 * from before users existed); an instance with any user (BRAID_ADMIN_EMAIL, real ones) is left alone.
 * Returns how many were created.
 */
export async function seedDemoUsers(braid: Braid): Promise<number> {
  if ((await braid.access.listUsers()).length > 0) return 0;
  let created = 0;
  for (const u of DEMO_USERS) {
    try {
      await braid.access.createUser({ ...u, password: DEMO_PASSWORD }, 'system');
      created++;
    } catch (e) {
      if (!(e instanceof BraidError && e.code === 'conflict')) throw e; // another process seeded it
    }
  }
  return created;
}

async function isEmpty(braid: Braid, q: Queryable): Promise<boolean> {
  if ((await braid.catalog.countProducts()) > 0) return false;
  const r = await q.query<{ any: boolean }>('select exists (select 1 from event_segments) as any');
  return !r.rows[0]?.any;
}

const inProcess = new WeakMap<Braid, Promise<DemoSeedResult | undefined>>();

/** `shoppers` shrinks the store for tests that need a real demo store but not all of it. */
export async function seedDemoIfEmpty(braid: Braid, opts: { shoppers?: number } = {}): Promise<Record<string, number> | undefined> {
  const running = inProcess.get(braid);
  if (running) { await running; return undefined; }
  const p = seedGuarded(braid, opts.shoppers ?? DEMO_SHOPPERS);
  inProcess.set(braid, p);
  try { return (await p) as Record<string, number> | undefined; } finally { inProcess.delete(braid); }
}

async function seedGuarded(braid: Braid, shoppers: number): Promise<DemoSeedResult | undefined> {
  if (!(await isEmpty(braid, braid.db))) return undefined;
  if (braid.db.dialect === 'postgres') {
    // Two processes on one database: the advisory lock is held until this transaction ends, i.e.
    // for the whole seeding (which writes through the pool's other connections), and the loser
    // re-checks after the winner commits and finds the data.
    return braid.db.transaction(async (tx) => {
      await tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || ':demo'))`);
      if (!(await isEmpty(braid, tx))) return undefined;
      return seed(braid, shoppers);
    });
  }
  // Embedded PGlite: the data directory's pid lock already admits one process, and its single
  // session cannot hold a transaction open while the catalog and event log write (they would wait
  // on it forever); the in-process guard above covers concurrent calls.
  return seed(braid, shoppers);
}

async function seed(braid: Braid, shoppers: number): Promise<DemoSeedResult> {
  const store: DemoStore = generateDemoStore({ seed: DEMO_SEED, now: braid.clock.now(), shoppers, products: DEMO_PRODUCTS });
  await braid.catalog.upsertLocations(store.locations);
  for (let i = 0; i < store.products.length; i += 100) await braid.catalog.upsertProducts(store.products.slice(i, i + 100));
  for (let i = 0; i < store.stock.length; i += 5000) await braid.catalog.setStock(store.stock.slice(i, i + 5000));
  for (const o of DEMO_OFFERS) await braid.offers.upsert(o);

  let events = 0;
  let failure: unknown;
  const inFlight = new Set<Promise<void>>();
  for await (const batch of batchMessages(store.messages)) {
    if (failure) break;
    const p: Promise<void> = braid.events.ingest(batch).then(
      (r) => { events += r.accepted; },
      (e: unknown) => { failure ??= e; },
    ).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= INGEST_CONCURRENCY) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  return {
    locations: store.locations.length,
    products: store.products.length,
    variants: store.products.reduce((n, p) => n + p.variants.length, 0),
    shoppers,
    events,
    offers: DEMO_OFFERS.length,
  };
}
