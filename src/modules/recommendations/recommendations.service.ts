/**
 * The recommendation service: trains every model from the orders and product views Braid holds,
 * persists the result (so other processes load it instead of training), keeps each shopper's
 * purchases and views in memory from the profile projection, and serves synchronously from
 * memory. Training runs on start, on a schedule (BRAID_RECS_RETRAIN_MINUTES) and on demand.
 */
import { isoNow, newId, runCooperatively, type CoreDeps } from '../../core/index.ts';
import type { CatalogCache } from '../catalog/index.ts';
import type { ConsentService } from '../consent/index.ts';
import type { EventLog, LoggedMessage } from '../events/index.ts';
import type { AppliedBatch, ProfileService } from '../profiles/index.ts';
import { DEFAULT_SERVE, recommendFrom, rerankFrom, type RecItem, type RecommendRequest, type RerankRequest, type ServeOptions, type ShopperState } from './recommendations.serve.ts';
import { applyOrder, applyView, catalogViewOf, emptyShopper, mergeShoppers, orderItemIds, segmentOf } from './recommendations.shoppers.ts';
import { latestMeta, loadModel, saveModel, type ModelMeta } from './recommendations.store.ts';
import { DEFAULT_TRAIN, trainModel, trainModelSteps, type PurchaseRecord, type RecModel, type TrainStats, type ViewRecord } from './recommendations.train.ts';

export interface RecommendationCollaborators { catalog: CatalogCache; profiles: ProfileService; consent: ConsentService; events: EventLog }

export interface RetrainResult {
  version: string;
  trainedAt: string;
  /** Whether this process trained, or loaded a model another process had just trained. */
  trained: boolean;
  stats: TrainStats;
  /** Reading orders and views, training, and saving, in ms. */
  readMs: number;
  saveMs: number;
  modelBytes: number;
}

export interface RecommendationStatus { version: string | null; trainedAt: string | null; stats: TrainStats | null; shoppers: number; retraining: boolean }

export interface RecommendationService {
  /** Synchronous, from memory; every business rule applied (see docs/recommendations.md). */
  recommend(req: RecommendRequest): RecItem[];
  /** Re-ranks search results or a category page (placements search_rerank, plp_sort). */
  rerank(req: RerankRequest): RecItem[];
  /** Reads the data and trains now; concurrent calls share one run. */
  retrain(): Promise<RetrainResult>;
  /** Whether the profile allows personalization (ConsentService), remembered for recommend() calls without `personalized`. */
  checkPersonalization(profileId: string): Promise<boolean>;
  /** Loads the latest stored model (or trains one), then retrains every BRAID_RECS_RETRAIN_MINUTES. */
  start(): Promise<void>;
  stop(): Promise<void>;
  modelVersion(): string | null;
  status(): RecommendationStatus;
}

/** How long a consent answer is trusted by recommend() calls that do not say `personalized`. */
const CONSENT_TTL_MS = 60_000;
const PAGE = 1000;
const DAY = 86_400_000;

export function createRecommendations(deps: CoreDeps, c: RecommendationCollaborators, serve: ServeOptions = DEFAULT_SERVE): RecommendationService {
  const { db, clock, log, config } = deps;
  const catalogView = catalogViewOf(c.catalog);
  let model: RecModel = trainModel({ purchases: [], views: [] }, { now: clock.now(), rules: null });
  let meta: ModelMeta | undefined;
  let shoppers = new Map<string, ShopperState>();
  const segments = new Map<string, string>();
  const consent = new Map<string, { allowed: boolean; at: number }>();
  let views: ViewRecord[] = [];
  let viewCursor = 0;
  let running: Promise<RetrainResult> | undefined;
  let queued: Promise<RetrainResult> | undefined;
  let pending: AppliedBatch[] | undefined; // live batches that arrive while orders are re-read
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const shopper = (id: string, map = shoppers) => {
    let s = map.get(id);
    if (!s) { s = emptyShopper(); const seg = segments.get(id); if (seg) s.segment = seg; map.set(id, s); }
    return s;
  };

  const applyBatch = (b: AppliedBatch, map: Map<string, ShopperState>, afterSeq = 0) => {
    for (const p of b.profiles) {
      const seg = segmentOf(p.traits);
      if (seg) { segments.set(p.id, seg); const s = map.get(p.id); if (s) s.segment = seg; }
    }
    for (const m of b.merged) {
      const from = map.get(m.from);
      if (from) { mergeShoppers(shopper(m.into, map), from); map.delete(m.from); }
    }
    for (const o of b.orders) {
      if (o.kind === 'order' && o.seq > afterSeq) applyOrder(shopper(o.profileId, map), orderItemIds(o.items), Date.parse(o.at));
    }
    const bySeq = new Map<number, LoggedMessage>(b.messages.map((m) => [m.seq, m]));
    for (const e of b.events) {
      if (e.name !== 'Product Viewed') continue;
      const id = productIdOf(bySeq.get(e.seq));
      if (id) applyView(shopper(e.profileId, map), id, Date.parse(e.at));
    }
  };
  const unsubscribe = c.profiles.projector.onApplied((b) => {
    applyBatch(b, shoppers);
    pending?.push(b);
  });

  /** Every order (for shoppers' histories) and the purchases inside the training window. */
  async function readOrders(since: number): Promise<{ purchases: PurchaseRecord[]; fresh: Map<string, ShopperState>; lastSeq: number }> {
    const fresh = new Map<string, ShopperState>();
    const purchases: PurchaseRecord[] = [];
    let after = 0;
    for (;;) {
      const rows = await c.profiles.scanOrders(after, PAGE);
      for (const o of rows) {
        after = o.seq;
        if (o.kind !== 'order') continue;
        const at = Date.parse(o.at);
        const items = orderItemIds(o.items);
        applyOrder(shopper(o.profileId, fresh), items, at);
        if (at >= since) for (const item of items) purchases.push({ user: o.profileId, item, at, order: o.orderId });
      }
      if (rows.length < PAGE) break;
    }
    return { purchases, fresh, lastSeq: after };
  }

  /** New Product Viewed events since the last read; visitor = anonymousId (a device), else userId. */
  async function readViews(since: number): Promise<void> {
    for (;;) {
      const batch = await c.events.readAfter(viewCursor, 5000, { priority: 'low' });
      if (batch.length === 0) break;
      for (const m of batch) {
        viewCursor = Math.max(viewCursor, m.seq);
        if (m.type !== 'track' || m.event !== 'Product Viewed') continue;
        const item = productIdOf(m);
        const visitor = m.anonymousId ?? m.userId;
        if (item && visitor) views.push({ visitor, item, at: Date.parse(m.timestamp) });
      }
    }
    views = views.filter((v) => v.at >= since);
  }

  async function loadSegments(ids: Iterable<string>): Promise<void> {
    const missing = [...ids].filter((id) => !segments.has(id)).slice(0, 50_000);
    for (let i = 0; i < missing.length; i += 16) {
      await Promise.all(missing.slice(i, i + 16).map(async (id) => {
        const p = await c.profiles.get(id);
        const seg = p ? segmentOf(p.traits) : undefined;
        if (seg) segments.set(id, seg);
      }));
    }
  }

  /** Re-reads every order into fresh shopper states, replaying live batches that raced the read. */
  async function refreshShoppers(since: number): Promise<{ purchases: PurchaseRecord[]; lastSeq: number }> {
    pending = [];
    try {
      const { purchases, fresh, lastSeq } = await readOrders(since);
      await loadSegments(fresh.keys());
      for (const [id, s] of fresh) { const seg = segments.get(id); if (seg) s.segment = seg; }
      for (const p of purchases) p.segment = segments.get(p.user);
      // views and shoppers without orders live only in the old map: carry them over
      for (const [id, s] of shoppers) {
        const f = fresh.get(id);
        if (f) f.views = s.views; else if (s.orderCount === 0) fresh.set(id, s);
      }
      for (const b of pending) applyBatch(b, fresh, lastSeq);
      shoppers = fresh;
      return { purchases, lastSeq };
    } finally {
      pending = undefined;
    }
  }

  async function doRetrain(): Promise<RetrainResult> {
    const t0 = performance.now();
    const now = clock.now();
    const since = now - config.recsHistoryDays * DAY;
    const { purchases, lastSeq } = await refreshShoppers(since);
    await readViews(since);
    const readMs = Math.round(performance.now() - t0);
    const params = { historyDays: config.recsHistoryDays, train: DEFAULT_TRAIN, serve };
    const trained = await runCooperatively(trainModelSteps({ purchases, views }, { now }, () => performance.now()));
    const t1 = performance.now();
    const saved = await saveModel(db, { version: newId('rec', clock), trainedAt: new Date(now).toISOString(), dataSeq: lastSeq, stats: trained.stats, params }, trained, isoNow(clock));
    model = trained;
    meta = saved;
    const saveMs = Math.round(performance.now() - t1);
    log.info({ version: saved.version, ...trained.stats, readMs, saveMs, bytes: saved.bytes }, 'recommendation models trained');
    return { version: saved.version, trainedAt: saved.trainedAt, trained: true, stats: trained.stats, readMs, saveMs, modelBytes: saved.bytes };
  }

  /**
   * One training at a time. A call made while one runs queues (at most) one more, so the answer
   * always includes the data committed before the call.
   */
  function retrain(): Promise<RetrainResult> {
    if (!running) {
      running = doRetrain().finally(() => { running = undefined; });
      return running;
    }
    queued ??= running.catch(() => undefined).then(() => { queued = undefined; return retrain(); });
    return queued;
  }

  /** Loads a model another process stored if it is newer than ours; false when there is none. */
  async function adoptStored(maxAgeMs: number): Promise<RetrainResult | undefined> {
    const latest = await latestMeta(db);
    if (!latest || latest.version === meta?.version || clock.now() - Date.parse(latest.trainedAt) > maxAgeMs) return undefined;
    const t0 = performance.now();
    const loaded = await loadModel(db, latest.version);
    if (!loaded) return undefined;
    await refreshShoppers(clock.now() - config.recsHistoryDays * DAY);
    model = loaded;
    meta = latest;
    return { version: latest.version, trainedAt: latest.trainedAt, trained: false, stats: latest.stats, readMs: Math.round(performance.now() - t0), saveMs: 0, modelBytes: latest.bytes };
  }

  const intervalMs = () => config.recsRetrainMinutes * 60_000;
  function schedule(): void {
    if (stopped || intervalMs() <= 0) return;
    timer = setTimeout(() => {
      // another process may have trained meanwhile: then load its model instead of training again
      void adoptStored(intervalMs() / 2).then((r) => r ?? retrain())
        .catch((err) => log.error({ err }, 'recommendation retrain failed'))
        .finally(schedule);
    }, intervalMs());
    timer.unref();
  }

  function personalizedFor(req: { profileId?: string | undefined; personalized?: boolean | undefined }): boolean {
    if (!req.profileId) return false;
    if (req.personalized !== undefined) return req.personalized;
    const known = consent.get(req.profileId);
    return !!known && known.allowed && clock.now() - known.at < CONSENT_TTL_MS;
  }

  return {
    recommend(req) {
      const personalized = personalizedFor(req);
      const s = personalized && req.profileId ? shoppers.get(req.profileId) : undefined;
      return recommendFrom(model, catalogView, s, { ...req, personalized }, clock.now(), serve);
    },
    rerank(req) {
      const personalized = personalizedFor(req);
      const s = personalized && req.profileId ? shoppers.get(req.profileId) : undefined;
      return rerankFrom(model, catalogView, s, { ...req, personalized }, clock.now(), serve);
    },
    retrain,
    async checkPersonalization(profileId) {
      const d = await c.consent.check(profileId, 'personalization');
      consent.set(profileId, { allowed: d.allowed, at: clock.now() });
      if (consent.size > 100_000) consent.delete(consent.keys().next().value!);
      return d.allowed;
    },
    async start() {
      stopped = false;
      await c.catalog.ready();
      await c.profiles.waitForProjection(5000);
      if (stopped) return; // closed while starting
      if (!(await adoptStored(Infinity))) await retrain();
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
      await (queued ?? running)?.catch(() => undefined);
    },
    modelVersion: () => meta?.version ?? null,
    status: () => ({ version: meta?.version ?? null, trainedAt: meta?.trainedAt ?? null, stats: meta?.stats ?? null, shoppers: shoppers.size, retraining: running !== undefined }),
  };
}

function productIdOf(m: LoggedMessage | undefined): string | undefined {
  const p = m?.properties;
  const id = p?.product_id ?? p?.productId ?? p?.sku;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : undefined;
}
