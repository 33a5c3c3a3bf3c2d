/**
 * What the muscle writes to the audit log: every message that went out (or was stopped at
 * delivery), with the worker, journey, decision and the consent record it relied on, so the log
 * answers "what was sent to this shopper, why, under which consent". Entries are batched every
 * 250 ms (one chained append per batch, not per message); the delivery log itself is written
 * first, so a crash can lose at most those 250 ms of audit entries, never a delivery record.
 */
import type { FastifyBaseLogger } from 'fastify';
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
      },
    });
    timer ??= setTimeout(() => void flush(), 250);
  });
  return {
    async stop() { off(); if (timer) clearTimeout(timer); await flush(); },
  };
}
