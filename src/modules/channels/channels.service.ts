/**
 * The channels service: `send` records and enqueues (one transaction: delivery rows and pg-boss
 * jobs commit together, so a crash can neither lose a queued message nor leave a job without its
 * row); pg-boss workers run `deliverBatch`; receipts, unsubscribe and suppression feed back.
 */
import type PgBoss from 'pg-boss';
import { BraidError, invalid, isoNow, newId, notFound, type ChannelsConfig, type CoreDeps } from '../../core/index.ts';
import { isValidPurpose, type ConsentService } from '../consent/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { ProfileService } from '../profiles/index.ts';
import { createContentCache } from './channels.contents.ts';
import { deliverBatch, type DeliveryContext } from './channels.deliver.ts';
import { buildAdapters, describeProviders, parseProviderOverrides, type Adapters, type ProviderOverrides } from './channels.providers.ts';
import { normalizeAddress } from './channels.address.ts';
import {
  bossSchemaFor, createBossDb, DEAD_QUEUE, DELIVERY_QUEUE, deliveryJobs, IDS_PER_JOB, jobMessageIds, startBoss, txBossDb, type DeliveryJobData, type QueueSettings,
} from './channels.queue.ts';
import { RECEIPT_FROM, twilioStatus } from './channels.receipts.ts';
import { signUnsubscribe, verifyTwilio, verifyUnsubscribe, verifyWebhook } from './channels.sign.ts';
import * as store from './channels.store.ts';
import { trackingLinks, verifyTracking } from './channels.tracking.ts';
import {
  CHANNEL_PURPOSE, CHANNELS, RECEIPT_STATUSES, type ChannelName, type ChannelService, type ChannelStats, type DeliveryRecord,
  type ReceiptStatus, type SendOutcome, type SendRequest,
} from './channels.types.ts';

/** Tuning knobs; the defaults suit production. Tests shorten the retry delay and polling. */
export interface ChannelOptions {
  /** Seconds before the first retry (at least 1); doubled per attempt, with jitter, when retryBackoff. Default 30. */
  retryDelaySeconds?: number;
  retryBackoff?: boolean;
  /** How often idle workers look for due jobs (at least 0.5 s; a send() wakes them at once). Default 1. */
  pollingIntervalSeconds?: number;
  /** Messages per delivery batch (fetched as jobs of IDS_PER_JOB messages each). Default 200. */
  batchSize?: number;
  /** Batches in flight at once. Default 4. */
  concurrency?: number;
  /** Provider HTTP timeout. Default 10 s. */
  httpTimeoutMs?: number;
  /** A batch still running after this long is failed by pg-boss maintenance; its rows become 'unknown'. Default 300. */
  expireInSeconds?: number;
  maintenanceIntervalSeconds?: number;
}

export interface ChannelCollaborators {
  consent: ConsentService; identity: IdentityService; profiles: ProfileService;
  /** Signs unsubscribe tokens (HMAC-SHA256). */
  secret: string;
  options?: ChannelOptions;
}

const RECEIPTS_PATH = '/v1/channels/receipts';
const MAX_CONTENT_BYTES = 256 * 1024;

export function createChannels(deps: CoreDeps, c: ChannelCollaborators): ChannelService {
  let cfg: ChannelsConfig = deps.config.muscle.channels;
  let overrides: ProviderOverrides = {};
  const o = c.options ?? {};
  const settings: QueueSettings = {
    maxAttempts: cfg.maxAttempts, retryDelaySeconds: Math.max(1, Math.round(o.retryDelaySeconds ?? 30)), retryBackoff: o.retryBackoff ?? true,
    expireInSeconds: o.expireInSeconds ?? 300, maintenanceIntervalSeconds: o.maintenanceIntervalSeconds ?? 120,
  };
  const timeout = o.httpTimeoutMs ?? 10_000;
  // Mutated in place when providers change over the API: the delivery context holds this object.
  const adapters: Adapters = buildAdapters(cfg, deps.config.dataDir, timeout, RECEIPTS_PATH, deps.clock);
  async function applyOverrides(next: ProviderOverrides): Promise<void> {
    overrides = next;
    cfg = { ...deps.config.muscle.channels, ...next };
    const old = { ...adapters };
    Object.assign(adapters, buildAdapters(cfg, deps.config.dataDir, timeout, RECEIPTS_PATH, deps.clock));
    await Promise.allSettled(Object.values(old).map((a) => a.close?.()));
  }
  const stats: ChannelStats = { queued: 0, duplicate: 0, sent: 0, retrying: 0, failed: 0, dead: 0, suppressed: 0, unknown: 0 };
  const listeners = new Set<(rec: DeliveryRecord) => void>();
  const emit = (rows: store.DeliveryRow[]) => {
    if (listeners.size === 0) return;
    for (const r of rows) {
      const rec = store.toRecord(r);
      for (const l of listeners) { try { l(rec); } catch (e) { deps.log.warn({ err: e }, 'channels onStatus listener failed'); } }
    }
  };
  const count = (rows: store.DeliveryRow[]) => {
    for (const r of rows) {
      if (r.status === 'bounced') stats.failed++;
      else if (r.status in stats) stats[r.status as keyof ChannelStats]++;
    }
    emit(rows);
  };

  const bossDb = createBossDb(deps.db);
  const jobsPerBatch = Math.max(1, Math.round((o.batchSize ?? 200) / IDS_PER_JOB));
  let boss: Promise<PgBoss> | undefined;
  let stopping = false;
  const workerIds: string[] = [];
  const inflight = new Set<Promise<unknown>>();
  const ensureBoss = (): Promise<PgBoss> => {
    if (stopping) return Promise.reject(new BraidError('unavailable', 'channels are stopping'));
    boss ??= bossSchemaFor(deps.db).then((schema) => startBoss(bossDb, schema, settings, (e) => deps.log.error({ err: e }, 'pg-boss error')));
    return boss;
  };

  async function suppress(input: { channel: string; address: string; reason?: string; source?: string; messageId?: string | null }) {
    const channel = input.channel;
    if (channel !== 'all' && !(CHANNELS as readonly string[]).includes(channel)) throw invalid('channel', `must be one of ${CHANNELS.join(', ')} or all`);
    const address = normalizeAddress(channel, input.address, deps.config.defaultPhoneRegion);
    if (!address) throw invalid('address', `is not a valid ${channel === 'all' ? 'email address or phone number' : channel + ' address'}`);
    return store.insertSuppression(deps.db, {
      id: newId('sup', deps.clock), channel: channel as ChannelName | 'all', address, reason: input.reason ?? 'operator', source: input.source ?? 'api', messageId: input.messageId ?? null,
    }, isoNow(deps.clock));
  }

  const contents = createContentCache();
  /** BRAID_EMAIL_TRACKING (absent: on). */
  const trackingMode = () => cfg.emailTracking ?? 'on';
  const ctx: DeliveryContext = {
    deps, consent: c.consent, identity: c.identity, profiles: c.profiles, adapters, stats, contents,
    unsubscribeUrl: (profileId, purpose, messageId) => unsubscribeUrl(profileId, purpose, messageId),
    tracking: { mode: trackingMode, links: (messageId) => trackingLinks(cfg.publicUrl, c.secret, messageId) },
    suppress: async (channel, address, reason, messageId) => { await suppress({ channel, address, reason, source: 'bounce', messageId }); },
    changed: count,
  };

  function unsubscribeUrl(profileId: string, purpose: string, messageId?: string): string {
    return `${cfg.publicUrl}/v1/unsubscribe?t=${signUnsubscribe(c.secret, { profileId, purpose, ...(messageId ? { messageId } : {}) })}`;
  }

  /** One pg-boss batch: deliver, complete the settled jobs, fail the transient ones (pg-boss retries them). */
  async function runBatch(b: PgBoss, jobs: PgBoss.Job<DeliveryJobData>[]): Promise<void> {
    if (stopping) throw new Error('channels stopping'); // jobs go back to the queue untouched
    const work = (async () => {
      const { retry } = await deliverBatch(ctx, jobs.flatMap((j) => jobMessageIds(j.data)));
      // A job with any transient failure is failed as a whole; its retry re-attempts only those (see IDS_PER_JOB).
      const done: string[] = [];
      const again: string[] = [];
      for (const j of jobs) (jobMessageIds(j.data).some((id) => retry.has(id)) ? again : done).push(j.id);
      if (done.length) await b.complete(DELIVERY_QUEUE, done);
      if (again.length) await b.fail(DELIVERY_QUEUE, again);
      // A full batch means more are likely waiting: fetch again at once instead of after the poll interval.
      if (jobs.length >= jobsPerBatch) for (const id of workerIds) b.notifyWorker(id);
    })();
    inflight.add(work);
    try { await work; } finally { inflight.delete(work); }
  }

  async function runDead(jobs: PgBoss.Job<DeliveryJobData>[]): Promise<void> {
    if (stopping) throw new Error('channels stopping');
    count(await store.markDead(deps.db, jobs.flatMap((j) => jobMessageIds(j.data)), isoNow(deps.clock)));
  }

  async function receipt(ref: { messageId?: string; providerId?: string }, status: ReceiptStatus, reason?: string, channel?: string): Promise<DeliveryRecord | undefined> {
    const row = await store.findByRef(deps.db, ref, channel);
    if (!row) throw notFound(`Message ${ref.messageId ?? ref.providerId}`);
    const updated = await store.moveStatus(deps.db, row.id, status, RECEIPT_FROM[status], reason ?? null, isoNow(deps.clock));
    if (!updated) return undefined;
    if ((status === 'bounced' || status === 'complained') && updated.address && updated.channel !== 'webhook' && updated.channel !== 'in_app') {
      await suppress({ channel: updated.channel, address: updated.address, reason: status === 'bounced' ? 'hard_bounce' : 'complaint', source: status === 'bounced' ? 'bounce' : 'complaint', messageId: updated.id });
    }
    emit([updated]);
    return store.toRecord(updated);
  }

  return {
    async send(reqs) {
      if (!Array.isArray(reqs)) throw invalid('body', 'must be an array of send requests');
      const at = isoNow(deps.clock);
      const firstByKey = new Map<string, number>();
      const rows: store.NewDelivery[] = [];
      reqs.forEach((r, i) => {
        validateRequest(r, i);
        if (firstByKey.has(r.idempotencyKey)) return;
        firstByKey.set(r.idempotencyKey, i);
        rows.push({
          id: newId('msg', deps.clock), key: r.idempotencyKey, profileId: r.profileId, channel: r.channel, purpose: r.purpose ?? CHANNEL_PURPOSE[r.channel],
          transactional: r.transactional === true, workerId: r.workerId ?? null, workerVersion: r.workerVersion ?? null, instanceId: r.instanceId ?? null,
          stepId: r.stepId ?? null, decisionId: r.decisionId ?? null, content: JSON.stringify(r.content),
          provenance: r.provenance ? JSON.stringify(r.provenance) : null,
        });
      });
      if (rows.length === 0) return [];
      const b = await ensureBoss();
      const { inserted, existing } = await deps.db.transaction(async (tx) => {
        const ins = await store.insertDeliveries(tx, rows, at);
        const fresh = rows.filter((r) => ins.has(r.id)).map((r) => r.id);
        if (fresh.length) await b.insert(deliveryJobs(fresh, settings), { db: txBossDb(tx) as PgBoss.Db });
        const dupKeys = rows.filter((r) => !ins.has(r.id)).map((r) => r.key);
        return { inserted: ins, existing: dupKeys.length ? await store.idsByKey(tx, dupKeys) : new Map<string, string>() };
      });
      for (const r of rows) if (inserted.has(r.id)) contents.remember(r.id, r.content);
      for (const id of workerIds) b.notifyWorker(id); // deliver now rather than at the next poll
      const byKey = new Map(rows.map((r) => [r.key, r]));
      return reqs.map((r, i): SendOutcome => {
        const row = byKey.get(r.idempotencyKey)!;
        if (inserted.has(row.id) && firstByKey.get(r.idempotencyKey) === i) { stats.queued++; return { messageId: row.id, outcome: 'queued' }; }
        stats.duplicate++;
        return { messageId: inserted.has(row.id) ? row.id : existing.get(r.idempotencyKey)!, outcome: 'duplicate' };
      });
    },

    get: async (id) => { const r = await store.getDelivery(deps.db, id); return r ? store.toRecord(r) : undefined; },
    list: async (q = {}) => (await store.listDeliveries(deps.db, q)).map(store.toRecord),
    contacts: (profileIds, sinceMs) => store.loadContacts(deps.db, profileIds, new Date(sinceMs).toISOString()),
    sentCounts: (profileIds) => store.countSent(deps.db, profileIds),
    statusesByKey: (keys) => store.statusesByKey(deps.db, [...new Set(keys)]),
    unsubscribeUrl,
    inbox: (profileId, opts = {}) => store.listInbox(deps.db, profileId, opts.unreadOnly === true, Math.min(Math.max(opts.limit ?? 50, 1), 200)),
    markRead: (id, profileId) => store.markInboxRead(deps.db, id, profileId, isoNow(deps.clock)),
    onStatus(listener) { listeners.add(listener); return () => { listeners.delete(listener); }; },
    receipt: (ref, status, reason) => receipt(ref, status, reason),

    async smsCallback(requestUrl, params, signature) {
      // Twilio signs the URL it called: the StatusCallback we gave it (plus any query string).
      const q = requestUrl.indexOf('?');
      const url = `${cfg.publicUrl}${RECEIPTS_PATH}/sms${q >= 0 ? requestUrl.slice(q) : ''}`;
      if (!verifyTwilio(cfg.smsAuthToken, url, params, signature)) throw new BraidError('unauthorized', 'X-Twilio-Signature does not match');
      if (!params.MessageSid) throw invalid('MessageSid', 'is required');
      const status = twilioStatus(params.MessageStatus, params.ErrorCode);
      if (!status) return undefined;
      return receipt({ providerId: params.MessageSid }, status, params.ErrorCode ? `twilio:${params.ErrorCode}` : undefined, 'sms');
    },

    async signedReceipt(channel, rawBody, timestamp, signature) {
      if (!(CHANNELS as readonly string[]).includes(channel)) throw invalid('channel', `must be one of ${CHANNELS.join(', ')}`);
      if (!verifyWebhook(cfg.webhookSecret, timestamp, rawBody, signature, deps.clock.now())) {
        throw new BraidError('unauthorized', 'X-Braid-Signature does not match (or X-Braid-Timestamp is more than 5 minutes off)');
      }
      let body: { messageId?: unknown; providerId?: unknown; status?: unknown; reason?: unknown };
      try { body = JSON.parse(rawBody) as typeof body; } catch { throw new BraidError('invalid_json', 'Body is not valid JSON', { field: 'body' }); }
      if (!body || typeof body !== 'object') throw invalid('body', 'must be an object');
      const messageId = typeof body.messageId === 'string' ? body.messageId : undefined;
      const providerId = typeof body.providerId === 'string' ? body.providerId : undefined;
      if (!messageId && !providerId) throw invalid('messageId', 'messageId or providerId is required');
      if (!(RECEIPT_STATUSES as readonly unknown[]).includes(body.status)) throw invalid('status', `must be one of ${RECEIPT_STATUSES.join(', ')}`);
      if (body.reason !== undefined && typeof body.reason !== 'string') throw invalid('reason', 'must be a string');
      return receipt(messageId ? { messageId } : { providerId: providerId! }, body.status as ReceiptStatus, body.reason as string | undefined, channel);
    },

    suppressions: (q = {}) => store.listSuppressions(deps.db, q),
    suppress,
    unsuppress: (id) => store.deleteSuppression(deps.db, id),

    readUnsubscribeToken: (token) => verifyUnsubscribe(c.secret, token),
    readTrackingToken: (token) => verifyTracking(c.secret, token),
    trackingMode,
    async unsubscribe(token, method) {
      const claims = verifyUnsubscribe(c.secret, token);
      if (!claims) throw invalid('t', 'is not a valid unsubscribe link');
      // The profile may have merged into another since the email went out: revoke on the survivor.
      const profileId = await c.identity.canonical(claims.profileId) ?? claims.profileId;
      await c.consent.update(profileId, { [claims.purpose]: false }, {
        source: 'unsubscribe', evidence: { method, ...(claims.messageId ? { messageId: claims.messageId } : {}) },
      });
      return { profileId, purpose: claims.purpose };
    },

    providers: () => describeProviders(cfg, overrides),
    async setProviders(body: unknown) {
      const next = parseProviderOverrides(body, overrides);
      await deps.db.query(`insert into channel_providers (id, settings, updated_at) values (1, $1, $2) on conflict (id) do update set settings = excluded.settings, updated_at = excluded.updated_at`,
        [JSON.stringify(next), isoNow(deps.clock)]);
      await applyOverrides(next);
      return describeProviders(cfg, overrides);
    },

    async start() {
      const stored = await deps.db.query<{ settings: ProviderOverrides }>(`select settings from channel_providers where id = 1`);
      if (stored.rows[0]) await applyOverrides(stored.rows[0].settings);
      const b = await ensureBoss();
      if (workerIds.length) return;
      const work = { batchSize: jobsPerBatch, pollingIntervalSeconds: Math.max(0.5, o.pollingIntervalSeconds ?? 1) };
      for (let i = 0; i < Math.max(1, o.concurrency ?? 4); i++) workerIds.push(await b.work<DeliveryJobData>(DELIVERY_QUEUE, work, (jobs) => runBatch(b, jobs)));
      workerIds.push(await b.work<DeliveryJobData>(DEAD_QUEUE, work, runDead));
    },

    async stop() {
      if (stopping) return;
      stopping = true;
      const b = boss ? await boss.catch(() => undefined) : undefined;
      if (b) {
        for (const id of workerIds) await b.offWork({ id });
        await Promise.allSettled([...inflight]);
        await b.stop({ graceful: false, close: false, wait: true });
      }
      bossDb.close();
      await Promise.allSettled(Object.values(adapters).map((a) => a.close?.()));
    },

    stats: () => ({ ...stats }),
  };
}

function validateRequest(r: SendRequest, i: number): void {
  const f = (name: string) => `[${i}].${name}`;
  if (!r || typeof r !== 'object') throw invalid(`[${i}]`, 'must be an object');
  if (typeof r.idempotencyKey !== 'string' || r.idempotencyKey.length === 0 || r.idempotencyKey.length > 500) throw invalid(f('idempotencyKey'), 'must be a string of 1 to 500 characters');
  if (typeof r.profileId !== 'string' || r.profileId.length === 0) throw invalid(f('profileId'), 'must be a profile id');
  if (!(CHANNELS as readonly string[]).includes(r.channel)) throw invalid(f('channel'), `must be one of ${CHANNELS.join(', ')}`);
  if (r.purpose !== undefined && !isValidPurpose(r.purpose)) throw invalid(f('purpose'), 'must match ^[a-z][a-z0-9_]{1,63}$');
  if (!r.content || typeof r.content !== 'object' || Array.isArray(r.content)) throw invalid(f('content'), 'must be an object');
  if (JSON.stringify(r.content).length > MAX_CONTENT_BYTES) throw invalid(f('content'), `must be under ${MAX_CONTENT_BYTES} bytes as JSON`);
}
