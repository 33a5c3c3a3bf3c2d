/**
 * Journey counts kept by the database (migration 0131): whatever statements insert, move or
 * delete journeys, a worker's counts (per state, arm, and waiting step) equal counting its
 * journeys, before and after the deltas are folded, and concurrent reads that fold never double count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../testing/harness.ts';
import { countInstances, waitingByStep } from './workers.store.ts';

let t: TestDb;
beforeAll(async () => { t = await openTestDb(); });
afterAll(async () => { await t?.cleanup(); });

const insert = (worker: string, from: number, n: number, holdout: string | null = null) => t.db.query(
  `insert into worker_instances (id, worker_id, version, profile_id, state, step, wake_at, holdout, entered_at, updated_at, entry_key, ctx)
   select 'ins_' || $1 || '_' || g, $1, 1, 'prf_' || g, 'waiting', 0, 0, $4, g, g, $1 || ':' || g, '{}' from generate_series($2::int, $2::int + $3::int - 1) g`, [worker, from, n, holdout]);

/** What counting every journey gives (the reference). */
async function counted(worker: string): Promise<Record<string, number>> {
  const r = await t.db.query<{ state: string; held: boolean; n: number }>(
    `select state, holdout is not null as held, count(*)::int as n from worker_instances where worker_id = $1 group by 1, 2`, [worker]);
  const out: Record<string, number> = { waiting: 0, done: 0, exited: 0, held_out: 0 };
  for (const x of r.rows) { out[x.state] = (out[x.state] ?? 0) + x.n; if (x.held) out.held_out! += x.n; }
  return out;
}
const deltaRows = async (worker: string) => Number((await t.db.query<{ n: number }>(`select count(*)::int as n from worker_journey_counts where worker_id = $1`, [worker])).rows[0]!.n);

describe('journey counts', () => {
  it('follow inserts, state changes, arm changes and deletes, one statement or many', async () => {
    await insert('wkr_a', 0, 30);
    await insert('wkr_a', 30, 10, 'worker_holdout');
    await insert('wkr_b', 0, 5);
    for (let i = 0; i < 12; i++) await t.db.query(`update worker_instances set state = 'done', step = 2 where id = $1`, [`ins_wkr_a_${i}`]);
    await t.db.query(`update worker_instances set state = 'exited', exit_reason = 'goal' where worker_id = 'wkr_a' and id in ('ins_wkr_a_20', 'ins_wkr_a_31', 'ins_wkr_a_32')`);
    await t.db.query(`update worker_instances set holdout = 'global_control' where id = 'ins_wkr_a_25'`);
    await t.db.query(`update worker_instances set wake_at = 99, lease_until = 5 where worker_id = 'wkr_a'`); // no state change: no delta
    await t.db.query(`delete from worker_instances where id in ('ins_wkr_a_0', 'ins_wkr_a_21')`);
    expect(await countInstances(t.db, 'wkr_a')).toEqual(await counted('wkr_a'));
    expect(await countInstances(t.db, 'wkr_a')).toEqual({ waiting: 24, done: 11, exited: 3, held_out: 11 });
    expect(await countInstances(t.db, 'wkr_b')).toEqual({ waiting: 5, done: 0, exited: 0, held_out: 0 });
    expect(await countInstances(t.db)).toMatchObject({ waiting: 29, done: 11, exited: 3 });
    // Waiting journeys per step they run next: moving on a step while waiting moves the count.
    await t.db.query(`update worker_instances set step = 1 where worker_id = 'wkr_a' and state = 'waiting' and id in ('ins_wkr_a_12', 'ins_wkr_a_13', 'ins_wkr_a_33')`);
    await t.db.query(`update worker_instances set step = 2 where id = 'ins_wkr_a_13'`);
    expect(await waitingByStep(t.db, 'wkr_a')).toEqual({ 0: 21, 1: 2, 2: 1 });
    expect(await countInstances(t.db, 'wkr_a')).toEqual(await counted('wkr_a'));
  });

  it('folds many deltas into one row per key, and concurrent folds keep the sum', async () => {
    for (let i = 0; i < 80; i++) await insert('wkr_c', i, 1, i % 4 === 0 ? 'worker_holdout' : null);
    expect(await deltaRows('wkr_c')).toBeGreaterThan(64);
    const reads = await Promise.all(Array.from({ length: 4 }, () => countInstances(t.db, 'wkr_c')));
    for (const r of reads) expect(r).toEqual({ waiting: 80, done: 0, exited: 0, held_out: 20 });
    expect(await deltaRows('wkr_c')).toBeLessThanOrEqual(2); // waiting treated, waiting held out
    expect(await countInstances(t.db, 'wkr_c')).toEqual(await counted('wkr_c'));
    expect(await waitingByStep(t.db, 'wkr_c')).toEqual({ 0: 80 });
  });
});
