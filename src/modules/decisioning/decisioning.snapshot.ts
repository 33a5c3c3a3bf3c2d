/**
 * Shoppers as decisioning sees them, from memory: the projected profile (cart, hesitation,
 * orders), personalization consent, recent decisions (cool-downs, daily caps), and traits and
 * preferences (through `enrich`). Misses load from the database once; the projection's
 * onApplied and consent's onChange keep entries fresh in this process, and entries older than
 * `ttlMs` are re-read in the background (other processes' writes), so memory stays a cache.
 *
 * Sensitive traits (config.brain.sensitiveTraits) are dropped here, before anything else in the
 * brain can see them.
 */
import type { ConsentService } from '../consent/index.ts';
import type { Assignment } from '../experiments/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { AppliedBatch, ProfileService, ProfileState } from '../profiles/index.ts';
import type { PreferenceView } from '../traits/index.ts';
import type { ShopperView } from './decisioning.features.ts';

/**
 * Preference views (traits module) as strengths in [0, 1] for the model: scales as they are,
 * booleans 1/0, choices from 1 (first option) down to 0 (last), each times its confidence, so an
 * inferred guess weighs less than a declared answer.
 */
export function preferenceStrengths(views: Record<string, PreferenceView> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(views ?? {})) {
    if (v.value === null) continue;
    let x: number | undefined;
    if (typeof v.value === 'number') x = v.value;
    else if (typeof v.value === 'boolean') x = v.value ? 1 : 0;
    else if (v.options && v.options.length > 1) { const i = v.options.indexOf(v.value); if (i >= 0) x = 1 - i / (v.options.length - 1); }
    if (x !== undefined && Number.isFinite(x)) out[k] = Math.max(0, Math.min(1, x)) * (Number.isFinite(v.confidence) ? v.confidence : 1);
  }
  return out;
}

export interface ShopperExtras { lifecycle: string | null; valueTier: 'high' | 'low' | null; discountSensitivity: number | null; preferences: Record<string, number> }

export interface ShopperEntry {
  profileId: string | null;
  state: ProfileState | undefined;
  consent: { personalization: boolean; basis: string; recordId?: string | undefined };
  shown: Map<string, number>;
  day: string;
  perPlacement: Map<string, number>;
  loadedAt: number;
  /** The holdout assignment, computed once per entry (a pure function of the profile id). */
  assignment?: Assignment | undefined;
  /** Traits and preferences as last read (re-read after EXTRAS_TTL_MS). */
  extras?: ShopperExtras | undefined;
  extrasAt?: number | undefined;
  /** The engine's view, rebuilt only when an input changed. */
  view?: { state: ProfileState | undefined; consent: ShopperEntry['consent']; extras: ShopperExtras | undefined; live: boolean; view: ShopperView } | undefined;
}

/** How long a decision may use traits and preferences read from the traits module's memory. */
export const EXTRAS_TTL_MS = 5000;
const SESSION_MS = 30 * 60_000;

export function sessionLive(s: ProfileState | undefined, nowMs: number): boolean {
  return !!s?.signals.session && nowMs - Date.parse(s.signals.session.lastAt) < SESSION_MS;
}

/** The view for a decision now, from the entry's cache when nothing it depends on changed. */
export function currentView(e: ShopperEntry, extras: ShopperExtras | undefined, deny: readonly string[], nowMs: number): ShopperView {
  const live = sessionLive(e.state, nowMs);
  const c = e.view;
  if (c && c.state === e.state && c.consent === e.consent && c.extras === extras && c.live === live) return c.view;
  const view = viewOf(e, extras, deny, nowMs);
  e.view = { state: e.state, consent: e.consent, extras, live, view };
  return view;
}

export interface SnapshotDeps {
  profiles: ProfileService;
  identity: IdentityService;
  consent: ConsentService;
  /** Recent decisions of a profile (cool-downs and daily caps after a restart). */
  recentDecisions(profileId: string, sinceMs: number): Promise<Array<{ placement: string; atMs: number; keys: string[]; silent: boolean }>>;
  nowMs(): number;
  sensitive: readonly string[];
  ttlMs?: number;
  max?: number;
}

const HISTORY_DAYS = 30;
const NEGATIVE_TTL_MS = 2000;

export function isSensitive(key: string, deny: readonly string[]): boolean {
  const k = key.toLowerCase();
  return deny.some((d) => k === d || k.startsWith(d + '_') || k.endsWith('_' + d));
}

/** The view the engine uses. Preferences and traits that are on the deny-list never pass. */
export function viewOf(e: ShopperEntry, extras: ShopperExtras | undefined, deny: readonly string[], nowMs: number): ShopperView {
  const s = e.state;
  // Hesitation belongs to the live session: 30 minutes without events ends it.
  const sess = sessionLive(s, nowMs) ? s!.signals.session : undefined;
  const prefs: Record<string, number> = {};
  const declared = s?.traits.preferences;
  if (declared && typeof declared === 'object') {
    for (const [k, v] of Object.entries(declared as Record<string, unknown>)) if (typeof v === 'number' && !isSensitive(k, deny)) prefs[k] = v;
  }
  for (const [k, v] of Object.entries(extras?.preferences ?? {})) if (!isSensitive(k, deny)) prefs[k] = v;
  const orders = s?.orders;
  return {
    profileId: e.profileId,
    personalized: e.consent.personalization && !!s,
    cart: (s?.cart.items ?? []).map((i) => ({ productId: i.productId, price: i.price, quantity: i.quantity })),
    cartValue: (s?.cart.items ?? []).reduce((t, i) => t + (i.price ?? 0) * i.quantity, 0),
    hesitation: { cartEdits: sess?.cartEdits ?? 0, couponAttempts: sess?.couponAttempts ?? 0, backtracks: sess?.backtracks ?? 0 },
    recentViews: (s?.recentViews ?? []).map((v) => v.productId),
    ordersCount: orders?.count ?? 0,
    aov: orders && orders.count > 0 ? orders.revenue / orders.count : 0,
    lifecycle: extras?.lifecycle ?? null,
    valueTier: extras?.valueTier ?? ((orders?.revenue ?? 0) > 500 ? 'high' : 'low'),
    discountSensitivity: extras?.discountSensitivity ?? 0,
    preferences: prefs,
  };
}

export interface SnapshotCache {
  /** The entry if cached and fresh enough to use now (stale ones are refreshed in the background). */
  peek(ref: string): ShopperEntry | undefined;
  load(ref: string): Promise<ShopperEntry>;
  /** Records a decision's shown keys (cool-downs, caps) on the entry. */
  noteDecision(e: ShopperEntry, placement: string, keys: string[], silent: boolean): void;
  applyBatch(batch: AppliedBatch): void;
  invalidate(profileIds: string[] | 'all'): void;
  size(): number;
}

export function createSnapshotCache(d: SnapshotDeps): SnapshotCache {
  const ttl = d.ttlMs ?? 30_000, max = d.max ?? 100_000;
  const byId = new Map<string, ShopperEntry>();
  const refs = new Map<string, string>();
  /** Refs that resolved to no profile, and when: a new visitor (answers kept briefly). */
  const negatives = new Map<string, number>();
  const loading = new Map<string, Promise<ShopperEntry>>();
  const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  async function loadConsent(id: string): Promise<ShopperEntry['consent']> {
    const c = await d.consent.check(id, 'personalization');
    return { personalization: c.allowed, basis: c.reason, recordId: c.record?.id };
  }

  async function loadId(id: string): Promise<ShopperEntry> {
    const now = d.nowMs();
    const [state, consent, recent] = await Promise.all([d.profiles.get(id), loadConsent(id), d.recentDecisions(id, now - HISTORY_DAYS * 86_400_000)]);
    const e: ShopperEntry = { profileId: id, state, consent, shown: new Map(), day: dayOf(now), perPlacement: new Map(), loadedAt: now };
    for (const r of recent) {
      for (const k of r.keys) e.shown.set(k, Math.max(e.shown.get(k) ?? 0, r.atMs));
      if (!r.silent && dayOf(r.atMs) === e.day) e.perPlacement.set(r.placement, (e.perPlacement.get(r.placement) ?? 0) + 1);
    }
    if (byId.size >= max) { const oldest = byId.keys().next().value; if (oldest !== undefined) byId.delete(oldest); }
    byId.set(id, e);
    return e;
  }

  const anonymous = (): ShopperEntry => ({
    profileId: null, state: undefined, consent: { personalization: false, basis: 'no profile yet: nothing to personalize with' },
    shown: new Map(), day: dayOf(d.nowMs()), perPlacement: new Map(), loadedAt: d.nowMs(),
  });

  function refresh(id: string): Promise<ShopperEntry> {
    let p = loading.get(id);
    if (!p) { p = loadId(id).finally(() => loading.delete(id)); loading.set(id, p); }
    return p;
  }

  return {
    peek(ref) {
      const id = refs.get(ref);
      const now = d.nowMs();
      if (id === undefined) {
        const at = negatives.get(ref);
        return at !== undefined && now - at < NEGATIVE_TTL_MS ? anonymous() : undefined;
      }
      const e = byId.get(id);
      if (!e) return undefined;
      if (now - e.loadedAt > ttl) refresh(id).catch(() => undefined);
      return e;
    },
    async load(ref) {
      const id = await d.identity.resolveRef(ref);
      if (id === undefined) {
        if (negatives.size > 10_000) negatives.clear();
        negatives.set(ref, d.nowMs());
        return anonymous();
      }
      refs.set(ref, id);
      if (refs.size > max * 2) { const oldest = refs.keys().next().value; if (oldest !== undefined) refs.delete(oldest); }
      return byId.get(id) ?? refresh(id);
    },
    noteDecision(e, placement, keys, silent) {
      const now = d.nowMs();
      const day = dayOf(now);
      if (day !== e.day) { e.day = day; e.perPlacement.clear(); }
      for (const k of keys) e.shown.set(k, now);
      if (!silent) e.perPlacement.set(placement, (e.perPlacement.get(placement) ?? 0) + 1);
    },
    applyBatch(batch) {
      for (const m of batch.merged) {
        byId.delete(m.from);
        byId.delete(m.into);
        for (const [ref, id] of refs) if (id === m.from) refs.delete(ref);
      }
      for (const p of batch.profiles) { const e = byId.get(p.id); if (e) e.state = p; }
      // New profiles may now exist for refs that had none.
      if (batch.profiles.length > 0) negatives.clear();
    },
    invalidate(ids) {
      if (ids === 'all') { byId.clear(); return; }
      for (const id of ids) {
        const e = byId.get(id);
        if (e) loadConsent(id).then((c) => { e.consent = c; }).catch(() => byId.delete(id));
      }
    },
    size: () => byId.size,
  };
}
