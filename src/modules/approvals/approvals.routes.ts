/**
 * Approval queue routes. Listing and reading need approvals:read; accepting and rejecting need
 * approvals:decide (admin, approver), and never by the version's submitter (four eyes, 403 four_eyes).
 * The governance settings (thresholds, sampling, approvals on/off): settings:read and settings:write (admin).
 */
import { Type } from 'typebox';
import { decodeCursor, encodeCursor, GOVERNANCE_LIMITS, principalOf, routeValidator, type HttpServer } from '../../core/index.ts';
import { RISK_TIERS, SUBJECT_KINDS } from './approvals.risk.ts';
import type { ApprovalsService } from './approvals.types.ts';
import { APPROVAL_STATUSES, type ApprovalStatus } from './approvals.types.ts';

const tags = ['approvals'];
const lit = (xs: readonly string[]) => Type.Union(xs.map((x) => Type.Literal(x)));
const Who = Type.Object({ id: Type.String(), name: Type.String(), role: Type.Optional(Type.String()) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Reason = Type.Object({ code: Type.String(), tier: Type.String(), message: Type.String() });
export const ApprovalItemSchema = Type.Object({
  id: Type.String(), kind: Type.String({ description: SUBJECT_KINDS.join(' | ') }), subjectId: Type.String(), version: Type.Integer(),
  tier: Type.String({ description: RISK_TIERS.join(' | ') }), declaredTier: Type.String({ description: RISK_TIERS.join(' | ') }),
  reasons: Type.Array(Reason),
  qa: Nullable(Type.Object({ ok: Type.Boolean(), reasons: Type.Array(Type.Object({ rule: Type.String(), field: Type.Optional(Type.String()), message: Type.String() }, { additionalProperties: true })) })),
  queue: Nullable(Type.String({ description: 'approval (held until decided) | sample (live, drawn for review)' })), status: Type.String({ description: APPROVAL_STATUSES.join(' | ') }),
  submittedBy: Who, submittedAt: Type.String(), decidedBy: Nullable(Who), decidedAt: Nullable(Type.String()), comment: Nullable(Type.String()),
});
const Id = Type.Object({ id: Type.String({ maxLength: 100 }) });

const L = GOVERNANCE_LIMITS;
const num = (l: { min: number; max: number; integer: boolean }, description: string) => (l.integer ? Type.Integer : Type.Number)({ minimum: l.min, maximum: l.max, description });
const SETTING_DOCS = {
  approvals: 'medium and high risk versions wait for an approver (false: everything publishes at once; tiers are still computed and audited)',
  maxAutoDiscountPct: 'a stated or offered discount deeper than this (percent) is high risk',
  maxAutoAudience: 'a worker reaching more shoppers than this is medium risk',
  samplePct: 'share (percent) of low-risk versions queued for review after they publish',
};
const Settings = Type.Object({
  approvals: Type.Boolean({ description: SETTING_DOCS.approvals }),
  maxAutoDiscountPct: num(L.maxAutoDiscountPct, SETTING_DOCS.maxAutoDiscountPct),
  maxAutoAudience: num(L.maxAutoAudience, SETTING_DOCS.maxAutoAudience),
  samplePct: num(L.samplePct, SETTING_DOCS.samplePct),
});
const SettingsViewSchema = Type.Object({
  settings: Settings,
  defaults: Type.Object(Settings.properties, { description: 'the environment\'s values (BRAID_APPROVALS, BRAID_APPROVAL_*)' }),
  overridden: Type.Array(Type.String(), { description: 'fields set through this API; the others follow the environment' }),
  updatedAt: Nullable(Type.String()), updatedBy: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
});
const SettingsPatchSchema = Type.Object({
  approvals: Type.Optional(Nullable(Type.Boolean({ description: SETTING_DOCS.approvals }))),
  maxAutoDiscountPct: Type.Optional(Nullable(num(L.maxAutoDiscountPct, SETTING_DOCS.maxAutoDiscountPct))),
  maxAutoAudience: Type.Optional(Nullable(num(L.maxAutoAudience, SETTING_DOCS.maxAutoAudience))),
  samplePct: Type.Optional(Nullable(num(L.samplePct, SETTING_DOCS.samplePct))),
}, { additionalProperties: false, description: 'Any of the fields; null returns a field to the environment default' });

export function registerApprovalRoutes(http: HttpServer, approvals: ApprovalsService): void {
  http.get('/v1/approvals', {
    schema: {
      tags, summary: 'The approval queue, newest first: held versions (queue approval) and sampled low-risk ones (queue sample)',
      querystring: Type.Object({
        status: Type.Optional(lit(APPROVAL_STATUSES)), kind: Type.Optional(lit(SUBJECT_KINDS)), subject: Type.Optional(Type.String({ maxLength: 200 })),
        cursor: Type.Optional(Type.String({ maxLength: 400, description: 'nextCursor of the previous page' })),
        before: Type.Optional(Type.String({ maxLength: 100, description: 'page: items with ids below this (the last id you saw; older form of cursor)' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
      }),
      response: { 200: Type.Object({ items: Type.Array(ApprovalItemSchema), nextCursor: Nullable(Type.String()), next: Nullable(Type.String({ description: 'the last id of this page, for before' })) }) },
    },
    validatorCompiler: routeValidator,
  }, async (req) => {
    const q = req.query as { status?: ApprovalStatus; kind?: (typeof SUBJECT_KINDS)[number]; subject?: string; cursor?: string; before?: string; limit?: number };
    const limit = q.limit ?? 50;
    const before = q.cursor ? decodeCursor(q.cursor, ['s'])[0] as string : q.before;
    // One extra row tells whether another page exists.
    const rows = await approvals.list({ status: q.status, kind: q.kind, subjectId: q.subject, before, limit: limit + 1 });
    const items = rows.slice(0, limit);
    const last = rows.length > limit ? items[items.length - 1]!.id : null;
    return { items, nextCursor: last === null ? null : encodeCursor([last]), next: last };
  });

  http.get('/v1/approvals/:id', {
    schema: {
      tags, summary: 'One item with the submitted document, its QA results and (templates) a rendered preview per channel', params: Id,
      response: { 200: Type.Intersect([ApprovalItemSchema, Type.Object({ document: Type.Unknown(), preview: Type.Optional(Type.Unknown()) })]) },
    },
  }, async (req) => approvals.get(req.params.id));

  http.post('/v1/approvals/:id/approve', {
    schema: {
      tags, summary: 'Accept a pending item (a held version goes live). Not by its submitter: 403 four_eyes', params: Id,
      body: Type.Optional(Type.Object({ comment: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })),
      response: { 200: ApprovalItemSchema },
    },
    validatorCompiler: routeValidator,
  }, async (req) => approvals.approve(req.params.id, principalOf(req), (req.body as { comment?: string } | undefined)?.comment));

  http.post('/v1/approvals/:id/reject', {
    schema: {
      tags, summary: 'Reject a pending item (comment required; a held version never goes live). Not by its submitter: 403 four_eyes', params: Id,
      body: Type.Object({ comment: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
      response: { 200: ApprovalItemSchema },
    },
    validatorCompiler: routeValidator,
  }, async (req) => approvals.reject(req.params.id, principalOf(req), (req.body as { comment: string }).comment));

  http.get('/v1/governance/settings', {
    schema: { tags, summary: 'The governance settings in force: the environment\'s defaults with the overrides set here', response: { 200: SettingsViewSchema } },
  }, async () => approvals.settings());

  http.put('/v1/governance/settings', {
    schema: {
      tags, summary: 'Override governance settings (any fields; null = back to the environment default). Stored in the database: every process applies it from the next submission. Audited as config.change with before and after',
      body: SettingsPatchSchema, response: { 200: SettingsViewSchema },
    },
    validatorCompiler: routeValidator,
  }, async (req) => approvals.updateSettings(req.body, principalOf(req)));
}
