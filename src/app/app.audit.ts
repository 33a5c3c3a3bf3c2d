/**
 * What the muscle writes to the audit log: every message that went out (or was stopped at
 * delivery), with the worker, journey, decision and the consent record it relied on, so the log
 * answers "what was sent to this shopper, why, under which consent". Entries are batched every
 * 250 ms (one chained append per batch, not per message); the delivery log itself is written
 * first, so a crash can lose at most those 250 ms of audit entries, never a delivery record.
 */
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { principalOf } from '../core/index.ts';
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
const CONFIG_ROUTES: ReadonlySet<string> = new Set([
  '/v1/offers/:id', '/v1/offer-policy', '/v1/content/blocks', '/v1/content/blocks/:id', '/v1/content/blocks/draft', '/v1/content/templates',
  '/v1/content/templates/:id', '/v1/content/rules', '/v1/placements/:id', '/v1/decision-actions/:id', '/v1/creatives/:id', '/v1/channels/providers',
  '/v1/suppressions', '/v1/suppressions/:id', '/v1/audiences', '/v1/audiences/:id', '/v1/consent/policy',
]);
const WRITES: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function auditConfigChanges(http: FastifyInstance, audit: AuditService): void {
  http.addHook('onSend', async (req, reply, payload) => {
    const route = req.routeOptions.url;
    if (!route || !WRITES.has(req.method) || !CONFIG_ROUTES.has(route) || reply.statusCode >= 400) return payload;
    const p = principalOf(req);
    const params = (req.params ?? {}) as Record<string, string>;
    const area = route.split('/')[2] ?? 'config';
    const body = req.body === undefined ? undefined : createHash('sha256').update(JSON.stringify(req.body)).digest('hex');
    await audit.append([{
      actor: actorOf(p), action: 'config.change', subjectType: area, subjectId: params.id ?? route,
      data: { method: req.method, route, params, status: reply.statusCode, bodySha256: body, principal: { id: p.id, name: p.name, role: p.role } },
    }]);
    return payload;
  });
}
