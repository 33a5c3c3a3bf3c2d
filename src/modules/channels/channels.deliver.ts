/**
 * One delivery attempt for a batch of messages (the body of a pg-boss job batch):
 *
 * 1. claim: `update … set status = 'sending', attempts + 1 where status in ('queued','retrying')`.
 *    A message found still 'sending' was claimed by a process that died during the provider call:
 *    it becomes 'unknown' and is never sent again (at most once beats at least once for marketing).
 * 2. re-check at delivery time: consent (transactional messages skip marketing consent), the
 *    address (email/phone identities, push token), the global suppression list.
 * 3. call the adapters concurrently; then record every outcome in one multi-row update.
 *
 * Transient failures come back as `retry` so the caller fails those jobs and pg-boss retries them
 * with exponential backoff; after the last attempt pg-boss moves them to the dead-letter queue.
 */
import { isoNow, type CoreDeps } from '../../core/index.ts';
import type { ConsentDecision, ConsentService } from '../consent/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { ProfileService } from '../profiles/index.ts';
import { classify, type ChannelAdapter } from './channels.adapters.ts';
import type { ContentCache } from './channels.contents.ts';
import { claim, finishAttempts, insertInbox, markUnknown, suppressedPairs, type AttemptResult, type DeliveryRow } from './channels.store.ts';
import type { TrackingLinks } from './channels.tracking.ts';
import type { ChannelName, ChannelStats } from './channels.types.ts';

/** The consent purpose that tracking needs when BRAID_EMAIL_TRACKING=consent. */
export const TRACKING_PURPOSE = 'email_tracking';

export interface DeliveryContext {
  deps: CoreDeps;
  consent: ConsentService;
  identity: IdentityService;
  profiles: ProfileService;
  adapters: Record<Exclude<ChannelName, 'in_app'>, ChannelAdapter>;
  unsubscribeUrl(profileId: string, purpose: string, messageId: string): string;
  /** Email tracking: the mode (absent: off) and the signed links of one message. */
  tracking?: { mode(): 'on' | 'consent' | 'off'; links(messageId: string): TrackingLinks } | undefined;
  /** Adds a hard bounce to the suppression list. */
  suppress(channel: string, address: string, reason: string, messageId: string): Promise<void>;
  /** Status changes, for onStatus listeners and counters. */
  changed(rows: DeliveryRow[]): void;
  stats: ChannelStats;
  /** Contents this process queued, so a claim need not read them back. */
  contents?: ContentCache;
}

const E164 = /^\+[1-9]\d{6,14}$/;
/** Profile traits that may hold a push device token (set by identify calls from the app). */
export const PUSH_TOKEN_TRAITS = ['push_token', 'pushToken', 'device_token', 'deviceToken'] as const;
/** Identity types that may hold one (Segment `context.externalIds` with type push_token / device_token). */
const PUSH_TOKEN_IDENTITIES = ['external:push_token', 'external:device_token'];

/**
 * Where a message goes: email → the profile's newest email identity; sms → its newest phone
 * identity (E.164); push → a device token from the traits above, else from a token identity;
 * webhook and in_app → the profile id itself.
 */
export async function resolveAddress(ctx: DeliveryContext, profileId: string, channel: ChannelName): Promise<string | undefined> {
  if (channel === 'webhook' || channel === 'in_app') return profileId;
  const traits = channel === 'push' ? (await ctx.profiles.get(profileId))?.traits : undefined;
  return addressFrom(channel, await ctx.identity.identities(profileId), traits);
}

/** The address rule above, over identities and traits already loaded. */
export function addressFrom(channel: ChannelName, ids: ReadonlyArray<{ type: string; value: string; firstSeenAt: string }>, traits: Record<string, unknown> | undefined): string | undefined {
  if (channel === 'push') {
    for (const t of PUSH_TOKEN_TRAITS) {
      const v = traits?.[t];
      if (typeof v === 'string' && v.trim()) return v.trim();
    }
  }
  const types = channel === 'email' ? ['email'] : channel === 'sms' ? ['phone'] : PUSH_TOKEN_IDENTITIES;
  const hit = ids.filter((i) => types.includes(i.type)).sort((a, b) => (a.firstSeenAt < b.firstSeenAt ? 1 : a.firstSeenAt > b.firstSeenAt ? -1 : 0))[0];
  if (!hit) return undefined;
  if (channel === 'sms' && !E164.test(hit.value)) return undefined;
  return hit.value;
}

interface Prepared { row: DeliveryRow; address?: string | undefined; consentRecordId: string | null; consentBasis: string | null; stop?: string; track?: boolean }

/** Whether this marketing email is tracked: mode `on`, or `consent` with the shopper's email_tracking consent. */
async function trackable(ctx: DeliveryContext, row: DeliveryRow, batch: BatchMemo): Promise<boolean> {
  const mode = ctx.tracking?.mode() ?? 'off';
  if (mode === 'off' || row.channel !== 'email' || row.transactional) return false;
  if (mode === 'on') return true;
  return (await memo(batch.consent, `${row.profile_id}\u0000${TRACKING_PURPOSE}`, () => ctx.consent.check(row.profile_id, TRACKING_PURPOSE))).allowed;
}

/** Lookups shared by the messages of one batch (one consent check per profile and purpose, one address per profile and channel). */
interface BatchMemo { consent: Map<string, Promise<ConsentDecision>>; address: Map<string, Promise<string | undefined>> }

function memo<T>(m: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = m.get(key);
  if (!p) m.set(key, p = load());
  return p;
}

async function prepare(ctx: DeliveryContext, row: DeliveryRow, batch: BatchMemo): Promise<Prepared> {
  let consentRecordId: string | null = null;
  let consentBasis: string | null = 'transactional';
  if (!row.transactional) {
    const d = await memo(batch.consent, `${row.profile_id}\u0000${row.purpose}`, () => ctx.consent.check(row.profile_id, row.purpose));
    consentRecordId = d.record?.id ?? null;
    consentBasis = d.basis;
    if (!d.allowed) return { row, consentRecordId, consentBasis, stop: `consent:${d.status === 'revoked' ? 'revoked' : 'denied'}` };
  }
  const address = await memo(batch.address, `${row.profile_id}\u0000${row.channel}`, () => resolveAddress(ctx, row.profile_id, row.channel as ChannelName));
  if (!address) return { row, consentRecordId, consentBasis, stop: 'no_address' };
  return { row, address, consentRecordId, consentBasis, track: await trackable(ctx, row, batch) };
}

/**
 * Fills the batch memo with one statement each for consent (every profile and purpose), identities
 * and (for push) profiles, instead of a lookup per message. A failure leaves the memo empty, and
 * the per-message path (with its own error handling) runs instead.
 */
async function prefetch(ctx: DeliveryContext, rows: DeliveryRow[], batch: BatchMemo): Promise<void> {
  try {
    const tracked = ctx.tracking?.mode() === 'consent' ? rows.filter((r) => r.channel === 'email' && !r.transactional).map((r) => ({ profile_id: r.profile_id, purpose: TRACKING_PURPOSE })) : [];
    const pairs = [...new Map([...rows.filter((r) => !r.transactional), ...tracked].map((r) => [`${r.profile_id}\u0000${r.purpose}`, { profileId: r.profile_id, purpose: r.purpose }])).entries()];
    const decisions = await ctx.consent.checkMany(pairs.map(([, p]) => p));
    pairs.forEach(([k], i) => batch.consent.set(k, Promise.resolve(decisions[i]!)));
    const ids = [...new Set(rows.filter((r) => r.channel === 'email' || r.channel === 'sms' || r.channel === 'push').map((r) => r.profile_id))];
    const [identities, profiles] = await Promise.all([
      ctx.identity.identitiesOf(ids),
      ctx.profiles.getMany([...new Set(rows.filter((r) => r.channel === 'push').map((r) => r.profile_id))]),
    ]);
    for (const r of rows) {
      const k = `${r.profile_id}\u0000${r.channel}`;
      if (r.channel === 'webhook' || r.channel === 'in_app' || batch.address.has(k)) continue;
      batch.address.set(k, Promise.resolve(addressFrom(r.channel as ChannelName, identities.get(r.profile_id) ?? [], profiles.get(r.profile_id)?.traits)));
    }
  } catch {
    batch.consent.clear(); batch.address.clear();
  }
}

/** Delivers what it can of `ids`; returns the ids whose attempt failed transiently (to retry). */
export async function deliverBatch(ctx: DeliveryContext, ids: string[]): Promise<{ retry: Map<string, string> }> {
  const { db, clock } = ctx.deps;
  const claimed = await claim(db, ids, isoNow(clock), (id) => ctx.contents?.take(id));
  const claimedIds = new Set(claimed.map((r) => r.id));
  const interrupted = await markUnknown(db, ids.filter((id) => !claimedIds.has(id)), isoNow(clock));
  ctx.changed(interrupted);

  const batch: BatchMemo = { consent: new Map(), address: new Map() };
  await prefetch(ctx, claimed, batch);
  const prepared = await Promise.all(claimed.map(async (row): Promise<Prepared> => {
    try { return await prepare(ctx, row, batch); } catch (e) {
      // A consent or identity lookup that fails is a transient fault of ours, not of the message.
      return { row, consentRecordId: null, consentBasis: null, stop: `retry:${(e as Error).message}` };
    }
  }));
  const pairs = prepared.filter((p) => p.address !== undefined && !p.stop).map((p) => ({ channel: p.row.channel, address: p.address! }));
  const suppressed = await suppressedPairs(db, pairs);

  const retry = new Map<string, string>();
  const results = await Promise.all(prepared.map(async (p): Promise<AttemptResult> => {
    const base = { id: p.row.id, address: p.address ?? null, consentRecordId: p.consentRecordId, consentBasis: p.consentBasis, providerId: null, sent: false };
    if (p.stop?.startsWith('retry:')) { retry.set(p.row.id, p.stop.slice(6)); return { ...base, status: 'retrying', reason: p.stop.slice(6) }; }
    if (p.stop) return { ...base, status: 'suppressed', reason: p.stop };
    const hit = suppressed.get(`${p.row.channel}\u0000${p.address}`);
    if (hit !== undefined) return { ...base, status: 'suppressed', reason: 'suppression_list' };
    try {
      const providerId = await send(ctx, p);
      return { ...base, status: 'sent', reason: null, providerId, sent: true };
    } catch (e) {
      const err = classify(e);
      if (err.kind === 'transient') { retry.set(p.row.id, err.message); return { ...base, status: 'retrying', reason: err.message }; }
      if (err.hardBounce) await ctx.suppress(p.row.channel, p.address!, 'hard_bounce', p.row.id).catch(() => undefined);
      return { ...base, status: err.hardBounce ? 'bounced' : 'failed', reason: err.message };
    }
  }));
  ctx.changed(await finishAttempts(db, results, isoNow(clock), new Map(claimed.map((r) => [r.id, r.content]))));
  return { retry };
}

async function send(ctx: DeliveryContext, p: Prepared): Promise<string> {
  const row = p.row;
  const channel = row.channel as ChannelName;
  if (channel === 'in_app') {
    await insertInbox(ctx.deps.db, { id: row.id, profileId: row.profile_id, content: row.content }, isoNow(ctx.deps.clock));
    return row.id;
  }
  const out = await ctx.adapters[channel].deliver({
    id: row.id, profileId: row.profile_id, channel, purpose: row.purpose, transactional: row.transactional, address: p.address!,
    content: row.content, workerId: row.worker_id, decisionId: row.decision_id,
    unsubscribeUrl: row.transactional ? undefined : ctx.unsubscribeUrl(row.profile_id, row.purpose, row.id),
    tracking: p.track ? ctx.tracking?.links(row.id) : undefined,
  });
  return out.providerId;
}
