/**
 * Report snapshots through the module's interface on a real database (embedded, or Postgres in
 * the second run): stored bodies are served while young, asOf follows the (manual) clock,
 * concurrent requests share one computation, and two snapshot services on the same database (two
 * Braid processes) compute a key once between them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../core/index.ts';
import { openTestDb, type TestDb } from '../../testing/harness.ts';
import { createReportSnapshots, snapshotKey } from './index.ts';

const T0 = Date.parse('2026-06-10T15:00:00Z');
const clock = createManualClock(T0);
let t: TestDb;

beforeAll(async () => { t = await openTestDb(clock); });
afterAll(async () => { await t?.cleanup(); });

/** A computation that counts its calls and returns whatever `value` holds when it runs. */
function counter(value: { v: number }, gate?: Promise<void>) {
  const c = { calls: 0, compute: async () => { c.calls++; if (gate) await gate; return { v: value.v, x: 1 / 3, nested: { list: [0.1, 2e-17, -5] } }; } };
  return c;
}

describe('report snapshots', () => {
  it('normalizes keys: query sorted, fresh left out', () => {
    expect(snapshotKey('/v1/reports/workers/a/series?bucket=day&since=2026-01-01T00:00:00Z&fresh=true'))
      .toBe(snapshotKey('/v1/reports/workers/a/series?since=2026-01-01T00:00:00Z&bucket=day'));
    expect(snapshotKey('/v1/reports/overview?fresh=false')).toBe('/v1/reports/overview');
  });

  it('serves the stored body while young, recomputes when old or fresh, asOf from the clock', async () => {
    const snaps = createReportSnapshots({ db: t.db, clock, refreshMs: 300_000 });
    const value = { v: 1 };
    const c = counter(value);
    const first = await snaps.serve('k1', c.compute);
    expect(first).toEqual({ v: 1, x: 1 / 3, nested: { list: [0.1, 2e-17, -5] }, asOf: new Date(T0).toISOString() });
    value.v = 2;
    clock.advance(299_000);
    const served = await snaps.serve('k1', c.compute);
    expect(served).toEqual(first); // the snapshot, numbers exactly as computed
    expect(c.calls).toBe(1);
    const fresh = await snaps.serve('k1', c.compute, { fresh: true });
    expect(fresh).toEqual({ ...first, v: 2, asOf: new Date(T0 + 299_000).toISOString() });
    expect(c.calls).toBe(2);
    clock.advance(300_001);
    const later = await snaps.serve('k1', c.compute);
    expect(later.asOf).toBe(new Date(T0 + 599_001).toISOString());
    expect(c.calls).toBe(3);
  });

  it('shares one computation among concurrent requests', async () => {
    const snaps = createReportSnapshots({ db: t.db, clock, refreshMs: 300_000 });
    let open!: () => void;
    const c = counter({ v: 7 }, new Promise((r) => { open = r; }));
    const all = Promise.all([snaps.serve('k2', c.compute), snaps.serve('k2', c.compute), snaps.serve('k2', c.compute)]);
    await new Promise((r) => setTimeout(r, 50));
    open();
    const bodies = await all;
    expect(c.calls).toBe(1);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
  });

  it('a second process on the same database reads the first one\'s snapshot and waits for its computation', async () => {
    const a = createReportSnapshots({ db: t.db, clock, refreshMs: 300_000 });
    const b = createReportSnapshots({ db: t.db, clock, refreshMs: 300_000 });
    let open!: () => void;
    const ca = counter({ v: 3 }, new Promise((r) => { open = r; }));
    const cb = counter({ v: 4 });
    const fromA = a.serve('k3', ca.compute);
    // Until a holds the lease (and computes, held at the gate).
    for (let i = 0; i < 200 && ca.calls === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await t.db.query<{ lease_owner: string | null }>(`select lease_owner from report_snapshots where key = 'k3'`)).rows[0]?.lease_owner).toMatch(/^proc_/);
    const fromB = b.serve('k3', cb.compute);
    await new Promise((r) => setTimeout(r, 150));
    open();
    expect(await fromB).toEqual(await fromA);
    expect(ca.calls + cb.calls).toBe(1);
    clock.advance(10_000);
    expect(await b.serve('k3', cb.compute)).toEqual(await fromA); // stored by a, served by b
    expect(cb.calls).toBe(0);
  });

  it('the refresher recomputes the keys served before they grow old', async () => {
    const snaps = createReportSnapshots({ db: t.db, clock, refreshMs: 300_000 });
    const value = { v: 1 };
    const c = counter(value);
    await snaps.serve('k4', c.compute);
    clock.advance(100_000);
    expect(await snaps.refreshStale()).toBe(0); // still young
    clock.advance(130_000); // past 3/4 of the interval
    value.v = 5;
    expect(await snaps.refreshStale()).toBe(1);
    expect(await snaps.serve('k4', c.compute)).toMatchObject({ v: 5, asOf: new Date(clock.now()).toISOString() });
    expect(c.calls).toBe(2);
  });

  it('stores nothing for a report that fails, and computes it again next time', async () => {
    const snaps = createReportSnapshots({ db: t.db, clock, refreshMs: 300_000 });
    await expect(snaps.serve('k6', async () => { throw new Error('no such worker'); })).rejects.toThrow('no such worker');
    expect((await t.db.query(`select key from report_snapshots where key = 'k6'`)).rows).toEqual([]);
    expect(await snaps.refreshStale()).toBe(0); // not remembered for the refresher either
    const c = counter({ v: 9 });
    expect((await snaps.serve('k6', c.compute)).v).toBe(9);
  });

    it('0 turns snapshots off: always live', async () => {
    const snaps = createReportSnapshots({ db: t.db, clock, refreshMs: 0 });
    const c = counter({ v: 1 });
    await snaps.serve('k5', c.compute);
    await snaps.serve('k5', c.compute);
    expect(c.calls).toBe(2);
  });
});
