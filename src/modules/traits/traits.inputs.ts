/**
 * Keeping a profile's stored inputs current from a batch without re-reading its orders: new and
 * updated orders replace their previous version by order id, merges union both histories. Pure.
 */
import type { OrderRow } from '../profiles/index.ts';
import { mergeActivity } from './traits.activity.ts';
import { historyFromOrders, MAX_HISTORY, type HistoryOrder } from './traits.history.ts';
import type { StoredProfile } from './traits.store.ts';

/** The history with these orders added or replaced (same order id), oldest first, bounded. */
export function upsertHistory(history: readonly HistoryOrder[], rows: readonly OrderRow[]): HistoryOrder[] {
  if (rows.length === 0) return [...history];
  const byId = new Map(history.map((o) => [o.id, o]));
  for (const o of historyFromOrders(rows)) byId.set(o.id, o);
  return [...byId.values()].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1)).slice(-MAX_HISTORY);
}

/** The survivor's stored inputs after absorbing `from` (either may be missing). */
export function mergeStored(into: StoredProfile | undefined, from: StoredProfile | undefined): StoredProfile | undefined {
  if (!from) return into;
  if (!into) return from;
  const byId = new Map(into.history.map((o) => [o.id, o]));
  for (const o of from.history) if (!byId.has(o.id)) byId.set(o.id, o);
  return {
    history: [...byId.values()].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1)).slice(-MAX_HISTORY),
    activity: mergeActivity(into.activity, from.activity),
    snapshot: into.snapshot,
    traits: into.traits,
  };
}
