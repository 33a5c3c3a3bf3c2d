import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../testing/harness.ts';

let t: TestDb;
beforeAll(async () => { t = await openTestDb(); });
afterAll(async () => { await t.cleanup(); });

describe('database (embedded or server, same behaviour)', () => {
  it('runs migrations and returns numbers for int8 and numeric', async () => {
    const r = await t.db.query<{ n: number; x: number }>(`select count(*)::int8 as n, 1.25::numeric as x from schema_migrations`);
    expect(r.rows[0]!.n).toBeGreaterThan(0);
    expect(r.rows[0]!.x).toBe(1.25);
  });
  it('rolls back a failed transaction completely', async () => {
    await expect(t.db.transaction(async (tx) => {
      await tx.query(`insert into consumer_cursors (name, position, updated_at) values ('rb', 1, now())`);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    const r = await t.db.query(`select * from consumer_cursors where name = 'rb'`);
    expect(r.rows).toHaveLength(0);
  });
  it('serializes concurrent transactions', async () => {
    await t.db.query(`insert into consumer_cursors (name, position, updated_at) values ('ctr', 0, now())`);
    await Promise.all(Array.from({ length: 20 }, () => t.db.transaction(async (tx) => {
      const r = await tx.query<{ position: number }>(`select position from consumer_cursors where name = 'ctr' for update`);
      await tx.query(`update consumer_cursors set position = $1 where name = 'ctr'`, [r.rows[0]!.position + 1]);
    })));
    const r = await t.db.query<{ position: number }>(`select position from consumer_cursors where name = 'ctr'`);
    expect(r.rows[0]!.position).toBe(20);
  });
  it('reports SQL errors with their SQLSTATE code', async () => {
    await expect(t.db.query('select * from no_such_table')).rejects.toMatchObject({ code: '42P01' });
  });
});
