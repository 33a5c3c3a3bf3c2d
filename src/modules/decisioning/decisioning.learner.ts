/**
 * Outcome learning. Each decision's chosen arms and feature vectors wait in memory for their
 * attribution window; an order by the same shopper inside the window marks them converted (the
 * log gets reward = revenue - COGS at the order's time - discount at once), and the window's end
 * without one is y = 0. The model learns both outcomes only when the window closes (censoring):
 * a decision still inside its window is neither a negative nor yet a positive, so an arm chosen
 * often lately is not inflated by its quick conversions while its non-conversions are still
 * pending (learning positives at once and negatives a window later made arms that were chosen in
 * a stretch look better than they are, and then worse, so the policy swung between them). Views and clicks (`Decision Viewed` / `Decision Clicked` with a decisionId) are recorded.
 * Models are snapshotted to the database every 30 s when they changed; the version stamped on a
 * decision is `<snapshot>+<updates since>`. After a restart, open decisions are re-read.
 *
 * Several processes: outcomes are learned by the process that projects the batch; the others
 * pick up its snapshots on `reload()`. (A shared model server is future work.)
 */
import { newId, type CoreDeps } from '../../core/index.ts';
import type { CachedProduct, CatalogCache, CatalogService } from '../catalog/index.ts';
import type { AppliedBatch, OrderRow } from '../profiles/index.ts';
import type { DecisionLog } from './decisioning.log.ts';
import { ModelStore } from './decisioning.hierarchy.ts';
import { deserializeModels, serializeModels, updateModel, type ArmModel, type ArmPrior, type SerializedModels } from './decisioning.model.ts';
import type { Candidate } from './decisioning.types.ts';

const SNAPSHOT_MS = 30_000;
const SWEEP_MS = 60_000;
const MAX_OPEN = 500_000;

interface Open { id: string; profileId: string | null; atMs: number; learn: Array<{ arm: string; x: Float64Array | number[]; offset: number }>; /** An order came inside the window (learned as y = 1 when it closes). */ converted?: boolean }

export interface Learner {
  modelOf(c: Candidate): ArmModel;
  version(): string;
  track(d: Open): void;
  applyBatch(batch: AppliedBatch): void;
  /** Processes what applyBatch queued; resolves when done (tests). */
  settle(): Promise<void>;
  /** Closes windows that ended: each decision's arms learn y = 1 if it converted, else 0. Returns how many. */
  sweep(): Promise<number>;
  noteApprentice(placement: string, agreed: boolean): void;
  stats(): { version: string; updates: number; arms: Record<string, { n: number; weights: Record<string, number> }>; open: number; apprentice: Record<string, { decisions: number; agreed: number; agreement: number }> };
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createLearner(deps: CoreDeps, c: {
  log: DecisionLog; catalog: CatalogService; cache: CatalogCache; priorOf: (c: Candidate) => ArmPrior; featureNames: readonly string[];
}): Learner {
  const windowMs = deps.config.brain.attributionWindowHours * 3_600_000;
  const outcomeEvent = deps.config.brain.outcomeEvent;
  let store = new ModelStore();
  let snapshot = 'mdl_prior', updates = 0, sinceSnapshot = 0, dirty = false;
  const open = new Map<string, Open>();
  const byProfile = new Map<string, Set<string>>();
  const apprentice = new Map<string, { decisions: number; agreed: number }>();
  let queue: Promise<void> = Promise.resolve();
  const timers: NodeJS.Timeout[] = [];

  const learn = (o: Open, y: 0 | 1) => {
    for (const l of o.learn) {
      const x = l.x instanceof Float64Array ? l.x : Float64Array.from(l.x);
      // An arm unknown to this process (deleted or never seen) has nothing to update.
      if (store.learn(l.arm, x, y, l.offset, updateModel)) { updates++; sinceSnapshot++; dirty = true; }
    }
  };
  /** Stops matching orders to the decision (it converted or its window closed). */
  const unindex = (o: Open) => {
    if (o.profileId) { const s = byProfile.get(o.profileId); s?.delete(o.id); if (s && s.size === 0) byProfile.delete(o.profileId); }
  };
  const close = (o: Open) => { open.delete(o.id); unindex(o); };

  async function unitCost(item: Record<string, unknown>, atMs: number): Promise<number | undefined> {
    const pid = typeof item.productId === 'string' ? item.productId : undefined;
    const cached: CachedProduct | undefined = pid ? c.cache.get(pid) : undefined;
    const vid = typeof item.variantId === 'string' ? item.variantId : cached?.lead?.id;
    if (vid) { const pv = await c.catalog.priceAt(vid, atMs); if (pv?.cost !== null && pv?.cost !== undefined) return pv.cost; }
    return cached?.lead?.cost ?? undefined;
  }

  /** revenue - COGS at the order's time - discount; an item of unknown cost counts at 70% of its price. */
  async function contributionOf(o: OrderRow): Promise<number> {
    const atMs = Date.parse(o.at);
    let cogs = 0;
    for (const raw of o.items as Array<Record<string, unknown>>) {
      const q = typeof raw.quantity === 'number' ? raw.quantity : 1;
      const price = typeof raw.price === 'number' ? raw.price : 0;
      cogs += ((await unitCost(raw, atMs)) ?? price * 0.7) * q;
    }
    return Math.round((o.revenue - cogs - o.discount) * 100) / 100;
  }

  async function process(batch: AppliedBatch): Promise<void> {
    for (const m of batch.merged) {
      const s = byProfile.get(m.from);
      if (!s) continue;
      byProfile.delete(m.from);
      const into = byProfile.get(m.into) ?? new Set<string>();
      for (const id of s) { into.add(id); const o = open.get(id); if (o) o.profileId = m.into; }
      byProfile.set(m.into, into);
    }
    const marks: Parameters<DecisionLog['mark']>[0] = [];
    for (const msg of batch.messages) {
      if (msg.type !== 'track' || (msg.event !== 'Decision Viewed' && msg.event !== 'Decision Clicked')) continue;
      const id = msg.properties?.decisionId ?? msg.properties?.decision_id;
      if (typeof id !== 'string') continue;
      marks.push(msg.event === 'Decision Viewed' ? { id, viewedAt: msg.timestamp } : { id, clickedAt: msg.timestamp, viewedAt: msg.timestamp });
    }
    // The reward is computed only for orders of shoppers with an open decision (a cost lookup per item).
    const outcomes: Array<{ profileId: string; atMs: number; orderId: string; reward: () => Promise<number> }> = [];
    if (outcomeEvent === 'Order Completed') {
      for (const o of batch.orders) if (o.kind === 'order' && o.refunded === 0) outcomes.push({ profileId: o.profileId, atMs: Date.parse(o.at), orderId: o.orderId, reward: () => contributionOf(o) });
    } else {
      const who = new Map(batch.events.map((e) => [e.seq, e.profileId]));
      for (const m of batch.messages) {
        if (m.type !== 'track' || m.event !== outcomeEvent) continue;
        const pid = who.get(m.seq);
        const v = Number(m.properties?.revenue ?? m.properties?.value ?? 0);
        if (pid) outcomes.push({ profileId: pid, atMs: Date.parse(m.timestamp), orderId: m.messageId, reward: () => Promise.resolve(Number.isFinite(v) ? v : 0) });
      }
    }
    for (const out of outcomes) {
      const ids = byProfile.get(out.profileId);
      if (!ids) continue;
      const reward = await out.reward();
      for (const id of [...ids]) {
        const o = open.get(id);
        if (!o || o.converted || out.atMs < o.atMs || out.atMs > o.atMs + windowMs) continue;
        o.converted = true;
        unindex(o);
        marks.push({ id, orderId: out.orderId, reward, outcomeAt: new Date(out.atMs).toISOString() });
      }
    }
    await c.log.mark(marks);
  }

  async function sweep(): Promise<number> {
    const now = deps.clock.now();
    const marks: Parameters<DecisionLog['mark']>[0] = [];
    for (const o of [...open.values()]) {
      if (o.atMs + windowMs > now) continue;
      learn(o, o.converted ? 1 : 0);
      close(o);
      if (!o.converted) marks.push({ id: o.id, reward: 0, outcomeAt: new Date(now).toISOString() });
    }
    await c.log.mark(marks);
    return marks.length;
  }

  async function saveSnapshot(): Promise<void> {
    if (!dirty) return;
    dirty = false;
    const version = newId('mdl', deps.clock);
    const state = { arms: serializeModels(store.models), families: Object.fromEntries(store.families), features: c.featureNames, apprentice: Object.fromEntries(apprentice) };
    await deps.db.query('insert into decision_models (version, created_at, updates, state) values ($1, $2, $3, $4)',
      [version, new Date(deps.clock.now()).toISOString(), updates, JSON.stringify(state)]);
    snapshot = version; sinceSnapshot = 0;
  }

  return {
    modelOf: (cand) => store.modelOf(cand, () => c.priorOf(cand)),
    version: () => `${snapshot}+${sinceSnapshot}`,
    track(d) {
      if (open.size >= MAX_OPEN) { const oldest = open.values().next().value; if (oldest) close(oldest); }
      open.set(d.id, d);
      if (d.profileId) { let s = byProfile.get(d.profileId); if (!s) { s = new Set(); byProfile.set(d.profileId, s); } s.add(d.id); }
    },
    applyBatch(batch) { queue = queue.then(() => process(batch)).catch((e: unknown) => deps.log.error({ err: e }, 'outcome learning failed')); },
    settle: () => queue,
    sweep,
    noteApprentice(placement, agreed) {
      const a = apprentice.get(placement) ?? { decisions: 0, agreed: 0 };
      a.decisions++; if (agreed) a.agreed++;
      apprentice.set(placement, a);
    },
    stats() {
      const arms: Record<string, { n: number; weights: Record<string, number> }> = {};
      for (const [arm, m] of store.models) {
        const weights: Record<string, number> = {};
        m.m.forEach((w, i) => { const r = Math.round(w * 1000) / 1000; if (r !== 0) weights[c.featureNames[i]!] = r; });
        arms[arm] = { n: m.n, weights };
      }
      const appr: Record<string, { decisions: number; agreed: number; agreement: number }> = {};
      for (const [p, a] of apprentice) appr[p] = { ...a, agreement: a.decisions ? Math.round((a.agreed / a.decisions) * 1000) / 1000 : 0 };
      return { version: `${snapshot}+${sinceSnapshot}`, updates, arms, open: open.size, apprentice: appr };
    },
    async start() {
      const r = await deps.db.query<{ version: string; updates: string | number; state: { arms: SerializedModels; families?: Record<string, string>; apprentice?: Record<string, { decisions: number; agreed: number }> } }>(
        'select version, updates, state from decision_models order by created_at desc, version desc limit 1');
      const row = r.rows[0];
      if (row) {
        // A snapshot from before families and per-placement arms (no `families`) keeps only the
        // recommender; the other arms restart from their priors.
        const families = new Map(Object.entries(row.state.families ?? {}));
        const models = deserializeModels(row.state.arms);
        if (!row.state.families) for (const arm of [...models.keys()]) if (arm !== 'recommend') models.delete(arm);
        store = new ModelStore(models, families);
        snapshot = row.version; updates = Number(row.updates);
        for (const [k, v] of Object.entries(row.state.apprentice ?? {})) apprentice.set(k, v);
      }
      for (const d of await c.log.open(deps.clock.now() - windowMs)) {
        if (!d.learn) continue;
        this.track({ id: d.id, profileId: d.profileId, atMs: d.atMs, learn: d.learn });
        if (d.converted) { const o = open.get(d.id); if (o) { o.converted = true; unindex(o); } }
      }
      const every = (ms: number, f: () => Promise<unknown>) => {
        const t = setInterval(() => { f().catch((e: unknown) => deps.log.error({ err: e }, 'learner task failed')); }, ms);
        t.unref(); timers.push(t);
      };
      every(SNAPSHOT_MS, saveSnapshot);
      every(SWEEP_MS, sweep);
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      await queue;
      await saveSnapshot().catch(() => undefined);
    },
  };
}
