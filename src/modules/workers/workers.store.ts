/** SQL of the workers module: definitions with versions, instances in bulk, leases on due rows. */
import type { Db, Queryable } from '../../core/index.ts';
import type { Instance, InstanceContext, WorkerStatus } from './workers.types.ts';

/** `version` is the newest submitted; `liveVersion` the newest approved (or not needing approval), null when none is. */
export interface WorkerRow { id: string; status: WorkerStatus; version: number; liveVersion: number | null; updatedAt: string; updatedBy: string | null }

export async function loadWorkers(db: Queryable): Promise<WorkerRow[]> {
  const r = await db.query<{ id: string; status: WorkerStatus; version: number; live_version: number | null; updated_at: Date; updated_by: string | null }>(`select * from workers order by id`);
  return r.rows.map((w) => ({
    id: w.id, status: w.status, version: Number(w.version), liveVersion: w.live_version === null ? null : Number(w.live_version), updatedAt: w.updated_at.toISOString(), updatedBy: w.updated_by,
  }));
}

/** Makes a version live (new journeys start on it); never moves back to an older one. */
export async function setLiveVersion(db: Queryable, id: string, version: number): Promise<void> {
  await db.query(`update workers set live_version = $2 where id = $1 and (live_version is null or live_version < $2)`, [id, version]);
}

/**
 * A rejected live version is taken off: new journeys start on `fallback` (an earlier accepted
 * version) or on none. Only when `rejected` is still the live version (a newer one may be live).
 */
export async function fallBackLiveVersion(db: Queryable, id: string, rejected: number, fallback: number | null): Promise<boolean> {
  const r = await db.query(`update workers set live_version = $3 where id = $1 and live_version = $2`, [id, rejected, fallback]);
  return r.affectedRows > 0;
}

export async function loadVersion(db: Queryable, id: string, version: number): Promise<{ document: unknown; createdAt: string; createdBy: string | null } | undefined> {
  const r = await db.query<{ document: unknown; created_at: Date; created_by: string | null }>(`select document, created_at, created_by from worker_versions where worker_id = $1 and version = $2`, [id, version]);
  const row = r.rows[0];
  return row && { document: row.document, createdAt: row.created_at.toISOString(), createdBy: row.created_by };
}

export async function listVersions(db: Queryable, id: string): Promise<Array<{ version: number; createdAt: string; createdBy: string | null }>> {
  const r = await db.query<{ version: number; created_at: Date; created_by: string | null }>(`select version, created_at, created_by from worker_versions where worker_id = $1 order by version desc`, [id]);
  return r.rows.map((v) => ({ version: Number(v.version), createdAt: v.created_at.toISOString(), createdBy: v.created_by }));
}

/** A new version (or the first); returns the version number. Same document as the latest: no new version. */
export async function saveVersion(db: Db, id: string, document: unknown, status: WorkerStatus | undefined, at: Date, by: string | null): Promise<{ version: number; created: boolean }> {
  return db.transaction(async (tx) => {
    const cur = await tx.query<{ version: number; status: WorkerStatus }>(`select version, status from workers where id = $1 for update`, [id]);
    const prev = cur.rows[0];
    if (prev) {
      const last = await tx.query<{ same: boolean }>(`select document = $3::jsonb as same from worker_versions where worker_id = $1 and version = $2`, [id, prev.version, JSON.stringify(document)]);
      if (last.rows[0]?.same) {
        if (status && status !== prev.status) await tx.query(`update workers set status = $2, updated_at = $3, updated_by = $4 where id = $1`, [id, status, at, by]);
        return { version: Number(prev.version), created: false };
      }
    }
    const version = prev ? Number(prev.version) + 1 : 1;
    await tx.query(`insert into worker_versions (worker_id, version, document, created_at, created_by) values ($1, $2, $3, $4, $5)`, [id, version, JSON.stringify(document), at, by]);
    await tx.query(
      `insert into workers (id, status, version, updated_at, updated_by) values ($1, $2, $3, $4, $5)
       on conflict (id) do update set version = excluded.version, status = coalesce($6, workers.status), updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [id, status ?? 'off', version, at, by, status ?? null]);
    return { version, created: true };
  });
}

export async function setStatus(db: Queryable, id: string, status: WorkerStatus, at: Date, by: string | null): Promise<boolean> {
  const r = await db.query(`update workers set status = $2, updated_at = $3, updated_by = $4 where id = $1`, [id, status, at, by]);
  return r.affectedRows > 0;
}

export async function deleteWorker(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`delete from workers where id = $1`, [id]);
    await tx.query(`delete from worker_segment_members where worker_id = $1`, [id]);
    await tx.query(`delete from worker_schedules where worker_id = $1`, [id]);
  });
}

interface InstanceRowDb {
  id: string; worker_id: string; version: number; profile_id: string; key: string | null; state: Instance['state']; step: number;
  wake_at: number; wait_event: string | null; holdout: string | null; assignment: string | null; arms: Record<string, string> | null; exit_reason: string | null; entered_at: number; ctx: InstanceContext;
}
const COLS = 'id, worker_id, version, profile_id, key, state, step, wake_at, wait_event, holdout, assignment, arms, exit_reason, entered_at, ctx';
function toInstance(r: InstanceRowDb): Instance {
  return {
    id: r.id, workerId: r.worker_id, version: Number(r.version), profileId: r.profile_id, key: r.key, state: r.state, step: Number(r.step),
    wakeAt: Number(r.wake_at), waitEvent: r.wait_event, holdout: r.holdout, assignment: r.assignment ?? null, arms: r.arms ?? null, exitReason: r.exit_reason, enteredAt: Number(r.entered_at), ctx: r.ctx,
  };
}

/** New instances; a repeated entry key (the same fact replayed) is ignored. Returns how many were inserted. */
export async function insertInstances(db: Queryable, rows: Array<Instance & { entryKey: string }>, nowMs: number): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db.query(
    `insert into worker_instances (id, worker_id, version, profile_id, key, state, step, wake_at, wait_event, holdout, assignment, arms, exit_reason, entered_at, updated_at, entry_key, ctx)
     select id, worker_id, version, profile_id, key, state, step, wake_at, wait_event, holdout, assignment, arms::jsonb, null, entered_at, $13, entry_key, ctx::json
     from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int8[], $9::text[], $10::text[], $11::int8[], $12::text[], $14::text[], $15::text[], $16::text[])
       as x(id, worker_id, version, profile_id, key, state, step, wake_at, wait_event, holdout, entered_at, entry_key, ctx, assignment, arms)
     on conflict (entry_key) do nothing`,
    [rows.map((i) => i.id), rows.map((i) => i.workerId), rows.map((i) => i.version), rows.map((i) => i.profileId), rows.map((i) => i.key),
      rows.map((i) => i.state), rows.map((i) => i.step), rows.map((i) => i.wakeAt), rows.map((i) => i.waitEvent), rows.map((i) => i.holdout),
      rows.map((i) => i.enteredAt), rows.map((i) => i.entryKey), nowMs, rows.map((i) => JSON.stringify(i.ctx)), rows.map((i) => i.assignment),
      rows.map((i) => (i.arms ? JSON.stringify(i.arms) : null))]);
  return r.affectedRows;
}

/** Writes back instances after steps ran, releasing their lease. One statement. */
export async function saveInstances(db: Queryable, rows: Instance[], nowMs: number): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `update worker_instances w set state = x.state, step = x.step, wake_at = x.wake_at, wait_event = x.wait_event, exit_reason = x.exit_reason,
       profile_id = x.profile_id, ctx = x.ctx::json, updated_at = $8, lease_until = null
     from unnest($1::text[], $2::text[], $3::int[], $4::int8[], $5::text[], $6::text[], $7::text[], $9::text[]) as x(id, state, step, wake_at, wait_event, exit_reason, ctx, profile_id)
     where w.id = x.id`,
    [rows.map((i) => i.id), rows.map((i) => i.state), rows.map((i) => i.step), rows.map((i) => i.wakeAt), rows.map((i) => i.waitEvent),
      rows.map((i) => i.exitReason), rows.map((i) => JSON.stringify(i.ctx)), nowMs, rows.map((i) => i.profileId)]);
}

/**
 * Leases up to `limit` due instances for `leaseMs` (in Braid's clock). SKIP LOCKED and the lease
 * let several processes share the table; a process that dies leaves leases that simply expire.
 *
 * `local` (the embedded store, which one process alone opens: core/db/open.ts lockDataDir): the
 * caller keeps the leases in its memory and names the instances it holds; the due ones are read
 * without writing a lease. That write was a second update of every due journey (its indexes and
 * the journey-count trigger): 1.4-1.7 s of the database thread per 20,000 sends in bench:workers.
 * After a crash the journeys are due again at once instead of after the lease; a send step re-run
 * finds its message by idempotency key and never sends twice.
 */
export async function claimDue(db: Queryable, nowMs: number, limit: number, leaseMs: number, opts: ClaimOptions = {}): Promise<Instance[]> {
  const skip = opts.skipProfiles ?? [];
  if (opts.local) {
    const r = await db.query<InstanceRowDb>(
      `select ${COLS} from worker_instances where state = 'waiting' and wake_at <= $1 and (lease_until is null or lease_until <= $1)
         and not (id = any($3::text[])) and not (profile_id = any($4::text[]))
       order by wake_at limit $2`, [nowMs, limit, opts.local.held, skip]);
    return r.rows.map(toInstance);
  }
  const r = await db.query<InstanceRowDb>(
    `update worker_instances set lease_until = $2 where id in (
       select id from worker_instances where state = 'waiting' and wake_at <= $1 and (lease_until is null or lease_until <= $1)
         and not (profile_id = any($4::text[]))
       order by wake_at limit $3 for update skip locked)
     returning ${COLS}`, [nowMs, nowMs + leaseMs, limit, skip]);
  return r.rows.map(toInstance);
}

/** Gives back leases of claimed instances that were not run (they are due again at once). */
export async function releaseLeases(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`update worker_instances set lease_until = null where id = any($1::text[]) and state = 'waiting'`, [ids]);
}

export interface ClaimOptions {
  /** The embedded store's in-memory leases: the instances this process holds (see claimDue). */
  local?: { held: string[] };
  /** Shoppers whose earlier batch is still being sent: their journeys wait for the next claim, so caps see those sends. */
  skipProfiles?: string[];
}

/** Waiting instances of these profiles (for goal, wait-for-event and consent exits). */
export async function waitingFor(db: Queryable, profileIds: string[]): Promise<Instance[]> {
  if (profileIds.length === 0) return [];
  const r = await db.query<InstanceRowDb>(`select ${COLS} from worker_instances where state = 'waiting' and profile_id = any($1::text[])`, [profileIds]);
  return r.rows.map(toInstance);
}

/** Per (worker, profile): the latest entry and whether an instance is still running. */
export async function entryHistory(db: Queryable, workerIds: string[], profileIds: string[]): Promise<Map<string, { lastEntry: number; running: boolean }>> {
  const out = new Map<string, { lastEntry: number; running: boolean }>();
  if (profileIds.length === 0) return out;
  const r = await db.query<{ worker_id: string; profile_id: string; last: number; running: boolean }>(
    `select worker_id, profile_id, max(entered_at) as last, bool_or(state = 'waiting') as running from worker_instances
     where worker_id = any($1::text[]) and profile_id = any($2::text[]) group by worker_id, profile_id`, [workerIds, profileIds]);
  for (const row of r.rows) out.set(`${row.worker_id}|${row.profile_id}`, { lastEntry: Number(row.last), running: row.running });
  return out;
}

/** Ends every waiting instance of a worker (paused or turned off). */
export async function exitWorkerInstances(db: Queryable, workerId: string, reason: string, nowMs: number): Promise<number> {
  const r = await db.query(`update worker_instances set state = 'exited', exit_reason = $2, updated_at = $3, lease_until = null where worker_id = $1 and state = 'waiting'`, [workerId, reason, nowMs]);
  return r.affectedRows;
}

/** Ends the waiting journeys that run one version of a worker (a rejected version: it must not send again). */
export async function exitVersionInstances(db: Queryable, workerId: string, version: number, reason: string, nowMs: number): Promise<number> {
  const r = await db.query(`update worker_instances set state = 'exited', exit_reason = $3, updated_at = $4, lease_until = null where worker_id = $1 and version = $2 and state = 'waiting'`, [workerId, version, reason, nowMs]);
  return r.affectedRows;
}

export async function reassignInstances(db: Queryable, merged: Array<{ from: string; into: string }>): Promise<void> {
  if (merged.length === 0) return;
  await db.query(`update worker_instances w set profile_id = x.survivor from unnest($1::text[], $2::text[]) as x(absorbed, survivor) where w.profile_id = x.absorbed`,
    [merged.map((m) => m.from), merged.map((m) => m.into)]);
}

export async function getInstance(db: Queryable, id: string): Promise<Instance | undefined> {
  const r = await db.query<InstanceRowDb>(`select ${COLS} from worker_instances where id = $1`, [id]);
  return r.rows[0] && toInstance(r.rows[0]);
}

/** Newest first by (entered_at, id); `after` is the previous page's last (enteredAt, id) (keyset). */
export async function listInstances(db: Queryable, f: { workerId?: string | undefined; profileId?: string | undefined; state?: string | undefined; step?: number | undefined; after?: { enteredAt: number; id: string } | undefined; limit: number }): Promise<Instance[]> {
  const r = await db.query<InstanceRowDb>(
    `select ${COLS} from worker_instances where ($1::text is null or worker_id = $1) and ($2::text is null or profile_id = $2) and ($3::text is null or state = $3)
       and ($4::int8 is null or (entered_at, id) < ($4::int8, $5::text)) and ($7::int is null or step = $7)
     order by entered_at desc, id desc limit $6`, [f.workerId ?? null, f.profileId ?? null, f.state ?? null, f.after?.enteredAt ?? null, f.after?.id ?? null, f.limit, f.step ?? null]);
  return r.rows.map(toInstance);
}

/** Waiting journeys per step they run next, from the kept counts (countInstances). */
export async function waitingByStep(db: Queryable, workerId: string): Promise<Record<string, number>> {
  const r = await db.query<{ step: number; n: string | number }>(
    `select step, sum(n) as n from worker_journey_counts where worker_id = $1 and state = 'waiting' group by step having sum(n) <> 0 order by step`, [workerId]);
  return Object.fromEntries(r.rows.map((x) => [String(x.step), Number(x.n)]));
}

/** Delta rows of one worker past which a read folds them into one row per (state, arm, step). */
const FOLD_AT = 64;

/**
 * Journeys per state (and held out), from the counts the database keeps as journeys change
 * (migration 0131, per state, arm and waiting step): a read sums a few rows, never the journeys. A worker's delta rows are folded
 * into one per key once there are more than FOLD_AT of them: a delete and re-insert in one
 * statement, which a concurrent fold or journey write cannot double count (a fold deletes only
 * rows committed before it started).
 */
export async function countInstances(db: Queryable, workerId?: string): Promise<Record<string, number>> {
  const r = await db.query<{ state: string; held_out: boolean; n: string | number; rows: string | number }>(
    `select state, held_out, sum(n) as n, count(*) as rows from worker_journey_counts where ($1::text is null or worker_id = $1) group by 1, 2`, [workerId ?? null]);
  const out: Record<string, number> = { waiting: 0, done: 0, exited: 0, held_out: 0 };
  let rows = 0;
  for (const row of r.rows) {
    const n = Number(row.n);
    rows += Number(row.rows);
    if (n === 0) continue;
    out[row.state] = (out[row.state] ?? 0) + n;
    if (row.held_out) out.held_out! += n;
  }
  if (workerId !== undefined && rows > FOLD_AT) {
    await db.query(`with d as (delete from worker_journey_counts where worker_id = $1 returning state, held_out, step, n)
      insert into worker_journey_counts (worker_id, state, held_out, step, n) select $1, state, held_out, step, sum(n) from d group by 2, 3, 4 having sum(n) <> 0`, [workerId]);
  }
  return out;
}
