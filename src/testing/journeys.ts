/**
 * What the journey end-to-end tests (workers, governance, worker reports) share: Segment batches
 * stamped with the test's clock, waiting until Braid has applied them, and the one-boot store
 * whose cart-recovery placement must always say something.
 */
import { expect } from 'vitest';
import { parseConfig, type BrainConfig, type Clock, type Config } from '../core/index.ts';
import { startTestServer, type TestServer } from './server.ts';
import { startTestSmtp, type TestSmtp } from './smtp.ts';

/**
 * The journey tests' Braid: a test server on `clock` whose email goes to its own loopback SMTP
 * server, quiet hours off (`env` adds or overrides settings), with the boot store seeded.
 */
export async function startJourneyServer(opts: { clock: Clock; stock: number; env?: Record<string, string>; config?: Partial<Config>; brain?: Partial<BrainConfig> }): Promise<{ s: TestServer; smtp: TestSmtp }> {
  const smtp = await startTestSmtp();
  const env = parseConfig({ BRAID_SMTP_URL: smtp.url, BRAID_QUIET_HOURS: '0-0', ...opts.env });
  const s = await startTestServer({ clock: opts.clock, config: { muscle: env.muscle, ...opts.config }, ...(opts.brain ? { brain: opts.brain } : {}) });
  await seedBootStore(s, opts.stock);
  return { s, smtp };
}

/** POSTs messages to /v1/batch with the write key, each stamped with the clock's now unless it has a timestamp. */
export async function ingestAt(s: TestServer, clock: Clock, messages: unknown[]): Promise<void> {
  const res = await fetch(s.url + '/v1/batch', {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: s.basic },
    body: JSON.stringify({ batch: messages.map((m) => ({ timestamp: new Date(clock.now()).toISOString(), ...(m as object) })) }),
  });
  expect(res.status).toBe(200);
}

/** Resolves once the projection has applied everything ingested and the worker engine is idle. */
export async function settleJourneys(s: TestServer): Promise<void> {
  await s.braid.profiles.waitForProjection(10_000);
  await s.braid.workers.idle();
}

/**
 * A store with one product (`p_boot`, $120, cost $60, online stock `stock`), and the
 * `email_cart_recovery` placement set so the brain may not stay silent: content must always say something.
 */
export async function seedBootStore(s: TestServer, stock: number): Promise<void> {
  const { id: _id, ...placement } = (await s.api('GET', '/v1/placements')).body.items.find((p: { id: string }) => p.id === 'email_cart_recovery');
  expect((await s.api('PUT', '/v1/placements/email_cart_recovery', { ...placement, allowNone: false })).status).toBe(200);
  await s.braid.catalog.upsertLocations([{ id: 'online', name: 'Online', type: 'online' }]);
  await s.braid.catalog.upsertProducts([{ id: 'p_boot', title: 'Trail boot', price: 120, cost: 60, currency: 'USD', category: 'Shoes' }]);
  await s.braid.catalog.setStock([{ variantId: 'p_boot', locationId: 'online', quantity: stock }]);
  await s.braid.catalogCache.refresh();
}
