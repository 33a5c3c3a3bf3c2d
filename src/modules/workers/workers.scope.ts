/** What entry rules, conditions and audiences may see of a shopper: never sensitive traits. Pure. */
import type { ProfileState } from '../profiles/index.ts';
import type { ComputedTraits } from '../traits/index.ts';

const DAY = 86_400_000;

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
