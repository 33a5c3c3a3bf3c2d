/**
 * Candidate generation and eligibility: what could fill the placement, and every rule that
 * removes an option before scoring (each removal is logged as a reason). Incentives pass the
 * offer governance gate (checkOffer) here, priced from the catalog in memory, never from input.
 */
import type { CachedProduct, CatalogCache } from '../catalog/index.ts';
import { checkOffer, linesInScope, type Offer, type OfferLine, type OfferPolicy, type ShopperTier } from '../offers/index.ts';
import type { ShopperView } from './decisioning.features.ts';
import type { ActionDef, Candidate, CampaignPromise, CandidateRestriction, DecideContext, PlacementDef, Removal } from './decisioning.types.ts';

export interface ProductSuggestion { productId: string; score: number; source: string }
export type ProductSource = (req: {
  profileId?: string | undefined; strategy: PlacementDef['strategy']; productIds: string[]; storeId?: string | undefined;
  count: number; personalized: boolean; placement: string;
}) => ProductSuggestion[];

export interface CandidateInput {
  placement: PlacementDef;
  count: number;
  shopper: ShopperView;
  context: DecideContext;
  restriction?: CandidateRestriction | undefined;
  /** Treatment with personalization consent: tiering, preferences and incentives allowed. */
  personalized: boolean;
  holdout: boolean;
  catalog: CatalogCache;
  catalogStats: CatalogStats;
  products: ProductSource;
  actions: readonly ActionDef[];
  offers: readonly Offer[];
  policy: OfferPolicy;
  spentToday: (offerId: string) => number;
  promise?: CampaignPromise | undefined;
  lastShownMs: (key: string) => number | undefined;
  nonSilentToday: number;
  nowMs: number;
}

/**
 * Facts derived from the catalog once per catalog version (not per decision): margin rate,
 * median margin, a margin-and-stock ranked fallback list, and per product its unit margin and
 * where it is in stock.
 */
export interface CatalogStats {
  version: number; avgMarginRate: number; medianMargin: number; popular: string[];
  facts: Map<string, { unitMargin: number; anywhere: boolean; stores: ReadonlySet<string> }>;
}

const PRODUCT_POOL = 50;
const round2 = (n: number) => Math.round(n * 100) / 100;

export function unitMargin(p: CachedProduct | undefined, stats: CatalogStats): number {
  const v = p?.lead;
  if (!v) return 0;
  return v.cost !== null ? v.effectivePrice - v.cost : v.effectivePrice * stats.avgMarginRate;
}

export function computeCatalogStats(catalog: CatalogCache): CatalogStats {
  const margins: number[] = [];
  let rev = 0, mar = 0;
  const ranked: Array<{ id: string; m: number }> = [];
  for (const p of catalog.all()) {
    const v = p.lead;
    if (!v || v.cost === null) continue;
    margins.push(v.effectivePrice - v.cost);
    rev += v.effectivePrice; mar += v.effectivePrice - v.cost;
    if (p.totalStock > 0 || v.stock.length === 0) ranked.push({ id: p.product.id, m: (v.effectivePrice - v.cost) * Math.min(1, p.totalStock / 10 + 0.1) });
  }
  margins.sort((a, b) => a - b);
  ranked.sort((a, b) => b.m - a.m);
  const stats: CatalogStats = {
    version: catalog.version(), avgMarginRate: rev > 0 ? mar / rev : 0.3,
    medianMargin: margins.length ? margins[Math.floor(margins.length / 2)]! : 10, popular: ranked.slice(0, 200).map((r) => r.id), facts: new Map(),
  };
  for (const p of catalog.all()) {
    const stores = new Set<string>();
    for (const v of p.product.variants) for (const st of v.stock) if (st.quantity > 0) stores.add(st.locationId);
    stats.facts.set(p.product.id, { unitMargin: unitMargin(p, stats), anywhere: catalog.inStock(p.product.id), stores });
  }
  return stats;
}

/** The basket the shopper would likely buy: the cart, else a typical order, else a typical product. */
export function baseBasketMargin(s: ShopperView, catalog: CatalogCache, stats: CatalogStats): number {
  if (s.cart.length > 0) {
    let m = 0;
    for (const i of s.cart) {
      const p = i.productId ? catalog.get(i.productId) : undefined;
      m += (p ? unitMargin(p, stats) : (i.price ?? 0) * stats.avgMarginRate) * i.quantity;
    }
    return round2(m);
  }
  if (s.personalized && s.aov > 0) return round2(s.aov * stats.avgMarginRate);
  return stats.medianMargin;
}

function offerLines(input: CandidateInput, products: readonly Candidate[]): OfferLine[] {
  const { shopper, catalog } = input;
  const line = (id: string, quantity: number): OfferLine | undefined => {
    const p = catalog.get(id);
    if (!p?.lead) return undefined;
    return { productId: id, category: p.product.category ?? p.product.productType, price: p.lead.effectivePrice, cost: p.lead.cost, quantity };
  };
  const out: OfferLine[] = [];
  if (shopper.cart.length > 0) {
    for (const i of shopper.cart) { const l = i.productId ? line(i.productId, i.quantity) : undefined; if (l) out.push(l); }
    return out;
  }
  const id = input.context.page?.productId ?? products[0]?.productIds[0];
  const l = id ? line(id, 1) : undefined;
  return l ? [l] : [];
}

export function tierOf(s: ShopperView): ShopperTier {
  return { customer: s.ordersCount > 0 ? 'returning' : 'new', value: s.valueTier };
}

export function buildCandidates(input: CandidateInput): { candidates: Candidate[]; removed: Removal[] } {
  const { placement: pl, shopper, catalog, restriction: r } = input;
  const removed: Removal[] = [];
  const out: Candidate[] = [];
  const B = baseBasketMargin(shopper, catalog, input.catalogStats);
  const types = new Set(r?.types?.length ? pl.types.filter((t) => r.types!.includes(t)) : pl.types);
  const capped = pl.maxPerDay > 0 && input.nonSilentToday >= pl.maxPerDay;
  const store = input.context.store;
  const promised = input.promise;
  const remove = (key: string, rule: string, detail: string) => { removed.push({ key, rule, detail }); };
  const cooling = (key: string, minutes: number): boolean => {
    if (minutes <= 0) return false;
    const last = input.lastShownMs(key);
    return last !== undefined && input.nowMs - last < minutes * 60_000;
  };

  if (types.has('recommend')) {
    let ids: Array<{ id: string; source: string }>;
    if (pl.kind === 'rerank' || r?.productIds?.length) {
      ids = (r?.productIds ?? input.context.page?.productIds ?? []).map((id) => ({ id, source: 'request' }));
    } else {
      const context = [input.context.page?.productId, ...shopper.cart.map((c) => c.productId)].filter((x): x is string => !!x);
      const sugg = input.products({
        profileId: input.personalized ? shopper.profileId ?? undefined : undefined, strategy: input.personalized ? pl.strategy : 'trending',
        productIds: context, storeId: store, count: PRODUCT_POOL, personalized: input.personalized, placement: pl.id,
      });
      ids = sugg.map((s) => ({ id: s.productId, source: s.source }));
      for (const p of promised?.productIds ?? []) if (!ids.some((x) => x.id === p)) ids.unshift({ id: p, source: 'continuity' });
      const inCart = new Set(shopper.cart.map((c) => c.productId));
      ids = ids.filter((x) => !inCart.has(x.id) && x.id !== input.context.page?.productId);
    }
    const n = Math.min(ids.length, pl.kind === 'rerank' ? pl.maxCount : PRODUCT_POOL);
    for (let i = 0; i < n; i++) {
      const { id, source } = ids[i]!;
      const key = `product:${id}`;
      const f = input.catalogStats.facts.get(id);
      if (!f) { remove(key, 'unknown_product', `${id} is not in the catalog`); continue; }
      if (r?.excludeProductIds?.includes(id)) { remove(key, 'restricted', 'excluded by the request'); continue; }
      if (!(store ? f.stores.has(store) : f.anywhere)) { remove(key, 'out_of_stock', store ? `not in stock at ${store}` : 'out of stock everywhere'); continue; }
      if (capped) { remove(key, 'frequency_cap', `${pl.maxPerDay} decisions today at ${pl.id} already`); continue; }
      if (pl.kind !== 'rerank' && cooling(key, pl.cooldownMinutes)) { remove(key, 'cooldown', `shown within ${pl.cooldownMinutes} minutes`); continue; }
      out.push({
        key, type: 'recommend', arm: 'recommend', productIds: [id], blockIds: [], margin: round2(B + f.unitMargin), cost: 0,
        depth: 0, relevance: 1 - i / Math.max(1, n), riskReducer: false, prefMatch: 0, source, promised: promised?.productIds.includes(id) || undefined,
      });
    }
  }

  for (const a of input.actions) {
    if (!types.has(a.type) || a.status !== 'active') continue;
    if (a.placements.length > 0 && !a.placements.includes(pl.id)) continue;
    const key = `action:${a.id}`;
    if (r?.actionIds?.length && !r.actionIds.includes(a.id)) { remove(key, 'restricted', 'not among the request\'s candidates.actionIds'); continue; }
    if (capped) { remove(key, 'frequency_cap', `${pl.maxPerDay} decisions today at ${pl.id} already`); continue; }
    if (cooling(key, pl.cooldownMinutes)) { remove(key, 'cooldown', `shown within ${pl.cooldownMinutes} minutes`); continue; }
    const pref = input.personalized ? Math.max(0, ...a.speaksTo.map((v) => shopper.preferences[v] ?? 0)) : 0;
    out.push({
      key, type: a.type, arm: `${key}@${pl.id}`, productIds: [], actionId: a.id, blockIds: a.blockIds, theme: a.theme, margin: B, cost: a.cost, depth: 0,
      relevance: 0, riskReducer: a.riskReducer, prefMatch: pref, source: 'actions', promised: promised?.themes.includes(a.theme) || undefined,
    });
  }

  if (types.has('incentivize') || types.has('loyalty_perk')) {
    const lines = offerLines(input, out.filter((c) => c.type === 'recommend'));
    const tier = tierOf(shopper);
    for (const o of input.offers) {
      const type = o.kind === 'loyalty_points' ? 'loyalty_perk' : 'incentivize';
      if (!types.has(type)) continue;
      const key = `offer:${o.id}`;
      if (r?.offerIds?.length && !r.offerIds.includes(o.id)) { remove(key, 'restricted', 'not among the request\'s candidates.offerIds'); continue; }
      if (input.holdout) { remove(key, 'holdout', 'the global control group gets no incentives'); continue; }
      if (!input.personalized && (o.eligibility.customer !== 'any' || o.eligibility.value !== 'any')) {
        remove(key, 'consent', 'tier-targeted offers need personalization consent'); continue;
      }
      if (capped) { remove(key, 'frequency_cap', `${pl.maxPerDay} decisions today at ${pl.id} already`); continue; }
      if (cooling(key, Math.max(pl.cooldownMinutes, o.cooldownDays * 1440))) { remove(key, 'cooldown', `offered within ${o.cooldownDays} days`); continue; }
      const check = checkOffer({ offer: o, policy: input.policy, tier: input.personalized ? tier : { customer: 'new', value: 'low' }, lines, placement: pl.id, spentToday: input.spentToday(o.id) });
      if (!check.ok) { remove(key, check.rule, check.detail); continue; }
      if (r?.maxDepth !== undefined && check.depth > r.maxDepth + 1e-9) { remove(key, 'restricted', `${(check.depth * 100).toFixed(1)}% off, deeper than the request's candidates.maxDepth`); continue; }
      out.push({
        key, type, arm: `${key}@${pl.id}`, productIds: linesInScope(o, lines).map((l) => l.productId), offerId: o.id, blockIds: [], theme: o.kind,
        margin: round2(lines.reduce((s, l) => s + (l.price - (l.cost ?? 0)) * l.quantity, 0)), cost: check.discount, depth: check.depth,
        relevance: 0, riskReducer: o.kind === 'free_shipping', prefMatch: input.personalized ? shopper.preferences.deal_seeking ?? 0 : 0,
        source: 'offers', promised: promised?.offerIds.includes(o.id) || undefined,
      });
    }
  }

  if (pl.allowNone && !(r?.allowNone === false && out.length > 0)) out.push({ key: 'none', type: 'none', arm: `none@${pl.id}`, productIds: [], blockIds: [], margin: B, cost: 0, depth: 0, relevance: 0, riskReducer: false, prefMatch: 0, source: 'policy' });
  return { candidates: out, removed };
}
