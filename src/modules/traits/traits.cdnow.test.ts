/**
 * CLV against the published CDNOW numbers (../shared/data/cdnow, see its SOURCE.md): the
 * BG/NBD fit within 1%, Gamma-Gamma within 2%, and Braid's own path from Order Completed events
 * to the (x, t_x, T, m) summary reproducing the published summary files exactly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { openTestDb, testDeps, type TestDb } from '../../testing/harness.ts';
import { SHARED_DATA_DIR } from '../../testing/test.config.ts';
import { createConsent } from '../consent/index.ts';
import { createEventLog } from '../events/index.ts';
import { createIdentity } from '../identity/index.ts';
import { createProfiles, type OrderRow } from '../profiles/index.ts';
import { fitBgNbd, fitGammaGamma, summarizePurchases } from './index.ts';
import { historyFromOrders, purchaseAmounts } from './traits.history.ts';

const DIR = join(SHARED_DATA_DIR, 'cdnow');
const present = existsSync(join(DIR, 'CDNOW_sample.txt')) && existsSync(join(DIR, 'cdnow_customers_summary.csv'));
if (!present) console.warn(`skipping CDNOW CLV tests: ${DIR} is absent (public data sets live in ../shared/data; see its README.md)`);

const csv = (file: string) => readFileSync(join(DIR, file), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',').map(Number));
/** 1997-09-30: the end of the 39-week calibration period (T is measured to this day). */
const CALIBRATION_END = Date.UTC(1997, 8, 30);
const within = (value: number, published: number, tolerance: number) => Math.abs(value / published - 1) <= tolerance;

describe.skipIf(!present)('CDNOW: published fits', () => {
  it('BG/NBD on cdnow_customers_summary.csv matches r = 0.2426, α = 4.4135, a = 0.7929, b = 2.4258 within 1%', () => {
    const rows = csv('cdnow_customers_summary.csv');
    expect(rows).toHaveLength(2357);
    const fit = fitBgNbd(rows.map(([, x, tx, T]) => ({ x: x!, tx: tx!, T: T! })));
    const published = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(within(fit[k], published[k], 0.01), `${k} = ${fit[k]}`).toBe(true);
  });

  it('Gamma-Gamma on the repeat customers of the _with_transactions file matches p = 6.25, q = 3.74, v = 15.45 within 2%', () => {
    const rows = csv('cdnow_customers_summary_with_transactions.csv').map(([, x, , , m]) => ({ x: x!, m: m! }));
    const repeaters = rows.filter((r) => r.x > 0);
    expect(repeaters).toHaveLength(946);
    const fit = fitGammaGamma(repeaters);
    const published = { p: 6.25, q: 3.74, v: 15.45 };
    for (const k of ['p', 'q', 'v'] as const) expect(within(fit[k], published[k], 0.02), `${k} = ${fit[k]}`).toBe(true);
  });
});

describe.skipIf(!present)('CDNOW: Order Completed events to summaries', () => {
  let t: TestDb;
  const summaries = new Map<number, ReturnType<typeof summarizePurchases>>();

  beforeAll(async () => {
    const clock = createManualClock(Date.UTC(1998, 6, 1));
    t = await openTestDb(clock);
    const deps = testDeps(t.db, clock);
    const events = createEventLog(deps);
    const consent = createConsent(deps);
    const profiles = createProfiles(deps, { events, identity: createIdentity(deps), consent });
    // CDNOW_sample.txt: master id, sample id (1..2357), YYYYMMDD, CDs, dollars; one line per order.
    const lines = readFileSync(join(DIR, 'CDNOW_sample.txt'), 'utf8').trim().split(/\r?\n/).map((l) => l.trim().split(/\s+/));
    const messages = lines.map(([, id, d, cds, dollars], i) => ({
      type: 'track', event: 'Order Completed', userId: `cdnow-${Number(id)}`, messageId: `cdnow-${i}`,
      timestamp: `${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)}T12:00:00.000Z`,
      properties: { order_id: `cdnow-${i}`, revenue: Number(dollars), products: [{ product_id: 'cd', quantity: Number(cds) }] },
    }));
    for (let i = 0; i < messages.length; i += 500) await events.ingest(messages.slice(i, i + 500));
    await profiles.projector.drain();
    const byProfile = new Map<string, OrderRow[]>();
    for (let after = 0; ;) {
      const page = await profiles.scanOrders(after, 5000);
      for (const o of page) byProfile.set(o.profileId, [...(byProfile.get(o.profileId) ?? []), o]);
      if (page.length < 5000) break;
      after = page[page.length - 1]!.seq;
    }
    for (const [profileId, orders] of byProfile) {
      const p = await profiles.get(profileId);
      summaries.set(Number(p!.userId!.slice('cdnow-'.length)), summarizePurchases(purchaseAmounts(historyFromOrders(orders)), CALIBRATION_END));
    }
  }, 300_000);
  afterAll(async () => { await t?.cleanup(); });

  // The files are rounded to 2 decimals.
  const close = (a: number, b: number) => Math.abs(a - b) <= 0.005 + 1e-9;

  it('reproduces cdnow_customers_summary.csv (frequency, recency, T in weeks) for all 2,357 customers', () => {
    const rows = csv('cdnow_customers_summary.csv');
    const bad = rows.filter(([id, x, tx, T]) => {
      const s = summaries.get(id!);
      return !s || s.x !== x || !close(s.tx, tx!) || !close(s.T, T!);
    });
    expect(summaries.size).toBe(2357);
    expect(bad.map((r) => r[0])).toEqual([]);
  });

  it('reproduces the mean repeat spend (zbar) of cdnow_customers_summary_with_transactions.csv', () => {
    const rows = csv('cdnow_customers_summary_with_transactions.csv');
    const bad = rows.filter(([id, x, , , zbar]) => { const s = summaries.get(id!); return !s || s.x !== x || !close(s.monetary, zbar!); });
    expect(bad.map((r) => r[0])).toEqual([]);
  });
});
