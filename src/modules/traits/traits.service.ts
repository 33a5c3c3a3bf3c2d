/**
 * The traits service: keeps every profile's computed traits current from the profile projection
 * (one pass per applied batch, in order), serves them from a bounded cache for hot paths, stores
 * them for other processes and the API, fits the CLV model, and manages declared preferences.
 * Time comes only from deps.clock.
 */
import { atPriority, invalid, lowPriority, notFound, parseTimestamp, type CoreDeps, type PreferenceSpec } from '../../core/index.ts';
import type { EventLog } from '../events/index.ts';
import type { AppliedBatch, OrderRow, ProfileService } from '../profiles/index.ts';
import { emptyActivity, foldActivity, type ActivityEvent } from './traits.activity.ts';
import { combineBatches, planBatch } from './traits.batch.ts';
import { REEVALUATE_MS, RELOAD_MS, TraitsCache, type CacheEntry } from './traits.cache.ts';
import { DEFAULT_CLV_SETTINGS, type ClvSettings } from './traits.clv.ts';
import { evaluateTraits, type Evaluation, type TraitInputs } from './traits.compute.ts';
import { EMPTY_SNAPSHOT, historyFromOrders, MAX_HISTORY, snapshotOf, type HistoryOrder } from './traits.history.ts';
import { INFERENCE_EVENT_NAMES } from './traits.infer.ts';
import { mergeStored, upsertHistory } from './traits.inputs.ts';
import { buildModelAsync, DEFAULT_MODEL } from './traits.model.ts';
import { capturePreferences, resolvePreferences, resolveVariables, SOURCE_NAME, validateValues, type DeclaredPreference } from './traits.preferences.ts';
import {
  deleteDeclared, deleteProfile, insertModel, isEmpty, latestModelVersion, loadDeclared, loadLatestModel, loadProfiles, pageProfileIds,
  repointDeclared, saveProfiles, upsertDeclared, type StoredProfile,
} from './traits.store.ts';
import type { TraitModel, TraitsService } from './traits.types.ts';

export interface TraitsOptions {
  profiles: ProfileService;
  /** With the event log, recompute() also re-reads declared preferences from the messages. */
  events?: EventLog;
  clv?: Partial<ClvSettings>;
  /** Overrides config.preferences (BRAID_PREFERENCES). */
  preferences?: PreferenceSpec[];
  /** Profiles kept in memory for peek() (default 20,000). */
  cacheSize?: number;
  /** Fit the model in the background when none is fitted yet and when the latest is older than refitEveryHours (default on, 24 h). */
  autoRefit?: boolean;
  refitEveryHours?: number;
}

const POLL_MS = 60_000;
const TIMELINE_LIMIT = 5000;
const PAGE = 5000;
/** Evaluations take ~0.3 ms each; a big batch yields the event loop every this many profiles. */
const YIELD_EVERY = 50;
/** At most this many queued batches are applied as one pass. */
const MAX_COALESCE = 20;
const RECOMPUTE_CONCURRENCY = 8;
const KEEP_NAMES: ReadonlySet<string> = new Set([...INFERENCE_EVENT_NAMES, 'Product Viewed', 'Coupon Entered', 'Coupon Applied', 'Coupon Denied', 'Promotion Viewed', 'Promotion Clicked']);
const PREFERENCE_EVENTS = new Set(['identify', 'Preference Captured']);

export function createTraits(deps: CoreDeps, opts: TraitsOptions): TraitsService {
  const { db, clock, log } = deps;
  const low = lowPriority(db);
  /** The per-batch pass is derived from what the projection applied: it yields to the projection (core/db Priority). */
  const bg = atPriority(db, 'background');
  const vars = resolveVariables(opts.preferences ?? deps.config.preferences);
  const varNames = new Set(vars.map((v) => v.name));
  const clv: ClvSettings = { ...DEFAULT_CLV_SETTINGS, ...opts.clv };
  const cache = new TraitsCache(opts.cacheSize ?? 20_000);
  const refitEveryMs = (opts.refitEveryHours ?? 24) * 3_600_000;
  let model: TraitModel = DEFAULT_MODEL;
  const queue: AppliedBatch[] = [];
  let worker: Promise<void> | undefined;
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let background: Promise<unknown> = Promise.resolve();
  let refitting: Promise<TraitModel> | undefined;
  const pendingLoads = new Set<string>();
  let loading = false;
  let firstTick = true;
  let stopping = false;

  // The embedded store has one process (its data dir is locked to it), and every write to the
  // traits tables goes through this service, which keeps the cache in step: an entry cannot go
  // stale there. On a shared Postgres another process may apply newer events, so entries reload.
  const reloadMs = db.dialect === 'pglite' ? Infinity : RELOAD_MS;
  const evaluate = (id: string, inputs: TraitInputs) => evaluateTraits(id, inputs, model, clock.now(), clv, varNames);
  const entryOf = (id: string, inputs: TraitInputs, declared: DeclaredPreference[], evaluation: Evaluation = evaluate(id, inputs)): CacheEntry => {
    const now = clock.now();
    return { inputs, declared, evaluation, evaluatedAt: now, loadedAt: now, modelVersion: model.version };
  };
  /** Re-evaluates in place when the clock (either way: a manual clock may be set back) or the model moved on. */
  const fresh = (id: string, e: CacheEntry): CacheEntry => {
    const age = clock.now() - e.evaluatedAt;
    if (age > REEVALUATE_MS || age < 0 || e.modelVersion !== model.version) {
      e.evaluation = evaluate(id, e.inputs); e.evaluatedAt = clock.now(); e.modelVersion = model.version;
    }
    return e;
  };
  const isoNow = () => new Date(clock.now()).toISOString();

  async function applyBatch(b: AppliedBatch): Promise<void> {
    const plan = planBatch(b, vars);
    if (plan.touched.length === 0 && plan.merges.length === 0) return;
    const ids = [...plan.touched, ...plan.merges.map((m) => m.from)];
    try {
      await foldBatch(plan, await storedOf(ids));
    } catch (e) {
      ids.forEach((id) => cache.delete(id)); // the table may or may not hold this pass: reload next time
      throw e;
    }
  }

  /**
   * The stored rows the pass builds on. Where the cache is authoritative (the embedded store, whose
   * single process makes every write through this service) a cached entry is that row: only
   * misses are read. On a shared Postgres another process may have written since, so all are read.
   */
  async function storedOf(ids: string[]): Promise<Map<string, StoredProfile>> {
    if (reloadMs !== Infinity) return await loadProfiles(bg, ids);
    const out = new Map<string, StoredProfile>();
    const misses: string[] = [];
    for (const id of ids) {
      const e = cache.get(id);
      if (e) out.set(id, { ...e.inputs, traits: e.evaluation.traits });
      else misses.push(id);
    }
    for (const [id, row] of await loadProfiles(bg, misses)) out.set(id, row);
    return out;
  }

  async function foldBatch(plan: ReturnType<typeof planBatch>, stored: Map<string, StoredProfile>): Promise<void> {
    for (const m of plan.merges) {
      const merged = mergeStored(stored.get(m.into), stored.get(m.from));
      if (merged) stored.set(m.into, merged);
      stored.delete(m.from);
      cache.delete(m.from);
    }
    const rows: Array<StoredProfile & { profileId: string }> = [];
    const evaluations: Evaluation[] = [];
    for (const [i, id] of plan.touched.entries()) {
      if (i > 0 && i % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r)); // let requests in between evaluations
      const prev = stored.get(id);
      const state = plan.states.get(id);
      const batchOrders = plan.orders.get(id) ?? [];
      let history: HistoryOrder[];
      if (prev) history = upsertHistory(prev.history, batchOrders);
      else if (state && state.orders.count + (state.orders.refunds > 0 ? 1 : 0) > batchOrders.length) history = historyFromOrders(await opts.profiles.orders(id, MAX_HISTORY));
      else history = upsertHistory([], batchOrders);
      const activity = foldActivity(prev?.activity ?? emptyActivity(), plan.events.get(id) ?? [], KEEP_NAMES);
      const snapshot = state ? snapshotOf(state) : prev?.snapshot ?? EMPTY_SNAPSHOT;
      const evaluation = evaluate(id, { history, activity, snapshot });
      evaluations.push(evaluation);
      rows.push({ profileId: id, history, activity, snapshot, traits: evaluation.traits });
    }
    const now = isoNow();
    // Rows alone need no transaction (one statement, and no COMMIT round trip).
    const written = plan.merges.length === 0 && plan.declared.length === 0 ? await saveProfiles(bg, rows, now) : await db.transaction(async (tx) => {
      for (const m of plan.merges) { await repointDeclared(tx, m.from, m.into); await deleteProfile(tx, m.from); }
      await upsertDeclared(tx, plan.declared, now);
      return await saveProfiles(tx, rows, now);
    }, { priority: 'background' });
    const declared = await loadDeclared(bg, plan.touched);
    rows.forEach((r, i) => {
      // A row the table kept (built from later events by a racing recompute) is not what was cached.
      if (!written.has(r.profileId)) { cache.delete(r.profileId); return; }
      cache.set(r.profileId, entryOf(r.profileId, { history: r.history, activity: r.activity, snapshot: r.snapshot }, declared.get(r.profileId) ?? [], evaluations[i]));
    });
  }

  /** Batches wait here in order; one worker applies whatever has accumulated as one pass. */
  const enqueue = (b: AppliedBatch) => {
    queue.push(b);
    worker ??= (async () => {
      while (queue.length > 0) {
        const pass = queue.splice(0, MAX_COALESCE);
        try { await applyBatch(combineBatches(pass)); } catch (e) { log.error({ err: e }, 'traits: applying a batch failed; recompute() repairs'); }
      }
    })().finally(() => { worker = undefined; });
  };

  async function settle(timeoutMs = 5000): Promise<boolean> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => { t = setTimeout(() => r(false), timeoutMs); });
    try {
      while (worker) if ((await Promise.race([worker.then(() => true), timeout])) === false) return false;
      return true;
    } finally { clearTimeout(t); }
  }

  async function timelineEvents(id: string): Promise<ActivityEvent[]> {
    return await opts.profiles.timeline(id, { limit: TIMELINE_LIMIT }) as ActivityEvent[];
  }

  /** From the sources of truth: the profile, its orders and its timeline. Undefined for an unknown profile. */
  async function build(id: string, known?: HistoryOrder[]): Promise<{ inputs: TraitInputs; timeline: ActivityEvent[] } | undefined> {
    const state = await opts.profiles.get(id);
    if (!state) return undefined;
    const history = known ?? historyFromOrders(await opts.profiles.orders(id, MAX_HISTORY));
    const timeline = await timelineEvents(id);
    return { inputs: { history, activity: foldActivity(emptyActivity(), timeline, KEEP_NAMES), snapshot: snapshotOf(state) }, timeline };
  }

  async function load(id: string): Promise<CacheEntry | undefined> {
    const hit = cache.get(id);
    if (hit && clock.now() - hit.loadedAt < reloadMs) return hit;
    const [stored, declared] = await Promise.all([loadProfiles(db, [id]), loadDeclared(db, [id])]);
    const row = stored.get(id);
    let inputs: TraitInputs;
    if (row) inputs = { history: row.history, activity: row.activity, snapshot: row.snapshot };
    else {
      const built = await build(id);
      if (!built) return undefined;
      inputs = built.inputs;
      const { traits } = evaluate(id, inputs);
      await db.transaction((tx) => saveProfiles(tx, [{ profileId: id, ...inputs, traits }], isoNow()));
    }
    const e = entryOf(id, inputs, declared.get(id) ?? []);
    cache.setUnlessNewer(id, e);
    return cache.get(id) ?? e;
  }

  async function loadOrThrow(id: string): Promise<CacheEntry> {
    await settle(2000);
    const e = await load(id);
    if (!e) throw notFound(`Profile ${id}`);
    return fresh(id, e);
  }

  /** peek() misses load stored rows in the background (never computing from scratch on that path). */
  function scheduleLoad(id: string): void {
    if (pendingLoads.size < 10_000) pendingLoads.add(id);
    if (loading) return;
    loading = true;
    setImmediate(() => {
      const ids = [...pendingLoads].slice(0, 1000);
      ids.forEach((x) => pendingLoads.delete(x));
      Promise.all([loadProfiles(low, ids), loadDeclared(low, ids)]).then(([stored, declared]) => {
        for (const [id, row] of stored) cache.setUnlessNewer(id, entryOf(id, { history: row.history, activity: row.activity, snapshot: row.snapshot }, declared.get(id) ?? []));
      }).catch((e: unknown) => log.warn({ err: e }, 'traits: cache load failed'))
        .finally(() => { loading = false; if (pendingLoads.size > 0) scheduleLoad(pendingLoads.values().next().value!); });
    });
  }

  async function allHistories(): Promise<Map<string, HistoryOrder[]>> {
    const rows = new Map<string, OrderRow[]>();
    for (let after = 0; ;) {
      const page = await opts.profiles.scanOrders(after, PAGE);
      for (const o of page) { const list = rows.get(o.profileId) ?? []; list.push(o); rows.set(o.profileId, list); }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    return new Map([...rows].map(([id, list]) => [id, historyFromOrders(list)]));
  }

  async function recompute(): Promise<{ profiles: number }> {
    await settle(60_000);
    const histories = await allHistories();
    const ids = new Set(histories.keys());
    for (let after = ''; ;) {
      const page = await pageProfileIds(low, after, PAGE);
      page.forEach((id) => ids.add(id));
      if (page.length < PAGE) break;
      after = page[page.length - 1]!;
    }
    const sorted = [...ids].sort();
    let count = 0;
    for (let i = 0; i < sorted.length; i += 100) {
      if (stopping) break; // shutdown must not wait for a whole rebuild; the next one redoes it
      const rows: Array<StoredProfile & { profileId: string }> = [];
      const gone: string[] = [];
      const declared: Array<DeclaredPreference & { profileId: string }> = [];
      // A few profiles in flight at once: Postgres serves them in parallel; the embedded store queues them.
      await mapLimit(sorted.slice(i, i + 100), RECOMPUTE_CONCURRENCY, async (id) => {
        const built = await build(id, histories.get(id) ?? []);
        if (!built) { gone.push(id); return; }
        const { traits } = evaluate(id, built.inputs);
        rows.push({ profileId: id, ...built.inputs, traits });
        if (opts.events) {
          const seqs = built.timeline.filter((e) => PREFERENCE_EVENTS.has(e.name)).map((e) => e.seq);
          const messages = seqs.length > 0 ? await opts.events.readSeqs(seqs) : new Map();
          for (const m of messages.values()) for (const d of capturePreferences(m, vars)) declared.push({ ...d, profileId: id });
        }
      });
      const now = isoNow();
      await db.transaction(async (tx) => {
        for (const id of gone) await deleteProfile(tx, id);
        await upsertDeclared(tx, declared, now);
        await saveProfiles(tx, rows, now);
      }, { priority: 'low' });
      [...gone, ...rows.map((r) => r.profileId)].forEach((id) => cache.delete(id));
      count += rows.length;
    }
    return { profiles: count };
  }

  async function refit(): Promise<TraitModel> {
    if (refitting) return refitting;
    refitting = (async () => {
      const histories = await allHistories();
      const next = await buildModelAsync(histories, clock.now(), model, clv);
      model = await db.transaction((tx) => insertModel(tx, next));
      log.info({ version: model.version, customers: model.customers, bgnbd: model.bgnbd, gammaGamma: model.gammaGamma }, 'traits: CLV model fitted');
      return model;
    })().finally(() => { refitting = undefined; });
    return refitting;
  }

  /** Loads a newer model another process stored; refits when due (autoRefit). */
  async function tick(): Promise<void> {
    if ((await latestModelVersion(low)) > model.version) model = (await loadLatestModel(low)) ?? model;
    if (firstTick) {
      firstTick = false;
      // Deployed onto a database that already has orders: build everyone's traits once.
      if (await isEmpty(low) && (await opts.profiles.scanOrders(0, 1)).length > 0) log.info(await recompute(), 'traits: initial recompute');
    }
    if (opts.autoRefit === false) return;
    const age = model.fittedAt ? clock.now() - Date.parse(model.fittedAt) : Infinity;
    if (age < refitEveryMs) return;
    const buyers = await low.query<{ n: number }>(`select count(*)::int as n from (select 1 from traits_profiles where (traits->'rfm'->>'frequency')::int > 0 limit 50) x`);
    if ((buyers.rows[0]?.n ?? 0) >= 50) await refit();
  }

  function loop(): void {
    background = tick().catch((e: unknown) => log.warn({ err: e }, 'traits: model refresh failed'))
      .finally(() => { if (unsubscribe) { timer = setTimeout(loop, POLL_MS); timer.unref(); } });
  }

  return {
    peek(id) {
      const e = cache.get(id);
      if (!e) { scheduleLoad(id); return undefined; }
      if (clock.now() - e.loadedAt > reloadMs) scheduleLoad(id);
      return fresh(id, e).evaluation.traits;
    },
    async get(id) { return (await loadOrThrow(id)).evaluation.traits; },
    async preferences(id) {
      const e = await loadOrThrow(id);
      return resolvePreferences(vars, e.declared, e.evaluation.inferred, clock.now());
    },
    peekPreferences(id) {
      const e = cache.get(id);
      if (!e) { scheduleLoad(id); return undefined; }
      return resolvePreferences(vars, e.declared, fresh(id, e).evaluation.inferred, clock.now());
    },
    async setPreferences(id, values, source, o = {}) {
      const checked = validateValues(vars, values);
      if (!SOURCE_NAME.test(source)) throw invalid('source', 'must match ^[a-z][a-z0-9_:.-]{0,49}$');
      const atMs = o.at === undefined ? clock.now() : parseTimestamp(o.at);
      if (atMs === undefined) throw invalid('at', 'must be an ISO-8601 timestamp');
      const e = await loadOrThrow(id);
      const removed = Object.keys(checked).filter((k) => checked[k] === null);
      if (o.replace) removed.push(...vars.map((v) => v.name).filter((n) => !(n in checked)));
      const sets = Object.entries(checked).filter(([, v]) => v !== null)
        .map(([variable, value]) => ({ profileId: id, variable, value: value!, source, at: atMs, evidence: { via: 'api' } }));
      await db.transaction(async (tx) => { await deleteDeclared(tx, id, removed); await upsertDeclared(tx, sets, isoNow()); });
      e.declared = (await loadDeclared(db, [id])).get(id) ?? [];
      return resolvePreferences(vars, e.declared, e.evaluation.inferred, clock.now());
    },
    variables: () => vars.map((v) => ({ ...v, ...(v.options ? { options: [...v.options] } : {}) })),
    recompute,
    refit,
    model: () => model,
    settle,
    start() {
      if (unsubscribe) return;
      stopping = false;
      unsubscribe = opts.profiles.projector.onApplied(enqueue);
      loop();
    },
    async stop() {
      stopping = true;
      unsubscribe?.();
      unsubscribe = undefined;
      if (timer) clearTimeout(timer);
      await background.catch(() => undefined);
      await refitting?.catch(() => undefined);
      await settle(60_000);
    },
  };
}

/** Runs fn over items with at most `limit` in flight. */
async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async () => { while (next < items.length) await fn(items[next++]!); };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}
