/**
 * The journey engine. Entries and event-driven transitions come from the profile projection
 * (after commit, in log order); timers are a due time on each instance row, claimed in batches
 * with a lease, so they survive restarts and follow Braid's injectable clock (the simulator runs
 * 90 days in minutes). Everything that touches instances runs through one serial queue per
 * process, so entries, events and timers never race on a row here; across processes the lease
 * and SKIP LOCKED keep two processes off the same due instance.
 */
import type { CoreDeps } from '../../core/index.ts';
import { atPriority, evaluateCondition, newId } from '../../core/index.ts';
import { assignGlobal, assignWorkerHoldout, ASSIGNMENT_VERSION, hashBucket } from '../experiments/index.ts';
import type { AppliedBatch, ProfileState } from '../profiles/index.ts';
import { CHANNEL_PURPOSE, type SendRequest } from '../channels/index.ts';
import {
  claimDue, entryHistory, insertInstances, reassignInstances, releaseLeases, saveInstances, waitingFor,
} from './workers.store.ts';
import { runSteps, type StepEnv } from './workers.steps.ts';
import type { Bucket, GuardrailSettings } from './workers.guardrails.ts';
import type { EventTrigger, Instance, WorkerDefinition } from './workers.types.ts';
import type { WorkersDeps } from './workers.deps.ts';
import { eventProducts } from './workers.render.ts';
import { targetEntry, upliftFeatures, type UpliftModel } from './workers.uplift.ts';
import { armedStep, assignArms } from './workers.arms.ts';
import { createEngagementReader } from './workers.engagement.ts';
import { createRanker } from './workers.rank.ts';
import { profileScope, traitsScope } from './workers.scope.ts';
import { createBatchLoader, type Loaded } from './workers.load.ts';

const DAY = 86_400_000;
/** Trigger events older than this (replays, imports of history) start no journey. */
export const MAX_TRIGGER_AGE_MS = DAY;
const YIELD_EVERY = 16;
const LEASE_MS = 60_000;
/** Due journeys are claimed in batches of DUE_BATCH, at most DUE_PER_PASS per runDue (then the serial queue lets others in). */
const DUE_BATCH = 500;
export const DUE_PER_PASS = 10_000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface LiveWorker { def: WorkerDefinition; version: number }

export interface EngineHooks {
  /** Workers that are on, by id (current version). */
  live(): ReadonlyMap<string, LiveWorker>;
  definition(workerId: string, version: number): Promise<WorkerDefinition | undefined>;
  settings(): GuardrailSettings;
  /** The worker's current uplift model (entry.uplift), if one is trained. */
  upliftModel(workerId: string): UpliftModel | undefined;
}

export interface EngineStats { entered: number; upliftSkipped: number; sendsPlanned: number; stepsRun: number; exits: number; ticks: number; advanceMs: number; enterMs: number; applyMs: number }

export interface Entry { def: WorkerDefinition; version: number; profileId: string; key: string | null; entryKey: string; event?: Instance['ctx']['event']; seq: number }

export function createEngine(deps: CoreDeps, w: WorkersDeps, hooks: EngineHooks) {
  const db = deps.db;
  /** Entries and the events of projected batches yield to the projection itself (core/db Priority); due journeys do not. */
  const bg = atPriority(db, 'background');
  const rank = createRanker(db);
  const engagement = createEngagementReader(w.channels);
  const brain = deps.config.brain;
  const buckets = new Map<string, Bucket>();
  /** Due instances this process is advancing, to when (embedded store only; see runDue). */
  const localLeases = new Map<string, number>();
  const stats: EngineStats = { entered: 0, upliftSkipped: 0, sendsPlanned: 0, stepsRun: 0, exits: 0, ticks: 0, advanceMs: 0, enterMs: 0, applyMs: 0 };
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn, fn);
    chain = p.catch((err) => deps.log.error({ err }, 'workers: task failed'));
    return p;
  };

  /**
   * The arm, from the versioned, salted hash of the profile id (global control first, then the
   * worker's own holdout). Recorded on the journey with the hash version and never recomputed.
   */
  const holdoutOf = (def: WorkerDefinition, profileId: string): string | null => {
    if (assignGlobal(profileId, brain.holdoutSalt, brain.globalHoldoutPct).group === 'control') return 'global_control';
    return assignWorkerHoldout(profileId, brain.holdoutSalt, def.id, def.holdoutPct).heldOut ? 'worker_holdout' : null;
  };

  /** Applies re-entry rules (against the database and earlier entries of the same batch) and inserts. */
  async function enter(entries: Entry[], nowMs: number): Promise<number> {
    if (entries.length === 0) return 0;
    const t0 = performance.now();
    // Profiles are read for uplift targeting and for "again only after an order" (its last order time).
    const targeted = [...new Set(entries.filter((e) => e.def.entry.uplift || e.def.entry.reentry === 'after_order').map((e) => e.profileId))];
    const [history, profiles] = await Promise.all([
      entryHistory(bg, [...new Set(entries.map((e) => e.def.id))], [...new Set(entries.map((e) => e.profileId))]),
      targeted.length > 0 ? w.profiles.getMany(targeted) : Promise.resolve(new Map<string, ProfileState>()),
    ]);
    const rows: Array<Instance & { entryKey: string }> = [];
    for (const e of entries) {
      const k = `${e.def.id}|${e.profileId}`;
      const h = history.get(k);
      const rule = e.def.entry;
      if (h && (rule.reentry === 'never' || h.running || ((rule.reentry === 'cooldown' || rule.reentry === 'after_order') && nowMs - h.lastEntry < rule.cooldownMs))) continue;
      if (h && rule.reentry === 'after_order' && !(Date.parse(profiles.get(e.profileId)?.orders.lastOrderAt ?? '') > h.lastEntry)) continue;
      // Uplift targeting decides who enters at all, BEFORE the holdout split: both arms come from
      // the targeted population, so the holdout measures what the worker does to those it admits.
      let uplift: Instance['ctx']['uplift'];
      if (rule.uplift) {
        const stamp = targetEntry(rule.uplift, hooks.upliftModel(e.def.id), upliftFeatures(profiles.get(e.profileId), nowMs),
          hashBucket(e.entryKey, `${brain.holdoutSalt}:explore:${e.def.id}`));
        if (!stamp) { stats.upliftSkipped++; continue; }
        uplift = stamp;
      }
      history.set(k, { lastEntry: nowMs, running: true });
      const holdout = holdoutOf(e.def, e.profileId);
      // A/B/n arms only for treated shoppers, from the same versioned hash (workers.arms.ts); logged on the row and the trail.
      const arms = holdout ? null : assignArms(e.def, e.profileId, brain.holdoutSalt);
      const inst: Instance & { entryKey: string } = {
        id: newId('ins', deps.clock), workerId: e.def.id, version: e.version, profileId: e.profileId, key: e.key, state: 'waiting', step: 0,
        wakeAt: nowMs, waitEvent: null, holdout, assignment: ASSIGNMENT_VERSION, arms, exitReason: null, enteredAt: nowMs, entryKey: e.entryKey,
        ctx: { event: e.event, trail: arms ? [{ step: 'arms', outcome: `assigned ${Object.entries(arms).map(([x, a]) => `${x}=${a}`).join(' ')} (${ASSIGNMENT_VERSION})`, at: nowMs }] : [], seq: e.seq, ...(uplift ? { uplift } : {}) } as Instance['ctx'],
      };
      startTimer(inst, e.def, nowMs);
      rows.push(inst);
    }
    const inserted = await insertInstances(bg, rows, nowMs);
    stats.entered += inserted;
    stats.enterMs += performance.now() - t0;
    return inserted;
  }

  const load = createBatchLoader(w, hooks, brain.sensitiveTraits);
  interface Planned { sends: SendRequest[]; senders: Instance[] }

  /** Runs the steps (decisions, rendering: main-thread CPU) and collects the sends; writes nothing. */
  async function plan(l: Loaded): Promise<Planned> {
    const { batch, nowMs, defs, shoppers, consent } = l;
    const live = hooks.live();
    const env: StepEnv = {
      nowMs, settings: hooks.settings(), buckets,
      decide: (inst, placement, candidates) => w.decisioning.decide({
        ref: inst.profileId, placement, candidates,
        context: { time: new Date(nowMs).toISOString(), source: { channel: 'worker', campaignId: inst.workerId, ...(inst.arms ? { arms: inst.arms } : {}) }, page: pageOf(inst) },
      }),
      consented: async (profileId, purpose) => consent.get(`${profileId}\u0000${purpose}`) ?? w.consent.check(profileId, purpose),
      render: (input) => w.render(input),
      unsubscribeUrl: (profileId, purpose) => w.channels.unsubscribeUrl(profileId, purpose),
      rank, engagement,
    };
    const sends: SendRequest[] = [];
    const senders: Instance[] = [];
    let n = 0;
    for (const inst of batch) {
      // Rendering is synchronous CPU work: yield to the event loop every few journeys so database
      // replies (the delivery queue's, ingestion's, the next due batch's) are taken while a batch
      // renders, instead of the database thread idling for the whole batch.
      if (++n % YIELD_EVERY === 0) await yieldToEventLoop();
      const def = defs.get(`${inst.workerId}@${inst.version}`);
      if (!def) { inst.state = 'exited'; inst.exitReason = 'definition_missing'; continue; }
      if (!live.has(inst.workerId)) { inst.state = 'exited'; inst.exitReason = 'worker_paused'; continue; }
      stats.stepsRun++;
      for (const send of await runSteps(inst, def, shoppers.get(inst.profileId)!, env)) { sends.push(send); senders.push(inst); }
      if (inst.state !== 'waiting') stats.exits++;
    }
    return { sends, senders };
  }

  /** Queues the batch's messages (one transaction) and saves its instances. */
  async function commit(l: Loaded, { sends, senders }: Planned): Promise<void> {
    if (sends.length > 0) {
      const outcomes = await w.channels.send(sends);
      stats.sendsPlanned += sends.length;
      outcomes.forEach((o, i) => {
        const inst = senders[i]!;
        inst.ctx.trail.push({ step: sends[i]!.stepId ?? '?', outcome: `${o.outcome} ${sends[i]!.channel} ${o.messageId}${o.reason ? ` (${o.reason})` : ''}`, at: l.nowMs });
      });
    }
    await saveInstances(db, l.batch, l.nowMs);
  }

  /** Runs due (or just-woken) instances forward, sends their messages in one batch, saves them. */
  async function advance(batch: Instance[], nowMs: number): Promise<void> {
    if (batch.length === 0) return;
    const l = await load(batch, nowMs);
    const t0 = performance.now();
    await commit(l, await plan(l));
    stats.advanceMs += performance.now() - t0;
  }

  /**
   * Claims and advances due instances until none are due (bounded per call), as a pipeline: while
   * the main thread runs one batch's steps, the database claims and reads the next, then writes
   * the one before. The next claim skips the shoppers of the batch being planned and starts only
   * after the batch before it is written, so every batch's caps and gaps see all earlier sends.
   * On the embedded store the leases live here (claimDue `local`): a batch whose sends failed
   * stays held for the lease time, as a written lease would, so it cannot block the journeys behind
   * it on every tick, and so does one whose steps failed; a batch claimed but not run, or run but
   * not sent because the batch before it failed, is let go at once.
   */
  async function runDue(limit = DUE_BATCH, maxBatches = DUE_PER_PASS / DUE_BATCH): Promise<number> {
    const local = db.dialect === 'pglite';
    const claimNext = async (skip: Instance[]): Promise<Loaded | undefined> => {
      const nowMs = deps.clock.now();
      for (const [id, until] of localLeases) if (until <= nowMs) localLeases.delete(id);
      const due = await claimDue(db, nowMs, limit, LEASE_MS, {
        ...(local ? { local: { held: [...localLeases.keys()] } } : {}), skipProfiles: [...new Set(skip.map((i) => i.profileId))],
      });
      if (due.length === 0) return undefined;
      if (local) for (const inst of due) localLeases.set(inst.id, nowMs + LEASE_MS);
      try { return await load(due, nowMs); } catch (err) { letGo(due); throw err; }
    };
    const letGo = (batch: Instance[]) => { for (const inst of batch) localLeases.delete(inst.id); };
    let n = 0;
    let next: Promise<Loaded | undefined> = claimNext([]);
    let written: Promise<void> = Promise.resolve();
    let pending: Instance[] = []; // claimed, not yet handed to a write
    try {
      for (let b = 0; b < maxBatches; b++) {
        const cur = await next;
        if (!cur) break;
        const before = written;
        next = cur.batch.length === limit && b + 1 < maxBatches ? before.then(() => claimNext(cur.batch)) : Promise.resolve(undefined);
        next.catch(() => undefined); // awaited next round, or settled below on failure
        const t0 = performance.now();
        const planned = await plan(cur); // if this throws, the batch stays held (see above)
        pending = cur.batch;
        await before;
        written = commit(cur, planned).then(() => letGo(cur.batch));
        written.catch(() => undefined);
        pending = [];
        stats.advanceMs += performance.now() - t0;
        n += cur.batch.length;
      }
      await written;
    } catch (err) {
      // Nothing of this call may run on after it returns (the serial queue would start the next task).
      const [claimed] = await Promise.allSettled([next, written]);
      const unrun = [...pending, ...(claimed.status === 'fulfilled' && claimed.value ? claimed.value.batch : [])];
      letGo(unrun);
      // A written lease (Postgres) would hold them for LEASE_MS although nothing of theirs ran.
      if (!local) await releaseLeases(db, unrun.map((i) => i.id)).catch((e: unknown) => deps.log.warn({ err: e }, 'workers: releasing leases failed; they expire'));
      throw err;
    }
    stats.ticks++;
    return n;
  }

  /** Entries from trigger events, then goal exits and wait-for-event transitions, in log order. */
  async function applyBatch(batch: AppliedBatch): Promise<void> {
    const nowMs = deps.clock.now();
    await reassignInstances(bg, batch.merged);
    const live = hooks.live();
    const bySeq = new Map(batch.messages.map((m) => [m.seq, m]));
    const profiles = new Map(batch.profiles.map((p) => [p.id, p]));
    const entries: Entry[] = [];
    const watched = new Set<string>();
    for (const { def } of live.values()) {
      watched.add(def.goal.event);
      for (const s of def.steps) if (s.type === 'wait_for_event') watched.add(s.event);
    }
    for (const ev of batch.events) {
      const at = Date.parse(ev.at);
      for (const { def, version } of live.values()) {
        const t = def.trigger;
        if (t.type !== 'event' || t.event !== ev.name || nowMs - at > MAX_TRIGGER_AGE_MS) continue;
        const props = bySeq.get(ev.seq)?.properties ?? {};
        const event = { name: ev.name, properties: props };
        if (t.where || def.entry.where) { // built only when a rule needs it (traits may have to be loaded)
          const scope = { event, profile: profiles.get(ev.profileId) && profileScope(profiles.get(ev.profileId)!, brain.sensitiveTraits), traits: traitsScope(w.traits?.peek(ev.profileId), nowMs) };
          if (t.where && !evaluateCondition(t.where, scope, nowMs)) continue;
          if (def.entry.where && !evaluateCondition(def.entry.where, scope, nowMs)) continue;
        }
        entries.push({ def, version, profileId: ev.profileId, key: keyOf(t, props), entryKey: `${def.id}:e${ev.seq}`, event, seq: ev.seq });
      }
    }
    await enter(entries, nowMs);
    const relevant = batch.events.filter((e) => watched.has(e.name));
    if (relevant.length === 0) return;
    const waiting = await waitingFor(bg, [...new Set(relevant.map((e) => e.profileId))]);
    const changed: Instance[] = [];
    const woken: Instance[] = [];
    for (const inst of waiting) {
      const def = await hooks.definition(inst.workerId, inst.version);
      if (!def) continue;
      const entrySeq = (inst.ctx as { seq?: number }).seq ?? 0;
      for (const ev of relevant) {
        if (ev.profileId !== inst.profileId || ev.seq <= entrySeq) continue;
        const props = bySeq.get(ev.seq)?.properties ?? {};
        if (ev.name === def.goal.event && (!def.goal.matchKey || sameKey(inst.key, props, keyName(def)))) {
          inst.state = 'done'; inst.exitReason = 'goal'; inst.waitEvent = null;
          inst.ctx.trail.push({ step: 'goal', outcome: `${ev.name} (seq ${ev.seq})`, at: nowMs });
          changed.push(inst); break;
        }
        const waitStep = def.steps[inst.step - 1];
        if (inst.waitEvent === ev.name && waitStep?.type === 'wait_for_event' && (!waitStep.match || sameKey(inst.ctx.event?.properties[waitStep.match] ?? null, props, waitStep.match))) {
          inst.waitEvent = null;
          inst.ctx.trail.push({ step: waitStep.id, outcome: `${ev.name} arrived (seq ${ev.seq})`, at: nowMs });
          if (waitStep.onEvent === 'exit') { inst.state = 'done'; inst.exitReason = `event:${ev.name}`; changed.push(inst); break; }
          if (typeof waitStep.onEvent === 'object') inst.step = def.steps.findIndex((s) => s.id === (waitStep.onEvent as { goto: string }).goto);
          inst.wakeAt = nowMs;
          woken.push(inst); break;
        }
      }
    }
    await saveInstances(bg, changed, nowMs);
    await advance(woken, nowMs);
  }

  return {
    stats,
    enter: (entries: Entry[]) => serial(() => enter(entries, deps.clock.now())),
    /** Enters without queueing: only from inside `exclusive` (triggers that scan run there). */
    enterNow: (entries: Entry[]) => enter(entries, deps.clock.now()),
    /** Runs `fn` in this process's serial queue, so it never races entries, events or timers. */
    exclusive: <T>(fn: () => Promise<T>) => serial(fn),
    applyBatch: (batch: AppliedBatch) => serial(async () => { const t0 = performance.now(); await applyBatch(batch); stats.applyMs += performance.now() - t0; }),
    runDue: (limit?: number) => serial(() => runDue(limit)),
    /** Exits waiting instances of these profiles whose worker can no longer reach them (consent withdrawn). */
    exitWithoutConsent: (profileIds: string[]) => serial(async () => {
      const nowMs = deps.clock.now();
      const insts = await waitingFor(db, profileIds);
      const changed: Instance[] = [];
      for (const inst of insts) {
        const def = await hooks.definition(inst.workerId, inst.version);
        const channels = new Set(def?.steps.flatMap((s) => (s.type === 'send' && !s.transactional ? s.channels : [])) ?? []);
        if (channels.size === 0) continue;
        let any = false;
        for (const c of channels) if ((await w.consent.check(inst.profileId, CHANNEL_PURPOSE[c])).allowed) { any = true; break; }
        if (!any) { inst.state = 'exited'; inst.exitReason = 'consent_withdrawn'; inst.waitEvent = null; changed.push(inst); }
      }
      await saveInstances(db, changed, nowMs);
      return changed.length;
    }),
    idle: () => serial(async () => undefined),
  };
}

export type Engine = ReturnType<typeof createEngine>;

/**
 * A journey whose first step is a wait starts its timer as it is inserted: no due pass (claim,
 * load, save) is spent on setting a clock, which is most of the cost of an entry.
 */
function startTimer(inst: Instance, def: WorkerDefinition, nowMs: number): void {
  const first = def.steps[0] && armedStep(def.steps[0], inst.arms);
  if (first?.type === 'wait') {
    inst.step = 1; inst.wakeAt = nowMs + first.durationMs;
    inst.ctx.trail.push({ step: first.id, outcome: 'waiting', at: nowMs });
  } else if (first?.type === 'wait_for_event') {
    inst.step = 1; inst.wakeAt = nowMs + first.timeoutMs; inst.waitEvent = first.event;
    inst.ctx.trail.push({ step: first.id, outcome: `awaiting ${first.event}`, at: nowMs });
  }
}

function keyOf(t: EventTrigger, props: Record<string, unknown>): string | null {
  if (!t.key) return null;
  const v = props[t.key];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
}
function keyName(def: WorkerDefinition): string | undefined { return def.trigger.type === 'event' ? def.trigger.key : undefined; }
/** Same cart/order? A journey without a key value matches any event of the name. */
function sameKey(value: unknown, props: Record<string, unknown>, key: string | undefined): boolean {
  if (value === null || value === undefined || !key) return true;
  const v = props[key];
  return v !== undefined && String(v) === String(value);
}
function pageOf(inst: Instance): { productIds?: string[] } {
  const ids = eventProducts(inst.ctx.event?.properties);
  return ids.length > 0 ? { productIds: ids } : {};
}
