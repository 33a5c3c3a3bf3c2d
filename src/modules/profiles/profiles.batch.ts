/**
 * Projects one batch of logged messages onto profiles, in memory, over a working set loaded by
 * the caller (owners of every identifier in the batch, their profiles, known orders). Returns
 * every write the batch implies; the projector commits them in one transaction.
 *
 * Merge rules (guard against over-merging):
 *  - the profile owning the message's userId anchors it; else the owner of its strongest
 *    identifier (user_id > external ids > email > phone > anonymous_id); else a new profile;
 *  - any other profile owning one of the message's identifiers merges into the anchor, unless
 *    both carry different userIds: then nothing merges, the link is flagged as a conflict and the
 *    identifier stays with its owner (e.g. one email on two userIds is flagged, not merged);
 *  - identifiers nobody owns are attached to the anchor.
 */
import { isPlainObject, type Clock } from '../../core/index.ts';
import type { ConsentInput } from '../consent/index.ts';
import { identifiersOf, identityKey, priorityOf, type ConflictRecord, type Identifier, type IdentityChanges, type MergeRecord } from '../identity/index.ts';
import type { LoggedMessage } from '../events/index.ts';
import { extractConsent, jurisdictionOf } from './profiles.consent.ts';
import { applyEvent, mergeStates, round2 } from './profiles.state.ts';
import { emptyProfile, type OrderRow, type ProfileState } from './profiles.types.ts';
import { orderFromEvent, refundAmount } from './profiles.orders.ts';

export interface BatchInput {
  messages: LoggedMessage[];
  owners: Map<string, string>;
  profiles: Map<string, ProfileState>;
  orders: Map<string, OrderRow>;
  opts: { defaultPhoneRegion: string; externalIdTraits: Record<string, string> };
  clock: Clock;
  newId: (prefix: string) => string;
}

export interface BatchOutput {
  identity: IdentityChanges;
  dirty: Map<string, ProfileState>;
  deleted: Set<string>;
  events: Array<{ profileId: string; seq: number; name: string; at: string }>;
  orders: Map<string, OrderRow>;
  consent: ConsentInput[];
  jurisdictions: Map<string, string>;
}

export function projectBatch(input: BatchInput): BatchOutput {
  const { owners, profiles, opts } = input;
  const nowIso = new Date(input.clock.now()).toISOString();
  const mergedInto = new Map<string, string>();
  const out: BatchOutput = {
    identity: { newProfiles: [], newIdentities: [], merges: [], conflicts: [] },
    dirty: new Map(), deleted: new Set(), events: [], orders: new Map(), consent: [], jurisdictions: new Map(),
  };
  const canonical = (id: string): string => { let c = id; while (mergedInto.has(c)) c = mergedInto.get(c)!; return c; };
  const ownerOf = (i: Identifier): string | undefined => { const o = owners.get(identityKey(i)); return o ? canonical(o) : undefined; };
  const create = (at: string): ProfileState => {
    const p = emptyProfile(input.newId('prf'), at, nowIso);
    profiles.set(p.id, p);
    out.identity.newProfiles.push({ id: p.id, createdAt: nowIso });
    return p;
  };
  const attach = (p: ProfileState, i: Identifier, m: LoggedMessage) => {
    owners.set(identityKey(i), p.id);
    out.identity.newIdentities.push({ type: i.type, value: i.value, profileId: p.id, firstSeenAt: m.timestamp, sourceMessageId: m.messageId });
    if (i.type === 'user_id') p.userId = i.value;
  };
  const conflict = (a: ProfileState, b: ProfileState, i: Identifier, reason: string, m: LoggedMessage) => {
    const c: ConflictRecord = { id: input.newId('idc'), profileId: a.id, otherProfileId: b.id, identityType: i.type, identityValue: i.value, reason, messageId: m.messageId, at: m.timestamp };
    out.identity.conflicts.push(c);
  };
  const merge = (from: ProfileState, into: ProfileState, linkedBy: Identifier[], m: LoggedMessage) => {
    mergeStates(into, from);
    mergedInto.set(from.id, into.id);
    for (const [k, v] of owners) if (v === from.id) owners.set(k, into.id);
    const rec: MergeRecord = { id: input.newId('mrg'), fromProfile: from.id, intoProfile: into.id, reason: `seen together in message ${m.messageId}: ${linkedBy.map((l) => l.type).join(', ')}`, linkedBy, messageId: m.messageId, seq: m.seq, at: m.timestamp };
    out.identity.merges.push(rec);
    out.dirty.delete(from.id);
    out.deleted.add(from.id);
    out.dirty.set(into.id, into);
  };

  for (const m of input.messages) {
    const ids = identifiersOf(m, opts);
    // alias: previousId is the id the shopper had before (an anonymousId or an earlier userId).
    if (m.type === 'alias' && m.previousId) {
      const asUser = { type: 'user_id', value: m.previousId };
      ids.push(owners.has(identityKey(asUser)) ? asUser : { type: 'anonymous_id', value: m.previousId });
    }
    const userIds = ids.filter((i) => i.type === 'user_id');
    const uid = m.userId;
    const owned = ids.map((i) => ({ i, owner: ownerOf(i) }));
    let anchor: ProfileState | undefined;
    if (uid) {
      const o = ownerOf({ type: 'user_id', value: uid });
      if (o) anchor = profiles.get(o);
      if (!anchor) {
        // The strongest existing owner that carries no userId yet claims this one.
        const cand = owned.filter((x) => x.owner && !profiles.get(x.owner)?.userId).sort((a, b) => priorityOf(a.i.type) - priorityOf(b.i.type))[0];
        anchor = cand?.owner ? profiles.get(cand.owner) : undefined;
      }
    } else {
      const withUser = [...new Set(owned.filter((x) => x.owner && profiles.get(x.owner)?.userId).map((x) => x.owner!))];
      const cand = withUser.length === 1 ? withUser[0] : owned.filter((x) => x.owner).sort((a, b) => priorityOf(a.i.type) - priorityOf(b.i.type))[0]?.owner;
      anchor = cand ? profiles.get(cand) : undefined;
    }
    anchor ??= create(m.timestamp);
    for (const { i } of owned) {
      const o = ownerOf(i);
      if (o === anchor.id) continue;
      if (!o) {
        if (i.type === 'user_id' && anchor.userId && anchor.userId !== i.value) continue; // a second userId never joins
        if (userIds.length > 1 && i.type === 'user_id' && i.value !== uid) continue;
        attach(anchor, i, m);
        continue;
      }
      const other = profiles.get(o)!;
      if (other.userId && anchor.userId && other.userId !== anchor.userId) {
        conflict(anchor, other, i, `${i.type} is shared by two different userIds (${anchor.userId}, ${other.userId}); not merged`, m);
        continue;
      }
      // The link: identifiers of both profiles seen together in this one message.
      merge(other, anchor, ids.filter((x) => { const ow = ownerOf(x); return ow === other.id || ow === anchor!.id; }), m);
    }

    applyEvent(anchor, m);
    out.dirty.set(anchor.id, anchor);
    out.events.push({ profileId: anchor.id, seq: m.seq, name: m.type === 'track' ? m.event ?? 'track' : m.type, at: m.timestamp });
    applyOrders(anchor, m, input.orders, out);
    for (const c of extractConsent(m)) out.consent.push({ ...c, profileId: anchor.id });
    const j = jurisdictionOf(m);
    if (j) out.jurisdictions.set(anchor.id, j);
  }

  // Rows written during the batch may point at profiles merged later in it.
  for (const e of out.events) e.profileId = canonical(e.profileId);
  for (const o of out.orders.values()) o.profileId = canonical(o.profileId);
  for (const c of out.consent) c.profileId = canonical(c.profileId);
  for (const i of out.identity.newIdentities) i.profileId = canonical(i.profileId);
  out.jurisdictions = new Map([...out.jurisdictions].map(([k, v]) => [canonical(k), v]));
  for (const p of out.dirty.values()) p.updatedAt = nowIso;
  return out;
}

function applyOrders(p: ProfileState, m: LoggedMessage, known: Map<string, OrderRow>, out: BatchOutput): void {
  if (m.type !== 'track') return;
  if (m.event === 'Order Completed') {
    const order = orderFromEvent(m, p.id);
    if (known.has(order.orderId)) return; // idempotent per order id: a re-sent order never counts twice
    known.set(order.orderId, order);
    out.orders.set(order.orderId, order);
    const o = p.orders;
    o.count++; o.revenue = round2(o.revenue + order.revenue);
    o.firstOrderAt = o.firstOrderAt && o.firstOrderAt < order.at ? o.firstOrderAt : order.at;
    o.lastOrderAt = o.lastOrderAt && o.lastOrderAt > order.at ? o.lastOrderAt : order.at;
  } else if (m.event === 'Order Refunded') {
    const props = isPlainObject(m.properties) ? m.properties : {};
    const orderId = typeof props.order_id === 'string' || typeof props.order_id === 'number' ? String(props.order_id) : m.messageId;
    const existing = known.get(orderId);
    const amount = refundAmount(m, existing);
    if (existing && existing.kind === 'order') {
      if (existing.messageId === m.messageId) return;
      const updated = { ...existing, refunded: round2(existing.refunded + amount) };
      updated.status = updated.refunded >= existing.revenue ? 'refunded' : 'partially_refunded';
      known.set(orderId, updated); out.orders.set(orderId, updated);
    } else if (!existing) {
      const refund = { ...orderFromEvent(m, p.id), orderId, kind: 'refund' as const, status: 'refunded', revenue: 0, refunded: amount };
      known.set(orderId, refund); out.orders.set(orderId, refund);
    } else return;
    p.orders.refunds = round2(p.orders.refunds + amount);
  }
}
