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
  it('keeps statements posted together inside their transaction, and rolls all back on a failure', async () => {
    await expect(t.db.transaction(async (tx) => {
      await Promise.all([
        tx.query(`insert into consumer_cursors (name, position, updated_at) values ('pa', 1, now())`),
        tx.query(`insert into consumer_cursors (name, position, updated_at) values ('pb', 1, now())`),
        tx.query(`insert into no_such_table values (1)`),
      ]);
    })).rejects.toMatchObject({ code: '42P01' });
    const r = await t.db.query(`select * from consumer_cursors where name in ('pa', 'pb')`);
    expect(r.rows).toHaveLength(0);
    const ok = await t.db.transaction(async (tx) => {
      const [a, b] = await Promise.all([tx.query<{ n: number }>(`select 1 as n`), tx.query<{ n: number }>(`select 2 as n`)]);
      return a.rows[0]!.n + b.rows[0]!.n;
    });
    expect(ok).toBe(3);
  });
  it('takes the session at a transaction\'s first statement, not while its caller prepares it', async () => {
    let go!: () => void;
    const gate = new Promise<void>((r) => { go = r; });
    const tx = t.db.transaction(async (q) => {
      await gate; // e.g. building a batch's parameters
      await q.query(`insert into consumer_cursors (name, position, updated_at) values ('late', 1, now())`);
      return 'done';
    });
    // On the embedded store this query would wait for the whole transaction if it held the session from the start.
    const read = await Promise.race([t.db.query(`select 1 as n`).then(() => 'read'), new Promise((r) => setTimeout(() => r('blocked'), 2000))]);
    go();
    expect(read).toBe('read');
    expect(await tx).toBe('done');
    expect((await t.db.query(`select * from consumer_cursors where name = 'late'`)).rows).toHaveLength(1);
    expect(await t.db.transaction(async () => 'nothing to do')).toBe('nothing to do');
  });
  it('reports SQL errors with their SQLSTATE code', async () => {
    await expect(t.db.query('select * from no_such_table')).rejects.toMatchObject({ code: '42P01' });
  });
});
