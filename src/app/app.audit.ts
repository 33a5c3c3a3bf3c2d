/**
 * What the muscle writes to the audit log: every message that went out (or was stopped at
 * delivery), with the worker, journey, decision and the consent record it relied on, so the log
 * answers "what was sent to this shopper, why, under which consent". Entries are batched every
 * 250 ms (one chained append per batch, not per message); the delivery log itself is written
 * first, so a crash can lose at most those 250 ms of audit entries, never a delivery record.
 */
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { principalOf, type Clock } from '../core/index.ts';
import type { DecisionService } from '../modules/decisioning/index.ts';
import { actorOf } from '../modules/approvals/index.ts';
import type { AuditInput, AuditService } from '../modules/audit/index.ts';
import type { ChannelService, DeliveryRecord } from '../modules/channels/index.ts';

const AUDITED: ReadonlySet<string> = new Set(['sent', 'suppressed', 'dead', 'failed', 'unknown']);

export function auditDeliveries(channels: ChannelService, audit: AuditService, log: FastifyBaseLogger): { stop(): Promise<void> } {
  let pending: AuditInput[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return flushing;
    flushing = flushing.then(() => audit.append(batch)).then(() => undefined, (err: unknown) => { log.error({ err }, 'audit: could not append message entries'); });
    return flushing;
  };
  const off = channels.onStatus((rec: DeliveryRecord) => {
    if (!AUDITED.has(rec.status)) return;
    pending.push({
      actor: rec.workerId ? `worker:${rec.workerId}` : 'api', action: `message.${rec.status}`, subjectType: 'message', subjectId: rec.id, profileId: rec.profileId,
      data: {
        channel: rec.channel, purpose: rec.purpose, reason: rec.reason, consentRecordId: rec.consentRecordId, consentBasis: rec.consentBasis,
        workerId: rec.workerId, workerVersion: rec.workerVersion, instanceId: rec.instanceId, stepId: rec.stepId, decisionId: rec.decisionId,
        subject: rec.content.subject ?? rec.content.title ?? undefined,
        // The template version sent and who approved it (null approvedBy: published without review).
        content: rec.provenance ?? undefined,
      },
    });
    timer ??= setTimeout(() => void flush(), 250);
  });
  return {
    async stop() { off(); if (timer) clearTimeout(timer); await flush(); },
  };
}

/**
 * Config changes made over the API, by anyone: one `config.change` entry per successful write to a
 * configuration route, appended before the response is sent (a change is never acknowledged
 * unaudited). The entry names the principal, the route, its params and a SHA-256 of the body
 * (bodies may hold provider secrets or shopper addresses, so not the body itself). Offers,
 * templates and blocks also get `approval.*` entries with their risk tier; workers and guardrails
 * audit themselves (worker.version, guardrails.update) and are not repeated here.
 */
/** Configuration routes and the subject type their entries carry (the same types the approval entries use). */
const CONFIG_ROUTES: ReadonlyMap<string, string> = new Map([
  ['/v1/offers/:id', 'offer'], ['/v1/offer-policy', 'offer_policy'], ['/v1/content/blocks', 'block'], ['/v1/content/blocks/:id', 'block'],
  ['/v1/content/blocks/draft', 'block'], ['/v1/content/templates', 'template'], ['/v1/content/templates/:id', 'template'], ['/v1/content/rules', 'content_rules'],
  ['/v1/placements/:id', 'placement'], ['/v1/decision-actions/:id', 'decision_action'], ['/v1/creatives/:id', 'creative'], ['/v1/channels/providers', 'channel_providers'],
  ['/v1/suppressions', 'suppression'], ['/v1/suppressions/:id', 'suppression'], ['/v1/audiences', 'audience'], ['/v1/audiences/:id', 'audience'],
  ['/v1/consent/policy', 'consent_policy'],
]);
const WRITES: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function auditConfigChanges(http: FastifyInstance, audit: AuditService): void {
  http.addHook('onSend', async (req, reply, payload) => {
    const route = req.routeOptions.url;
    const subjectType = route === undefined ? undefined : CONFIG_ROUTES.get(route);
    if (!subjectType || !WRITES.has(req.method) || reply.statusCode >= 400) return payload;
    const p = principalOf(req);
    const params = (req.params ?? {}) as Record<string, string>;
    const bodyId = (req.body as { id?: unknown } | undefined)?.id;
    const body = req.body === undefined ? undefined : createHash('sha256').update(JSON.stringify(req.body)).digest('hex');
    await audit.append([{
      actor: actorOf(p), action: 'config.change', subjectType, subjectId: params.id ?? (typeof bodyId === 'string' ? bodyId : 'global'),
      data: { method: req.method, route, params, status: reply.statusCode, bodySha256: body, principal: { id: p.id, name: p.name, role: p.role } },
    }]);
    return payload;
  });
}

/**
 * A compact `decision.summary` entry per minute instead of one per decision (the decide path is
 * hot; every decision is already in the decision log with its explanation): how many decisions
 * per placement, group (treated, global control, ...) and action types, and the id range they
 * cover, so the chain commits to them. Decisions are summarized once they are 10 s old (flushes
 * of other processes land by then); the cursor is the previous summary's `untilId`, read from the
 * log itself. Several processes: each summarizes from the newest summary, so a range is summarized
 * twice only when two processes run within the same instant (the id ranges show it).
 */
export function auditDecisionSummaries(
  clock: Clock, log: DecisionService['log'], audit: AuditService, logger: FastifyBaseLogger, everyMs = 60_000,
): { run(): Promise<number>; stop(): Promise<void> } {
  let running: Promise<number> = Promise.resolve(0);
  const run = (): Promise<number> => (running = running.then(async () => {
    const [last] = await audit.list({ action: 'decision.summary', limit: 1 });
    const afterId = typeof last?.data.untilId === 'string' ? last.data.untilId : '';
    const rows = await log.counts({ afterId, untilMs: clock.now() - 10_000 });
    if (rows.length === 0) return 0;
    const total = rows.reduce((n, r) => n + r.n, 0);
    const untilId = rows.reduce((m, r) => (r.lastId > m ? r.lastId : m), '');
    const fromId = rows.reduce((m, r) => (r.firstId < m ? r.firstId : m), untilId);
    await audit.append([{ actor: 'system', action: 'decision.summary', subjectType: 'decisions', subjectId: untilId, data: { decisions: total, fromId, untilId, rows: rows.map(({ firstId: _f, lastId: _l, ...r }) => r) } }]);
    return total;
  }).catch((err: unknown) => { logger.error({ err }, 'audit: decision summary failed'); return 0; }));
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return { run, async stop() { clearInterval(timer); await running; } };
}
