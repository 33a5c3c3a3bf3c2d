/** TypeBox schemas for the audit log: service input and route shapes. */
import { Type } from 'typebox';
import { ACTION_PATTERN } from './audit.chain.ts';

export const MAX_BATCH = 10_000;

export const AuditInputSchema = Type.Object({
  actor: Type.String({ minLength: 1, maxLength: 200 }),
  action: Type.String({ pattern: ACTION_PATTERN, maxLength: 100 }),
  subjectType: Type.String({ minLength: 1, maxLength: 100 }),
  subjectId: Type.String({ minLength: 1, maxLength: 500 }),
  profileId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
}, { additionalProperties: false });

export const AuditBatchSchema = Type.Array(AuditInputSchema, { maxItems: MAX_BATCH });

export const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  action: Type.String(),
  subjectType: Type.String(),
  subjectId: Type.String(),
  profileId: Type.Union([Type.String(), Type.Null()]),
  data: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.String(),
  hash: Type.String(),
});

export const ListQuerySchema = Type.Object({
  profile: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'A profile id (prf_...), or a profile ref when the server resolves refs' })),
  subject: Type.Optional(Type.String({ minLength: 1, maxLength: 600, description: 'TYPE, or TYPE:ID (split at the first colon), e.g. worker:wkr_...' })),
  action: Type.Optional(Type.String({ pattern: ACTION_PATTERN, maxLength: 100, description: 'e.g. message.sent' })),
  before: Type.Optional(Type.Integer({ minimum: 1, description: 'Page: entries with seq strictly below this' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});

export const VerifyQuerySchema = Type.Object({
  from: Type.Optional(Type.Integer({ minimum: 1, description: 'Verify from this seq, trusting the entry before it' })),
});

const Head = Type.Object({ seq: Type.Integer(), hash: Type.String() });

export const VerifyResultSchema = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstBroken: Type.Optional(Type.Object({
    seq: Type.Integer(), id: Type.String(),
    reason: Type.Union([Type.Literal('hash_mismatch'), Type.Literal('prev_hash_mismatch'), Type.Literal('gap')]),
  })),
  head: Type.Optional(Type.Union([Head, Type.Null()])),
});
