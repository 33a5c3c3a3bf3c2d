/** TypeBox schemas of the channels routes (requests and responses, for validation and OpenAPI). */
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const L = Type.Literal;

// Spelled out (not mapped from CHANNELS) so the inferred types stay literal unions.
export const Channel = Type.Union([L('email'), L('sms'), L('push'), L('webhook'), L('in_app')]);
export const Status = Type.Union([
  L('queued'), L('sending'), L('sent'), L('delivered'), L('opened'), L('clicked'), L('retrying'), L('failed'), L('bounced'), L('complained'),
  L('dead'), L('suppressed'), L('unknown'),
]);
export const Ref = Type.String({ minLength: 1, maxLength: 500, description: 'prf_…, userId:…, anonymousId:…, email:…, phone:… or externalId:TYPE:…' });
const Id = Type.String({ minLength: 1, maxLength: 100 });

export const ErrorSchema = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }) });

export const DeliverySchema = Type.Object({
  id: Type.String(), idempotencyKey: Type.String(), profileId: Type.String(), channel: Channel, purpose: Type.String(), status: Status,
  reason: Nullable(Type.String()), address: Nullable(Type.String()), attempts: Type.Integer(), providerId: Nullable(Type.String()),
  consentRecordId: Nullable(Type.String({ description: 'The consent ledger record the delivery relied on' })),
  consentBasis: Nullable(Type.String({ description: 'recorded, default (jurisdiction policy) or transactional' })),
  workerId: Nullable(Type.String()), workerVersion: Nullable(Type.Integer()), instanceId: Nullable(Type.String()), stepId: Nullable(Type.String()),
  decisionId: Nullable(Type.String()), content: Type.Unknown(),
  provenance: Type.Optional(Nullable(Type.Record(Type.String(), Type.Unknown(), { description: 'template, version, risk tier and approver of the content (docs/governance.md)' }))),
  createdAt: Type.String(), sentAt: Nullable(Type.String()), updatedAt: Type.String(),
});

export const MessagesQuery = Type.Object({
  ref: Type.Optional(Ref), worker: Type.Optional(Id), instance: Type.Optional(Id), channel: Type.Optional(Channel), status: Type.Optional(Status),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  before: Type.Optional(Type.String({ maxLength: 100, description: 'A message id: older messages only (paging)' })),
  cursor: Type.Optional(Type.String({ maxLength: 300, description: 'nextCursor of the previous page' })),
}, { additionalProperties: false });

export const SuppressionSchema = Type.Object({
  id: Type.String(), channel: Type.Union([Channel, Type.Literal('all')]), address: Type.String(), reason: Type.String(), source: Type.String(),
  messageId: Nullable(Type.String()), createdAt: Type.String(),
});
export const SuppressionBody = Type.Object({
  channel: Type.Union([Channel, Type.Literal('all')], { description: 'A channel, or all' }),
  address: Type.String({ minLength: 1, maxLength: 4096, description: 'Email, phone (E.164 or national), device token, or profile id (webhook, in_app)' }),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
}, { additionalProperties: false });
export const SuppressionsQuery = Type.Object({
  channel: Type.Optional(Type.Union([Channel, Type.Literal('all')])), address: Type.Optional(Type.String({ maxLength: 4096 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })), before: Type.Optional(Type.String({ maxLength: 100 })),
}, { additionalProperties: false });

export const InboxItemSchema = Type.Object({
  id: Type.String(), profileId: Type.String(), title: Nullable(Type.String()), body: Nullable(Type.String()), url: Nullable(Type.String()),
  data: Type.Unknown(), createdAt: Type.String(), readAt: Nullable(Type.String()),
});
export const InboxQuery = Type.Object({
  ref: Ref, unread: Type.Optional(Type.Boolean({ default: false })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
}, { additionalProperties: false });

export const IdParams = Type.Object({ id: Id });
export const ReceiptResult = Type.Object({ changed: Type.Boolean(), message: Type.Optional(DeliverySchema) });
