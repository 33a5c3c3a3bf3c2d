/**
 * Consent HTTP routes, all admin scope (the server's default). Handlers resolve the profile ref
 * through identity and call the service; nothing else. Purpose names are checked by the service
 * so a bad one is a 400 naming exactly `purpose` (or `purposes.<name>`).
 */
import { Type } from 'typebox';
import { notFound, routeValidator, type HttpServer } from '../../core/index.ts';
import type { IdentityService } from '../identity/index.ts';
import { validateCheck, validateJurisdiction, validateUpdate } from './consent.service.ts';
import type { ConsentService, ConsentStatus, PolicyRule } from './consent.types.ts';

const tags = ['consent'];
const security = [{ adminKey: [] }];

const Status = Type.Union([Type.Literal('granted'), Type.Literal('denied'), Type.Literal('revoked')]);
const Mode = Type.Union([Type.Literal('opt_in'), Type.Literal('opt_out')]);
const Ref = Type.String({ minLength: 1, maxLength: 500, description: 'prf_…, userId:…, anonymousId:…, email:…, phone:… or externalId:TYPE:…' });
const Jurisdiction = Type.String({ maxLength: 40, description: 'ISO 3166 alpha-2 country code, EU or *; overrides the profile\'s own' });
const Evidence = Type.Object({}, { additionalProperties: true, description: 'Kept verbatim with the record, e.g. {messageId, formId, ip}' });

const ErrorSchema = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema };

const RecordSchema = Type.Object({
  id: Type.String(), profileId: Type.String(), purpose: Type.String(), status: Status,
  at: Type.String(), recordedAt: Type.String(), source: Type.String(), evidence: Evidence,
  jurisdiction: Type.Optional(Type.String()),
  originalProfileId: Type.Optional(Type.String({ description: 'The profile it was recorded for, when that profile has since merged into this one' })),
});
const DecisionSchema = Type.Object({
  allowed: Type.Boolean(), purpose: Type.String(), status: Type.Union([Status, Type.Null()]),
  basis: Type.Union([Type.Literal('recorded'), Type.Literal('default')]),
  jurisdiction: Type.String({ description: 'Country code the answer was made for, * when unknown' }),
  reason: Type.String(), record: Type.Optional(RecordSchema),
});
const CurrentSchema = Type.Object({ profileId: Type.String(), purposes: Type.Record(Type.String(), DecisionSchema) });

const RuleSchema = Type.Object({
  jurisdiction: Type.String({ pattern: '^(\\*|[A-Za-z]{2})$', description: 'Country code, EU or *' }),
  purpose: Type.String({ pattern: '^(\\*|[a-z][a-z0-9_]{1,63})$', description: 'A purpose, or * for every purpose without its own rule' }),
  mode: Mode,
}, { additionalProperties: false });
const PolicySchema = Type.Object({ rules: Type.Array(RuleSchema), builtin: Type.Array(RuleSchema) });

const RefParams = Type.Object({ ref: Ref });


const PolicyBody = Type.Object({ rules: Type.Array(RuleSchema, { maxItems: 1000 }) }, { additionalProperties: false });
const UpdateBody = Type.Object({
  purposes: Type.Record(Type.String(), Type.Union([Status, Type.Boolean()]), { minProperties: 1, maxProperties: 64 }),
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'What carried the choice (default api)' })),
  evidence: Type.Optional(Evidence),
  at: Type.Optional(Type.String({ maxLength: 40, description: 'When the choice was made (ISO-8601; default now)' })),
}, { additionalProperties: false });

export function registerConsentRoutes(app: HttpServer, consent: ConsentService, identity: IdentityService): void {
  const profileOf = async (ref: string): Promise<string> => {
    const id = await identity.resolveRef(ref);
    if (!id) throw notFound(`Profile ${ref}`);
    return id;
  };

  app.get('/v1/consent/check', {
    schema: {
      tags, security, summary: 'May this profile\'s data be used for a purpose?',
      description: 'The latest record for the purpose decides; with none, the default of the jurisdiction (opt-in: not allowed, opt-out: allowed).',
      querystring: Type.Object({ ref: Ref, purpose: Type.String({ maxLength: 100 }), jurisdiction: Type.Optional(Jurisdiction) }),
      response: { 200: DecisionSchema, ...errors },
    },
  }, async (req) => {
    const q = req.query as { ref: string; purpose: string; jurisdiction?: string };
    const opts = q.jurisdiction !== undefined ? { jurisdiction: q.jurisdiction } : {};
    // Validate before resolving, so a bad request is a 400 whether or not the profile exists.
    validateCheck(q.purpose, q.jurisdiction);
    return consent.check(await profileOf(q.ref), q.purpose, opts);
  });

  app.get('/v1/consent/policy', {
    schema: { tags, security, summary: 'Default opt-in/opt-out rules: stored overrides and the built-in defaults', response: { 200: PolicySchema, 401: ErrorSchema } },
  }, async () => consent.policy());

  app.put('/v1/consent/policy', {
    schema: {
      tags, security, summary: 'Replace the stored overrides of the default rules',
      description: 'Lookup: the country, then its region (EU), then *; within each, the purpose\'s rule then *. An override replaces the built-in rule with the same jurisdiction and purpose.',
      body: PolicyBody,
      response: { 200: PolicySchema, 400: ErrorSchema, 401: ErrorSchema },
    },
    validatorCompiler: routeValidator,
  }, async (req) => consent.setPolicy((req.body as { rules: PolicyRule[] }).rules));

  app.get('/v1/profiles/:ref/consent', {
    schema: {
      tags, security, summary: 'Current consent per purpose (recorded ones plus the standard purposes\' defaults)',
      params: RefParams, querystring: Type.Object({ jurisdiction: Type.Optional(Jurisdiction) }),
      response: { 200: CurrentSchema, ...errors },
    },
  }, async (req) => {
    const { ref } = req.params as { ref: string };
    const { jurisdiction } = req.query as { jurisdiction?: string };
    validateJurisdiction(jurisdiction);
    const profileId = await profileOf(ref);
    return { profileId, purposes: await consent.current(profileId, jurisdiction !== undefined ? { jurisdiction } : {}) };
  });

  app.get('/v1/profiles/:ref/consent/history', {
    schema: {
      tags, security, summary: 'The profile\'s consent ledger, newest first, keyset paged (`limit` and `cursor` in, `nextCursor` out)',
      params: RefParams,
      querystring: Type.Object({
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'nextCursor of the previous page' })),
      }),
      response: { 200: Type.Object({ profileId: Type.String(), records: Type.Array(RecordSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errors },
    },
  }, async (req) => {
    const profileId = await profileOf((req.params as { ref: string }).ref);
    const page = await consent.historyPage(profileId, req.query as { cursor?: string; limit: number });
    return { profileId, records: page.items, nextCursor: page.nextCursor };
  });

  app.put('/v1/profiles/:ref/consent', {
    schema: {
      tags, security, summary: 'Record consent for one or more purposes',
      description: 'false records revoked when the purpose was granted, else denied. Returns the new current state.',
      params: RefParams,
      body: UpdateBody,
      response: { 200: CurrentSchema, ...errors },
    },
    validatorCompiler: routeValidator,
  }, async (req) => {
    const body = req.body as { purposes: Record<string, ConsentStatus | boolean>; source?: string; evidence?: Record<string, unknown>; at?: string };
    const opts = {
      ...(body.source !== undefined ? { source: body.source } : {}),
      ...(body.evidence !== undefined ? { evidence: body.evidence } : {}),
      ...(body.at !== undefined ? { at: body.at } : {}),
    };
    validateUpdate(body.purposes, opts);
    const profileId = await profileOf((req.params as { ref: string }).ref);
    return { profileId, purposes: await consent.update(profileId, body.purposes, opts) };
  });
}
