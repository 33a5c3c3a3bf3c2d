/** JSON schemas of the audiences API (TypeBox), and the definition check shared by service and routes. */
import { Type } from 'typebox';
import { compileValidator, invalid, parseCondition } from '../../core/index.ts';
import { assertNoSensitivePaths } from './audiences.membership.ts';
import type { AudienceInput } from './audiences.types.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' });

const FileDestination = Type.Object({
  type: Type.Literal('file'),
  path: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Under <dataDir>/audiences; default <id>.<format>.csv' })),
}, { additionalProperties: false });

const WebhookDestination = Type.Object({
  type: Type.Literal('webhook'),
  url: Type.String({ pattern: '^https?://', maxLength: 2000 }),
  secret: Type.Optional(Type.String({ minLength: 8, maxLength: 500, description: 'HMAC key of X-Braid-Signature; default BRAID_WEBHOOK_SECRET' })),
}, { additionalProperties: false });

export const AudienceInputSchema = Type.Object({
  id: Type.Optional(Id),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  where: Type.Unknown({ description: 'A condition (all/any/not, or path/op/value) over profile.*, traits.* and preferences.*' }),
  destination: Type.Union([FileDestination, WebhookDestination]),
  format: Type.Union([Type.Literal('meta'), Type.Literal('google')]),
  refreshMinutes: Type.Integer({ minimum: 1, maximum: 10_080, default: 5 }),
  status: Type.Union([Type.Literal('active'), Type.Literal('paused')], { default: 'active' }),
}, { additionalProperties: false });

export const AudienceViewSchema = Type.Object({
  id: Type.String(), name: Type.String(), where: Type.Unknown(),
  destination: Type.Union([
    Type.Object({ type: Type.Literal('file'), path: Type.String() }),
    Type.Object({ type: Type.Literal('webhook'), url: Type.String(), secretSet: Type.Boolean() }),
  ]),
  format: Type.String(), refreshMinutes: Type.Integer(), status: Type.String(), createdAt: Type.String(), updatedAt: Type.String(),
});

export const StatusSchema = Type.Object({
  lastRefreshAt: Type.Union([Type.String(), Type.Null()]), lastError: Type.Union([Type.String(), Type.Null()]), lastErrorAt: Type.Union([Type.String(), Type.Null()]),
  profiles: Type.Integer(), emails: Type.Integer(), phones: Type.Integer(), lastAdds: Type.Integer(), lastRemoves: Type.Integer(),
  nextRefreshAt: Type.Union([Type.String(), Type.Null()]),
});

const validateShape = compileValidator<AudienceInput & { where: unknown }>(AudienceInputSchema, '');

/**
 * A definition checked in full: shape and defaults, the condition (parseCondition), no sensitive
 * trait in it, and a webhook destination of http(s). Errors are 400s naming the field
 * (`where.all[1].op`, `destination.url`).
 */
export function validateAudienceInput(raw: unknown, sensitive: readonly string[]): Required<Omit<AudienceInput, 'id'>> & { id?: string | undefined } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('body', 'must be an audience object');
  const v = validateShape(raw);
  const where = parseCondition(v.where, 'where');
  assertNoSensitivePaths(where, 'where', sensitive);
  if (v.destination.type === 'webhook') {
    let u: URL;
    try { u = new URL(v.destination.url); } catch { throw invalid('destination.url', 'must be an absolute http(s) URL'); }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid('destination.url', 'must be an absolute http(s) URL');
  }
  return { ...v, where, refreshMinutes: v.refreshMinutes ?? 5, status: v.status ?? 'active' };
}
