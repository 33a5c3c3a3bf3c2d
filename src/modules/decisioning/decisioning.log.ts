/**
 * The decision log: every decision with its explanation, written in batches (one multi-row
 * INSERT per flush) so deciding never waits for the database. Reads see unflushed decisions too.
 * A crash can lose at most the last flush interval of log rows (the response was already sent);
 * outcomes for such a decision are simply not learned from.
 */
import type { CoreDeps } from '../../core/index.ts';
import { decodeRecord } from './decisioning.record.ts';
import type { DecisionResult } from './decisioning.types.ts';

const FLUSH_MS = 50;
const FLUSH_ROWS = 2000;

export interface LogRow {
  id: string; profileId: string | null; ref: string; placement: string; at: string; grp: string; modelVersion: string;
  actionIds: string; types: string;
  /** The compact record (decisioning.record.ts). */
  detail: string;
}

export interface StoredDecision {
  result: DecisionResult;
  detail: Record<string, unknown>;
  learn: Array<{ arm: string; x: number[]; offset: number; propensity: number; key: string }>;
  ref: string;
  outcome: { viewedAt: string | null; clickedAt: string | null; orderId: string | null; reward: number | null; outcomeAt: string | null };
}

export interface EvaluationRow {
  id: string; group: string; at: string; actionKey: string; propensity: number; eligible: string[]; reward: number | null;
}

/** Gate removals are decided after scoring: those candidates were not in the set chosen from. */
const GATE_RULES = new Set(['prefer_non_discount', 'deeper_than_needed']);

export function evaluationRowOf(id: string, group: string, at: string, detailText: string, reward: number | null): EvaluationRow | undefined {
  const d = decodeRecord(detailText);
  const first = d.result.actions[0];
  if (!first) return undefined;
  const gated = new Set(d.result.reasons.removed.filter((r) => GATE_RULES.has(r.rule)).map((r) => r.key));
  const eligible = d.detail.candidates.map((c) => c[0]).filter((k) => !gated.has(k));
  return { id, group, at, actionKey: first.key, propensity: first.propensity, eligible, reward };
}

export interface DecisionSummary {
  decisionId: string; profileId: string | null; placement: string; at: string; group: string; actionKeys: string[]; types: string[];
  modelVersion: string; viewedAt: string | null; clickedAt: string | null; orderId: string | null; reward: number | null;
}

export interface DecisionLog {
  append(row: LogRow): void;
  get(id: string): Promise<StoredDecision | undefined>;
  /** Newest first, by (at, id); `after` is the (at, id) of the previous page's last row (keyset). */
  list(q: { profileId?: string | undefined; placement?: string | undefined; before?: string | undefined; after?: { at: string; id: string } | undefined; limit: number }): Promise<DecisionSummary[]>;
  recent(profileId: string, sinceMs: number): Promise<Array<{ placement: string; atMs: number; keys: string[]; silent: boolean }>>;
  /** Decisions still inside their attribution window with no outcome yet (learner restart). */
  /** Decisions since `sinceMs` whose window the learner has not closed: no outcome yet, or converted (learned at the window's end). */
  open(sinceMs: number): Promise<Array<{ id: string; profileId: string | null; atMs: number; learn: StoredDecision['learn']; converted: boolean }>>;
  mark(updates: Array<{ id: string; viewedAt?: string; clickedAt?: string; orderId?: string; reward?: number; outcomeAt?: string }>): Promise<void>;
  /**
   * Decisions of a placement for off-policy evaluation, oldest first: the first slot's action and
   * propensity, the eligible set the policy chose from, the reward (null while its window is open).
   */
  scan(q: { placement: string; sinceMs?: number | undefined; limit: number }): Promise<EvaluationRow[]>;
  /** Each profile's first decision at a placement within [sinceMs, untilMs): when, and in which group. */
  firstExposures(q: { placement: string; sinceMs: number; untilMs: number }): Promise<Array<{ profileId: string; atMs: number; group: string }>>;
  /**
   * Counts of flushed decisions with ids above `afterId` made before `untilMs`, per placement,
   * group and action types, for the audit log's periodic `decision.summary` (off the hot path).
   */
  counts(q: { afterId: string; untilMs: number }): Promise<Array<{ placement: string; group: string; types: string; n: number; firstId: string; lastId: string }>>;
  flush(): Promise<void>;
  pending(): number;
  stop(): Promise<void>;
}

interface Row {
  id: string; profile_id: string | null; ref: string; placement: string; at: Date; grp: string; model_version: string; action_ids: string; types: string;
  detail: string; viewed_at: Date | null; clicked_at: Date | null; order_id: string | null; reward: string | number | null; outcome_at: Date | null;
}
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function createDecisionLog(deps: CoreDeps): DecisionLog {
  let buffer: LogRow[] = [];
  const unflushed = new Map<string, LogRow>();
  let flushing: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function writeBatch(rows: LogRow[]): Promise<void> {
    // Column arrays, not one JSON document: the detail text is not escaped twice, and on the
    // embedded store the arrays are encoded in the database's worker thread, off the event loop.
    const col = <K extends keyof LogRow>(k: K) => rows.map((r) => r[k]);
    await deps.db.query(`insert into decisions (id, profile_id, ref, placement, at, grp, model_version, action_ids, types, detail)
      select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
      on conflict (id) do nothing`,
    [col('id'), col('profileId'), col('ref'), col('placement'), col('at'), col('grp'), col('modelVersion'), col('actionIds'), col('types'), col('detail')]);
    for (const r of rows) unflushed.delete(r.id);
  }

  function flush(): Promise<void> {
    if (timer) { clearTimeout(timer); timer = undefined; }
    if (buffer.length === 0) return flushing;
    const rows = buffer;
    buffer = [];
    flushing = flushing.then(() => writeBatch(rows)).catch((e: unknown) => {
      deps.log.error({ err: e, rows: rows.length }, 'decision log write failed; retrying');
      buffer = rows.concat(buffer);
      schedule();
    });
    return flushing;
  }
  const schedule = () => { if (!timer && !stopped) { timer = setTimeout(() => { timer = undefined; void flush(); }, FLUSH_MS); timer.unref(); } };

  const toStored = (r: Row | LogRow): StoredDecision => {
    const d = decodeRecord(r.detail);
    const row = r as Partial<Row>;
    return {
      ...d, ref: r.ref,
      outcome: {
        viewedAt: iso(row.viewed_at ?? null), clickedAt: iso(row.clicked_at ?? null), orderId: row.order_id ?? null,
        reward: row.reward === null || row.reward === undefined ? null : Number(row.reward), outcomeAt: iso(row.outcome_at ?? null),
      },
    };
  };

  return {
    append(row) {
      buffer.push(row);
      unflushed.set(row.id, row);
      if (buffer.length >= FLUSH_ROWS) void flush(); else schedule();
    },
    async get(id) {
      const u = unflushed.get(id);
      if (u) return toStored(u);
      const r = await deps.db.query<Row>('select * from decisions where id = $1', [id]);
      return r.rows[0] ? toStored(r.rows[0]) : undefined;
    },
    async list(q) {
      await flush();
      const conds: string[] = [], params: unknown[] = [];
      if (q.profileId) { params.push(q.profileId); conds.push(`profile_id = $${params.length}`); }
      if (q.placement) { params.push(q.placement); conds.push(`placement = $${params.length}`); }
      if (q.before) { params.push(q.before); conds.push(`at < $${params.length}`); }
      if (q.after) { params.push(q.after.at, q.after.id); conds.push(`(at, id) < ($${params.length - 1}::timestamptz, $${params.length})`); }
      params.push(q.limit);
      const r = await deps.db.query<Row>(`select id, profile_id, placement, at, grp, model_version, action_ids, types, viewed_at, clicked_at, order_id, reward
        from decisions ${conds.length ? 'where ' + conds.join(' and ') : ''} order by at desc, id desc limit $${params.length}`, params);
      return r.rows.map((x) => ({
        decisionId: x.id, profileId: x.profile_id, placement: x.placement, at: x.at.toISOString(), group: x.grp,
        actionKeys: x.action_ids ? x.action_ids.split(' ') : [], types: x.types ? x.types.split(' ') : [], modelVersion: x.model_version,
        viewedAt: iso(x.viewed_at), clickedAt: iso(x.clicked_at), orderId: x.order_id, reward: x.reward === null ? null : Number(x.reward),
      }));
    },
    async recent(profileId, sinceMs) {
      const r = await deps.db.query<{ placement: string; at: Date; action_ids: string; types: string }>(
        'select placement, at, action_ids, types from decisions where profile_id = $1 and at >= $2 order by at', [profileId, new Date(sinceMs).toISOString()]);
      const out = r.rows.map((x) => ({ placement: x.placement, atMs: x.at.getTime(), keys: x.action_ids ? x.action_ids.split(' ') : [], silent: x.types === 'none' }));
      for (const u of unflushed.values()) {
        if (u.profileId === profileId) out.push({ placement: u.placement, atMs: Date.parse(u.at), keys: u.actionIds.split(' '), silent: u.types === 'none' });
      }
      return out;
    },
    async open(sinceMs) {
      await flush();
      // Inside its window a converted decision is not learned yet (the learner waits for the window
      // to close); a swept one has at < sinceMs.
      const r = await deps.db.query<{ id: string; profile_id: string | null; at: Date; detail: string; order_id: string | null }>(
        `select id, profile_id, at, detail, order_id from decisions where at >= $1 and (outcome_at is null or order_id is not null) order by at`, [new Date(sinceMs).toISOString()]);
      return r.rows.map((x) => ({ id: x.id, profileId: x.profile_id, atMs: x.at.getTime(), learn: decodeRecord(x.detail).learn, converted: x.order_id !== null }));
    },
    async mark(list) {
      if (list.length === 0) return;
      // One row per decision: UPDATE ... FROM applies only one joined row to each target.
      const merged = new Map<string, (typeof list)[number]>();
      for (const u of list) {
        const m = merged.get(u.id) ?? { id: u.id };
        for (const [k, v] of Object.entries(u)) if (v !== undefined && (m as Record<string, unknown>)[k] === undefined) (m as Record<string, unknown>)[k] = v;
        merged.set(u.id, m);
      }
      const updates = [...merged.values()];
      await flush();
      await deps.db.query(`update decisions d set
          viewed_at = coalesce(d.viewed_at, u."viewedAt"), clicked_at = coalesce(d.clicked_at, u."clickedAt"),
          order_id = coalesce(u."orderId", d.order_id), reward = coalesce(u.reward, d.reward), outcome_at = coalesce(u."outcomeAt", d.outcome_at)
        from jsonb_to_recordset($1::jsonb) as u(id text, "viewedAt" timestamptz, "clickedAt" timestamptz, "orderId" text, reward numeric, "outcomeAt" timestamptz)
        where d.id = u.id`, [JSON.stringify(updates)]);
    },
    async scan(q) {
      await flush();
      const r = await deps.db.query<{ id: string; grp: string; at: Date; detail: string; reward: string | number | null; outcome_at: Date | null }>(
        `select id, grp, at, detail, reward, outcome_at from decisions where placement = $1 and at >= $2 order by at, id limit $3`,
        [q.placement, new Date(q.sinceMs ?? 0).toISOString(), q.limit]);
      const out: EvaluationRow[] = [];
      for (const x of r.rows) {
        const reward = x.outcome_at === null ? null : Number(x.reward ?? 0);
        const row = evaluationRowOf(x.id, x.grp, x.at.toISOString(), x.detail, reward);
        if (row) out.push(row);
      }
      return out;
    },
    async firstExposures(q) {
      await flush();
      const r = await deps.db.query<{ profile_id: string; at: Date; grp: string }>(
        `select distinct on (profile_id) profile_id, at, grp from decisions
         where placement = $1 and profile_id is not null and at >= $2 and at < $3 order by profile_id, at, id`,
        [q.placement, new Date(q.sinceMs).toISOString(), new Date(q.untilMs).toISOString()]);
      return r.rows.map((x) => ({ profileId: x.profile_id, atMs: x.at.getTime(), group: x.grp }));
    },
    async counts(q) {
      const r = await deps.db.query<{ placement: string; grp: string; types: string; n: number; first_id: string; last_id: string }>(
        `select placement, grp, types, count(*)::int as n, min(id) as first_id, max(id) as last_id from decisions
         where id > $1 and at < $2 group by placement, grp, types order by placement, grp, types`, [q.afterId, new Date(q.untilMs).toISOString()]);
      return r.rows.map((x) => ({ placement: x.placement, group: x.grp, types: x.types, n: Number(x.n), firstId: x.first_id, lastId: x.last_id }));
    },
    flush,
    pending: () => buffer.length,
    async stop() { stopped = true; await flush(); await flushing; },
  };
}
