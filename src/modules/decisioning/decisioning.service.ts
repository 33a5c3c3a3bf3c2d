/**
 * The decision service: wires the engine to memory (shopper snapshots, catalog, offers, models,
 * placements) and records each decision (log, learner, cool-downs, offer budgets).
 * A warm decision does no I/O; a cold shopper costs one load from the database.
 */
import { invalid, newId, type CoreDeps } from '../../core/index.ts';
import type { CatalogCache, CatalogService } from '../catalog/index.ts';
import type { ConsentService } from '../consent/index.ts';
import { assignGlobal } from '../experiments/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { OfferService } from '../offers/index.ts';
import type { ProfileService } from '../profiles/index.ts';
import { computeCatalogStats, type CatalogStats, type ProductSource } from './decisioning.candidates.ts';
import { createDecisionConfig, type DecisionConfig } from './decisioning.config.ts';
import { runDecision } from './decisioning.engine.ts';
import { FEATURES } from './decisioning.features.ts';
import { createLearner, type Learner } from './decisioning.learner.ts';
import { createDecisionLog, type DecisionLog } from './decisioning.log.ts';
import { armPrior, type ArmPrior } from './decisioning.model.ts';
import type { TraitsService } from '../traits/index.ts';
import { createSuggestionCache } from './decisioning.suggestions.ts';
import { encodeRecord } from './decisioning.record.ts';
import { createSnapshotCache, currentView, EXTRAS_TTL_MS, preferenceStrengths, type ShopperExtras, type SnapshotCache } from './decisioning.snapshot.ts';
import type { CampaignPromise, Candidate, DecideRequest, DecisionResult } from './decisioning.types.ts';

export interface DecisioningDeps {
  catalog: CatalogService;
  catalogCache: CatalogCache;
  offers: OfferService;
  profiles: ProfileService;
  identity: IdentityService;
  consent: ConsentService;
  /** Product candidates (the recommendations module); a margin-and-stock fallback when absent. */
  products?: ProductSource | undefined;
  /** Changes when the product source's model does (cached suggestions are then dropped). */
  productsVersion?: (() => string) | undefined;
  /** Computed traits and preferences, read from memory (peek) on the hot path. */
  traits?: TraitsService | undefined;
  /** Random numbers in [0, 1); injectable for tests. */
  random?: (() => number) | undefined;
}

export interface DecisionService {
  decide(req: DecideRequest): Promise<DecisionResult>;
  /** The same, with the result already serialized once (the HTTP route sends it as is). */
  decideJson(req: DecideRequest): Promise<{ result: DecisionResult; json: string }>;
  config: DecisionConfig;
  log: DecisionLog;
  learner: Learner;
  snapshots: SnapshotCache;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const PROMISES_KEPT = 100_000;

export function createDecisioning(deps: CoreDeps, d: DecisioningDeps): DecisionService {
  const brain = deps.config.brain;
  const config = createDecisionConfig(deps);
  const log = createDecisionLog(deps);
  const random = d.random ?? Math.random;
  const priorOf = (c: Candidate): ArmPrior => armPrior(c, (id) => config.actions().find((a) => a.id === id)?.priorLift ?? 0);
  const learner = createLearner(deps, { log, catalog: d.catalog, cache: d.catalogCache, priorOf, featureNames: FEATURES });
  const snapshots = createSnapshotCache({
    profiles: d.profiles, identity: d.identity, consent: d.consent, recentDecisions: (id, since) => log.recent(id, since),
    nowMs: () => deps.clock.now(), sensitive: brain.sensitiveTraits,
  });
  let stats: CatalogStats = computeCatalogStats(d.catalogCache);
  const promises = new Map<string, CampaignPromise>();
  const extrasOf = (id: string): ShopperExtras | undefined => {
    if (!d.traits) return undefined;
    const t = d.traits.peek(id), p = d.traits.peekPreferences(id);
    if (!t && !p) return undefined;
    return { lifecycle: t?.lifecycle ?? null, valueTier: t?.valueTier ?? null, discountSensitivity: t?.discountSensitivity ?? null, preferences: preferenceStrengths(p) };
  };
  const unsubscribe: Array<() => void> = [];

  const fallbackProducts: ProductSource = (req) => {
    const seen = new Set<string>();
    const out: Array<{ productId: string; score: number; source: string }> = [];
    const add = (id: string, source: string) => { if (!seen.has(id)) { seen.add(id); out.push({ productId: id, score: 1 / (out.length + 1), source }); } };
    for (const id of req.productIds) add(id, 'context');
    for (const id of stats.popular) { if (out.length >= req.count) break; add(id, 'margin_popular'); }
    return out;
  };

  /** The recommender's candidates, topped up from the margin-and-stock list while it has no model. */
  const suggestions = createSuggestionCache(
    d.products
      ? (req) => { const r = d.products!(req); return r.length >= Math.min(10, req.count) ? r : [...r, ...fallbackProducts(req)]; }
      : fallbackProducts,
    { nowMs: () => deps.clock.now(), epoch: () => `${d.productsVersion?.() ?? ''}:${d.catalogCache.version()}` },
  );
  const productSource = suggestions.source;

  async function promiseOf(req: DecideRequest): Promise<{ source: string; promise: CampaignPromise } | undefined> {
    const src = req.context?.source;
    if (src?.decisionId) {
      let p = promises.get(src.decisionId);
      if (!p) {
        const stored = await log.get(src.decisionId);
        if (stored) p = promiseFromResult(stored.result);
      }
      if (p) return { source: src.decisionId, promise: p };
    }
    if (src?.creativeId) {
      const c = config.creative(src.creativeId);
      if (c) return { source: `creative:${c.id}`, promise: c };
    }
    return undefined;
  }

  async function decideJson(req: DecideRequest): Promise<{ result: DecisionResult; json: string }> {
      const pl = config.placement(req.placement);
      if (!pl) throw invalid('placement', `unknown placement "${req.placement}"; known: ${config.placements().map((p) => p.id).join(', ')}`);
      const entry = snapshots.peek(req.ref) ?? await snapshots.load(req.ref);
      const promise = req.context?.source ? await promiseOf(req) : undefined;
      const nowMs = deps.clock.now();
      if (stats.version !== d.catalogCache.version()) stats = computeCatalogStats(d.catalogCache);
      if (entry.profileId && (entry.extrasAt === undefined || nowMs - entry.extrasAt > EXTRAS_TTL_MS)) {
        entry.extras = extrasOf(entry.profileId);
        entry.extrasAt = nowMs;
      }
      const shopper = currentView(entry, entry.extras, brain.sensitiveTraits, nowMs);
      const assignment = entry.assignment ?? assignGlobal(entry.profileId ?? `anon:${req.ref}`, brain.holdoutSalt, brain.globalHoldoutPct);
      if (entry.profileId) entry.assignment = assignment; // stable by construction: hash of the profile id
      const decisionId = newId('dec', deps.clock);
      const out = runDecision({
        decisionId, request: { ...req, context: req.context ?? {} }, placement: pl, shopper, assignment, consent: entry.consent,
        catalog: d.catalogCache, catalogStats: stats, products: productSource, actions: config.actions(), offers: d.offers.list(),
        policy: d.offers.policy(), spentToday: (id) => d.offers.spentToday(id), promise: promise?.promise, promiseSource: promise?.source,
        lastShownMs: (key) => entry.shown.get(key), nonSilentToday: entry.perPlacement.get(pl.id) ?? 0, nowMs,
        modelOf: learner.modelOf, modelVersion: learner.version(), policyVersion: config.version(), exploration: brain.exploration, rng: random,
      });
      const { result } = out;
      const json = JSON.stringify(result);
      // Budgets are committed in the same tick the offer was checked, so nothing can interleave.
      for (const a of result.actions) {
        if (a.offerId && !d.offers.reserve(a.offerId, a.discount ?? 0)) throw new Error(`offer budget for ${a.offerId} changed during a decision`);
      }
      const silent = result.actions.every((a) => a.type === 'none');
      snapshots.noteDecision(entry, pl.id, result.actions.filter((a) => a.type !== 'none').map((a) => a.key), silent);
      if (result.apprentice) learner.noteApprentice(pl.id, result.apprentice.agreed);
      learner.track({ id: decisionId, profileId: entry.profileId, atMs: nowMs, learn: out.learn });
      if (promises.size >= PROMISES_KEPT) { const k = promises.keys().next().value; if (k !== undefined) promises.delete(k); }
      promises.set(decisionId, promiseFromResult(result));
      log.append({
        id: decisionId, profileId: entry.profileId, ref: req.ref, placement: pl.id, at: result.at, grp: assignment.group, modelVersion: result.modelVersion,
        actionIds: result.actions.map((a) => a.key).join(' '), types: result.actions.map((a) => a.type).join(' '),
        // The result is serialized once: the same text is the HTTP response and part of the log row.
        detail: encodeRecord({ json, shared: out.shared, table: out.table, context: req.context, learn: out.learn }),
      });
      return { result, json };
  }

  return {
    config, log, learner, snapshots,
    async decide(req) { return (await decideJson(req)).result; },
    decideJson,
    async start() {
      await Promise.all([config.ready(), d.catalogCache.ready(), d.offers.ready()]);
      stats = computeCatalogStats(d.catalogCache);
      await learner.start();
      unsubscribe.push(d.profiles.projector.onApplied((b) => {
        snapshots.applyBatch(b);
        learner.applyBatch(b);
        for (const p of b.profiles) suggestions.touch(p.id);
      }));
      unsubscribe.push(d.consent.onChange((ids) => snapshots.invalidate(ids)));
    },
    async stop() {
      for (const u of unsubscribe) u();
      await learner.stop();
      await log.stop();
    },
  };
}

function promiseFromResult(r: DecisionResult): CampaignPromise {
  return {
    offerIds: r.actions.flatMap((a) => (a.offerId ? [a.offerId] : [])),
    productIds: r.actions.filter((a) => a.type === 'recommend').flatMap((a) => a.productIds),
    themes: r.actions.flatMap((a) => (a.theme && a.type !== 'incentivize' && a.type !== 'loyalty_perk' ? [a.theme] : [])),
  };
}
