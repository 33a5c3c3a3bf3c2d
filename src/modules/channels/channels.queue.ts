/**
 * The delivery queue: pg-boss 10 over Braid's own `Db`, so it runs on the embedded PGlite (one
 * session in a worker thread) and on a Postgres server alike, without a second connection pool.
 *
 * pg-boss talks to a database through `executeSql(text, values)`. Everything it sends is a single
 * statement with parameters, except its locked maintenance and migration scripts
 * (`BEGIN; SET LOCAL …; SELECT pg_advisory_xact_lock(…); …; COMMIT;`), which have no parameters
 * and several statements. Those go through `db.exec` (simple protocol) on PGlite; on Postgres
 * they run inside `db.transaction` on one pooled client (the BEGIN/COMMIT stripped), so a failure
 * can never leave a pooled connection inside an aborted transaction.
 */
import PgBoss from 'pg-boss';
import type { Db, Queryable } from '../../core/index.ts';

export const DELIVERY_QUEUE = 'braid-deliveries';
export const DEAD_QUEUE = 'braid-deliveries-dead';

export interface BossDb { executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }> }

const LOCKED = /^\s*BEGIN;([\s\S]*)COMMIT;\s*$/;

/**
 * pg-boss picks jobs by id with `id IN (SELECT UNNEST($2::uuid[]))` (complete, fail, cancel,
 * resume, delete). Without column statistics (the embedded store has no autovacuum, so its tables
 * are never analyzed) the planner estimates one active job and joins the id list to every job of
 * the queue in a nested loop: completing one batch of 200 with 20,000 jobs in the partition took
 * ~1 s of the database thread. `id = ANY($2::uuid[])` is the same predicate and always an index
 * lookup on the (name, id) primary key.
 */
const IN_UNNEST = /\bid IN \(SELECT UNNEST\((\$\d+)::uuid\[\]\)\)/g;
export const rewriteBossSql = (text: string): string => text.replace(IN_UNNEST, (_all, param: string) => `id = ANY(${param}::uuid[])`);

/** The pg-boss `db` adapter over Braid's database. After `close()` it answers empty results. */
export function createBossDb(db: Db): BossDb & { close(): void } {
  let closed = false;
  return {
    close() { closed = true; },
    async executeSql(text, values) {
      // pg-boss completes a finished batch without awaiting it; once we are stopped that late
      // statement must not reach a closing database (its work is already done by us).
      if (closed) return { rows: [] };
      const m = (values === undefined || values.length === 0) ? LOCKED.exec(text) : null;
      if (!m) return { rows: (await db.query(rewriteBossSql(text), values ?? [])).rows };
      if (db.dialect === 'pglite') {
        try { await db.exec(text); } catch (e) { await db.exec('ROLLBACK').catch(() => undefined); throw e; }
      } else {
        // No parameters: node-postgres uses the simple protocol, which accepts several statements.
        await db.transaction((tx) => tx.query(m[1]!));
      }
      return { rows: [] };
    },
  };
}

/** A `db` option for pg-boss calls that must join the caller's transaction (send + enqueue). */
export function txBossDb(tx: Queryable): BossDb {
  return { executeSql: async (text, values) => ({ rows: (await tx.query(rewriteBossSql(text), values ?? [])).rows }) };
}

/**
 * The pg-boss schema for this Braid: `pgboss` when Braid lives in `public` (PGlite, a plain
 * install), else `<schema>_boss`, so test files that each use a private schema on one Postgres
 * server never share (or drop) each other's queues.
 */
export async function bossSchemaFor(db: Db): Promise<string> {
  const r = await db.query<{ s: string }>(`select current_schema() as s`);
  const s = r.rows[0]?.s ?? 'public';
  return s === 'public' ? 'pgboss' : `${s}_boss`.slice(0, 50);
}

export interface QueueSettings {
  maxAttempts: number;
  /** Seconds before the first retry; pg-boss doubles it per attempt (with jitter) when backoff is on. */
  retryDelaySeconds: number;
  retryBackoff: boolean;
  /** A batch still running after this many seconds is failed by pg-boss (and its rows become 'unknown'). */
  expireInSeconds: number;
  /** Maintenance (expiring stuck jobs, archiving) runs this often. */
  maintenanceIntervalSeconds: number;
}

/** Starts pg-boss (installing or migrating its schema) and creates the two queues. */
export async function startBoss(db: BossDb, schema: string, s: QueueSettings, onError: (e: unknown) => void): Promise<PgBoss> {
  const boss = new PgBoss({
    db: db as PgBoss.Db,
    schema,
    // Cron scheduling would add a clock-skew timer and a polling worker we do not use; state
    // monitoring stays off (no monitorStateIntervalSeconds).
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: s.maintenanceIntervalSeconds,
    // Completed delivery jobs are only bookkeeping: the delivery log is the record.
    archiveCompletedAfterSeconds: 3600,
    deleteAfterDays: 2,
  });
  boss.on('error', onError); // an EventEmitter 'error' without a listener would throw
  await boss.start();
  const queue = { retryLimit: s.maxAttempts - 1, retryDelay: s.retryDelaySeconds, retryBackoff: s.retryBackoff, expireInSeconds: s.expireInSeconds };
  await boss.createQueue(DEAD_QUEUE, { name: DEAD_QUEUE, retryLimit: 2, retryDelay: 1, expireInSeconds: s.expireInSeconds });
  await boss.createQueue(DELIVERY_QUEUE, { name: DELIVERY_QUEUE, ...queue, deadLetter: DEAD_QUEUE });
  // An existing queue keeps the options it was created with; bring them to today's settings.
  await boss.updateQueue(DELIVERY_QUEUE, { name: DELIVERY_QUEUE, ...queue, deadLetter: DEAD_QUEUE });
  return boss;
}

/**
 * Messages per delivery job. A job carries a chunk of one send()'s messages, not one message: the
 * queue's own bookkeeping (insert, fetch, complete: three writes of a job row and its indexes) is
 * paid per job, and at one message per job it was a sixth of the database thread's time per send.
 * Retrying a whole chunk is safe: claiming is conditional on status ('queued' or 'retrying'), so
 * a retried job re-attempts only its messages that failed transiently and never re-sends one that
 * went out; the dead-letter handler likewise only touches messages that never settled.
 */
export const IDS_PER_JOB = 25;

/** What a delivery job carries: `ids` (chunks), or `id` (jobs queued by Braid before chunking). */
export interface DeliveryJobData { id?: string; ids?: string[] }
export const jobMessageIds = (d: DeliveryJobData): string[] => d.ids ?? (d.id ? [d.id] : []);

/** Job rows for `insert` (the retry policy is stated per job too, so a changed setting applies at once). */
export function deliveryJobs(messageIds: string[], s: QueueSettings): PgBoss.JobInsert<DeliveryJobData>[] {
  const jobs: PgBoss.JobInsert<DeliveryJobData>[] = [];
  for (let i = 0; i < messageIds.length; i += IDS_PER_JOB) {
    jobs.push({
      name: DELIVERY_QUEUE, data: { ids: messageIds.slice(i, i + IDS_PER_JOB) }, retryLimit: s.maxAttempts - 1, retryDelay: s.retryDelaySeconds,
      retryBackoff: s.retryBackoff, expireInSeconds: s.expireInSeconds, deadLetter: DEAD_QUEUE,
    });
  }
  return jobs;
}
