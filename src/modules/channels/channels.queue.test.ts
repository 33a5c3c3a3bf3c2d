import { createRequire } from 'node:module';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../testing/harness.ts';
import { bossSchemaFor, createBossDb, DELIVERY_QUEUE, deliveryJobs, IDS_PER_JOB, jobMessageIds, rewriteBossSql, startBoss, type QueueSettings } from './channels.queue.ts';

const plans = createRequire(import.meta.url)('pg-boss/src/plans.js') as Record<string, (schema: string) => string>;
const settings: QueueSettings = { maxAttempts: 3, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60, maintenanceIntervalSeconds: 120 };

describe('pg-boss statements by job id', () => {
  it('select jobs with = ANY (an index lookup) instead of IN (SELECT UNNEST(...)); other statements pass untouched', () => {
    for (const name of ['completeJobs', 'failJobsById', 'cancelJobs', 'resumeJobs', 'deleteJobs']) {
      const sql = plans[name]!('pgboss');
      expect(sql, name).toMatch(/id IN \(SELECT UNNEST\(\$2::uuid\[\]\)\)/);
      const out = rewriteBossSql(sql);
      expect(out, name).not.toMatch(/UNNEST/i);
      expect(out, name).toContain('id = ANY($2::uuid[])');
    }
    const other = plans.failJobsByTimeout!('pgboss');
    expect(rewriteBossSql(other)).toBe(other);
  });

  it('carries a send in chunks of IDS_PER_JOB messages per job, and reads jobs queued before chunking', () => {
    const ids = Array.from({ length: 2 * IDS_PER_JOB + 3 }, (_, i) => `msg_${i}`);
    const jobs = deliveryJobs(ids, settings);
    expect(jobs.map((j) => jobMessageIds(j.data!).length)).toEqual([IDS_PER_JOB, IDS_PER_JOB, 3]);
    expect(jobs.flatMap((j) => jobMessageIds(j.data!))).toEqual(ids);
    expect(jobMessageIds({ id: 'msg_old' })).toEqual(['msg_old']);
  });

  describe('on a real queue', () => {
    let t: TestDb;
    let boss: PgBoss;
    let bossDb: ReturnType<typeof createBossDb>;
    beforeAll(async () => {
      t = await openTestDb();
      bossDb = createBossDb(t.db);
      boss = await startBoss(bossDb, await bossSchemaFor(t.db), settings, () => undefined);
    });
    afterAll(async () => { await boss.stop({ graceful: false, wait: true }).catch(() => undefined); bossDb.close(); await t.cleanup(); });

    it('completes a fetched batch among thousands of jobs, matching ids with = ANY (no join of the id list over the queue)', async () => {
      await boss.insert(deliveryJobs(Array.from({ length: 3000 * IDS_PER_JOB }, (_, i) => `msg_${i}`), settings));
      const jobs = await boss.fetch<{ id: string }>(DELIVERY_QUEUE, { batchSize: 200 });
      expect(jobs).toHaveLength(200);
      await boss.complete(DELIVERY_QUEUE, jobs.map((j) => j.id));
      const schema = await bossSchemaFor(t.db);
      const states = await t.db.query<{ state: string; n: number }>(`select state::text, count(*)::int as n from ${schema}.job where name = $1 group by 1 order by 1`, [DELIVERY_QUEUE]);
      expect(states.rows).toEqual([{ state: 'completed', n: 200 }, { state: 'created', n: 2800 }]);
      const plan = await t.db.query<{ 'QUERY PLAN': string }>(`explain ${rewriteBossSql(plans.completeJobs!(schema))}`, [DELIVERY_QUEUE, jobs.slice(0, 50).map((j) => j.id), null]);
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/id = ANY/);
      expect(text).not.toMatch(/Join Filter|Semi Join/);
    });
  });
});
