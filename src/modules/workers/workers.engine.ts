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
import type { ComputedTraits } from '../traits/index.ts';
import { CHANNEL_PURPOSE, PUSH_TOKEN_TRAITS, type ChannelName, type SendRequest } from '../channels/index.ts';
import {
  claimDue, entryHistory, insertInstances, reassignInstances, saveInstances, waitingFor,
} from './workers.store.ts';
import { runSteps, timeZoneOf, type ShopperView, type StepEnv } from './workers.steps.ts';
import type { Bucket, GuardrailSettings } from './workers.guardrails.ts';
import type { EventTrigger, Instance, WorkerDefinition } from './workers.types.ts';
import type { WorkersDeps } from './workers.deps.ts';
import { eventProducts } from './workers.render.ts';
import { targetEntry, upliftFeatures, type UpliftModel } from './workers.uplift.ts';
import { armedStep, assignArms } from './workers.arms.ts';
import { createEngagementReader } from './workers.engagement.ts';
import { createRanker } from './workers.rank.ts';

const DAY = 86_400_000;
/** Trigger events older than this (replays, imports of history) start no journey. */
export const MAX_TRIGGER_AGE_MS = DAY;
const YIELD_EVERY = 16;
const LEASE_MS = 60_000;
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
    stats.entered += inserted.size;
    stats.enterMs += performance.now() - t0;
    return inserted.size;
  }

  /** Everything the steps need about the batch's shoppers, in a few statements (not one per shopper). */
  async function loadShoppers(ids: string[], nowMs: number, needReach: Set<string>): Promise<Map<string, ShopperView>> {
    const settings = hooks.settings();
    // Channel choice (`channel: auto`, the same shoppers as needReach) also divides responses by Braid's own sends.
    const [contacts, profiles, idents, sent] = await Promise.all([
      w.channels.contacts(ids, nowMs - 7 * DAY), w.profiles.getMany(ids), w.identity.identitiesOf([...needReach]), w.channels.sentCounts([...needReach]),
    ]);
    const out = new Map<string, ShopperView>();
    for (const id of ids) {
      const p = profiles.get(id);
      let reachable = new Set<ChannelName>(['email', 'sms', 'push', 'webhook', 'in_app']);
      if (needReach.has(id)) {
        const mine = idents.get(id) ?? [];
        reachable = new Set<ChannelName>(['webhook', 'in_app']);
        if (mine.some((i) => i.type === 'email')) reachable.add('email');
        if (mine.some((i) => i.type === 'phone')) reachable.add('sms');
        if (PUSH_TOKEN_TRAITS.some((t) => typeof p?.traits[t] === 'string')) reachable.add('push');
      }
      out.set(id, {
        profileId: id, profile: p ? profileScope(p, brain.sensitiveTraits) : undefined, traits: filterSensitive(p?.traits ?? {}, brain.sensitiveTraits),
        computed: w.traits?.peek(id) ?? undefined, timeZone: timeZoneOf(p?.traits ?? {}, settings.defaultTimezone),
        contacts: [...(contacts.get(id) ?? [])], reachable, sent: sent.get(id),
      });
    }
    return out;
  }

  /** Consent answers for every (shopper, purpose) the batch's send steps could use, in one statement. */
  async function prefetchConsent(batch: Instance[], defs: Map<string, WorkerDefinition | undefined>): Promise<Map<string, { allowed: boolean }>> {
    const pairs = new Map<string, { profileId: string; purpose: string }>();
    for (const inst of batch) {
      if (inst.holdout) continue;
      const def = defs.get(`${inst.workerId}@${inst.version}`);
      for (const st of def?.steps ?? []) {
        if (st.type !== 'send' || st.transactional) continue;
        for (const c of st.channels) { const purpose = CHANNEL_PURPOSE[c]; pairs.set(`${inst.profileId}\u0000${purpose}`, { profileId: inst.profileId, purpose }); }
      }
    }
    const list = [...pairs.entries()];
    const answers = await w.consent.checkMany(list.map(([, p]) => p));
    return new Map(list.map(([k], i) => [k, answers[i]!]));
  }

  /** Runs due (or just-woken) instances forward, sends their messages in one batch, saves them. */
  async function advance(batch: Instance[], nowMs: number): Promise<void> {
    if (batch.length === 0) return;
    const defs = new Map<string, WorkerDefinition | undefined>();
    for (const inst of batch) {
      const k = `${inst.workerId}@${inst.version}`;
      if (!defs.has(k)) defs.set(k, await hooks.definition(inst.workerId, inst.version));
    }
    const live = hooks.live();
    const needReach = new Set<string>();
    for (const inst of batch) {
      const def = defs.get(`${inst.workerId}@${inst.version}`);
      if (def?.steps.some((s) => s.type === 'send' && s.channel === 'auto')) needReach.add(inst.profileId);
    }
    const [shoppers, consent] = await Promise.all([loadShoppers([...new Set(batch.map((i) => i.profileId))], nowMs, needReach), prefetchConsent(batch, defs)]);
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
    const t0 = performance.now();
    let n = 0;
    for (const inst of batch) {
      // Rendering is synchronous CPU work: yield to the event loop every few journeys so database
      // replies (the delivery queue's, ingestion's) are taken while a batch renders, instead of the
      // database thread idling for the whole batch.
      if (++n % YIELD_EVERY === 0) await yieldToEventLoop();
      const def = defs.get(`${inst.workerId}@${inst.version}`);
      if (!def) { inst.state = 'exited'; inst.exitReason = 'definition_missing'; continue; }
      if (!live.has(inst.workerId)) { inst.state = 'exited'; inst.exitReason = 'worker_paused'; continue; }
      stats.stepsRun++;
      for (const send of await runSteps(inst, def, shoppers.get(inst.profileId)!, env)) { sends.push(send); senders.push(inst); }
      if (inst.state !== 'waiting') stats.exits++;
    }
    if (sends.length > 0) {
      const outcomes = await w.channels.send(sends);
      stats.sendsPlanned += sends.length;
      outcomes.forEach((o, i) => {
        const inst = senders[i]!;
        inst.ctx.trail.push({ step: sends[i]!.stepId ?? '?', outcome: `${o.outcome} ${sends[i]!.channel} ${o.messageId}${o.reason ? ` (${o.reason})` : ''}`, at: nowMs });
      });
    }
    await saveInstances(db, batch, nowMs);
    stats.advanceMs += performance.now() - t0;
  }

  /**
   * Claims and advances due instances until none are due (bounded per call). On the embedded store
   * the leases live here (claimDue `local`): a batch whose advance failed stays held for the lease
   * time, as a written lease would, so it cannot block the journeys behind it on every tick.
   */
  async function runDue(limit = 500, maxBatches = 20): Promise<number> {
    let n = 0;
    for (let b = 0; b < maxBatches; b++) {
      const nowMs = deps.clock.now();
      for (const [id, until] of localLeases) if (until <= nowMs) localLeases.delete(id);
      const due = await claimDue(db, nowMs, limit, LEASE_MS, db.dialect === 'pglite' ? { held: [...localLeases.keys()] } : undefined);
      if (due.length === 0) break;
      if (db.dialect === 'pglite') for (const inst of due) localLeases.set(inst.id, nowMs + LEASE_MS);
      await advance(due, nowMs);
      for (const inst of due) localLeases.delete(inst.id);
      n += due.length;
      if (due.length < limit) break;
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
/** Computed traits as rules see them, plus derived fields a condition cannot compute itself. */
export function traitsScope(t: ComputedTraits | undefined, nowMs: number): Record<string, unknown> | undefined {
  if (!t) return undefined;
  let due = Infinity;
  for (const r of t.replenishment) due = Math.min(due, (Date.parse(r.nextDueAt) - nowMs) / DAY);
  return { ...t, replenishmentDueDays: Number.isFinite(due) ? Math.round(due * 10) / 10 : null };
}
/** What rules may see of a profile: never its sensitive traits. */
export function profileScope(p: ProfileState, sensitive: readonly string[]): Record<string, unknown> {
  return { id: p.id, userId: p.userId, traits: filterSensitive(p.traits, sensitive), cart: p.cart, wishlist: p.wishlist, recentViews: p.recentViews, orders: p.orders, signals: p.signals, firstSeenAt: p.firstSeenAt, lastSeenAt: p.lastSeenAt };
}
/** The lower-cased sensitive list as a set, once per list (the config's one array). */
const blocked = new WeakMap<readonly string[], Set<string>>();
export function filterSensitive(traits: Record<string, unknown>, sensitive: readonly string[]): Record<string, unknown> {
  let block = blocked.get(sensitive);
  if (!block) blocked.set(sensitive, block = new Set(sensitive.map((s) => s.toLowerCase())));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(traits)) if (!block.has(k.toLowerCase())) out[k] = v;
  return out;
}
