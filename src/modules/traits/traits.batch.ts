/**
 * What one applied projection batch means for traits, worked out without I/O: which profiles to
 * recompute, their new events, which need their orders reloaded, the merges to carry out, and
 * the preferences the batch's messages declare.
 */
import type { AppliedBatch, OrderRow, ProfileState } from '../profiles/index.ts';
import type { ActivityEvent } from './traits.activity.ts';
import { capturePreferences, type DeclaredPreference } from './traits.preferences.ts';
import type { PreferenceVariable } from './traits.types.ts';

export interface BatchPlan {
  /** In the order they happened; chains (A→B, B→C) are followed by `canonical`. */
  merges: Array<{ from: string; into: string }>;
  /** Surviving profiles to recompute. */
  touched: string[];
  events: Map<string, ActivityEvent[]>;
  /** Profiles whose orders changed (new orders, refunds, or merged-in history). */
  ordersChanged: Set<string>;
  /** The batch's order rows per surviving profile, in batch order (a later version of an order wins). */
  orders: Map<string, OrderRow[]>;
  states: Map<string, ProfileState>;
  declared: Array<DeclaredPreference & { profileId: string }>;
}

export function planBatch(b: AppliedBatch, vars: readonly PreferenceVariable[]): BatchPlan {
  const mergedInto = new Map(b.merged.map((m) => [m.from, m.into]));
  const canonical = (id: string): string => {
    let cur = id;
    for (let i = 0; i < 100 && mergedInto.has(cur); i++) cur = mergedInto.get(cur)!;
    return cur;
  };
  const events = new Map<string, ActivityEvent[]>();
  const seqOwner = new Map<number, string>();
  for (const e of b.events) {
    const id = canonical(e.profileId);
    seqOwner.set(e.seq, id);
    const list = events.get(id);
    if (list) list.push({ seq: e.seq, name: e.name, at: e.at }); else events.set(id, [{ seq: e.seq, name: e.name, at: e.at }]);
  }
  const orders = new Map<string, OrderRow[]>();
  for (const o of b.orders) { const id = canonical(o.profileId); orders.set(id, [...(orders.get(id) ?? []), o]); }
  const ordersChanged = new Set(orders.keys());
  for (const m of b.merged) ordersChanged.add(canonical(m.into));
  const states = new Map<string, ProfileState>();
  for (const p of b.profiles) if (!mergedInto.has(p.id)) states.set(p.id, p);
  const declared: BatchPlan['declared'] = [];
  for (const m of b.messages) {
    const owner = seqOwner.get(m.seq);
    if (owner) for (const d of capturePreferences(m, vars)) declared.push({ ...d, profileId: owner });
  }
  const touched = [...new Set([...events.keys(), ...ordersChanged, ...states.keys()])].filter((id) => !mergedInto.has(id)).sort();
  return { merges: b.merged.map((m) => ({ ...m })), touched, events, ordersChanged, orders, states, declared };
}

/**
 * Several consecutive batches as one (a later profile state wins; merges, orders, messages and
 * events concatenated in order). When the projection runs ahead during an import, each profile is
 * then recomputed and written once per pass instead of once per batch.
 */
export function combineBatches(bs: readonly AppliedBatch[]): AppliedBatch {
  if (bs.length === 1) return bs[0]!;
  const profiles = new Map<string, ProfileState>();
  for (const b of bs) for (const p of b.profiles) profiles.set(p.id, p);
  return {
    profiles: [...profiles.values()], merged: bs.flatMap((b) => b.merged), orders: bs.flatMap((b) => b.orders),
    messages: bs.flatMap((b) => [...b.messages]), events: bs.flatMap((b) => [...b.events]),
  };
}
