/**
 * Wire schemas of the content module: blocks, templates, QA rules and the QA / draft requests.
 * Types are derived from them (content.types.ts) so API and service cannot drift apart.
 */
import { Type } from 'typebox';

export const BLOCK_KINDS = ['hook', 'proof_point', 'objection_handler', 'reassurance', 'cta', 'disclosure'] as const;
export const FUNNEL_STAGES = ['awareness', 'consideration', 'cart', 'post_purchase', 'retention', 'winback'] as const;
export const CONTENT_CHANNELS = ['email', 'sms', 'push', 'in_app', 'webhook'] as const;

const Id = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' });
const Name = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
const Liquid = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });

export const BlockTagsSchema = Type.Object({
  funnelStages: Type.Array(Type.Enum([...FUNNEL_STAGES]), { default: [], description: 'Stages it fits; empty = any stage' }),
  channels: Type.Array(Type.Enum([...CONTENT_CHANNELS]), { default: [], description: 'Channels it may appear in; empty = every channel' }),
  locale: Type.String({ pattern: '^(\\*|[a-z]{2,3}(-[A-Za-z0-9]{2,8})*)$', default: 'en', description: '"en" fits en-US and en-GB; "en-GB" only en-GB; "*" every locale' }),
  speaksTo: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}(=[a-z0-9_|-]{1,64})?$' }), { default: [], description: 'Preference variables it speaks to ("returns_anxiety"; a choice as "shipping_speed=fastest")' }),
  themes: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { default: [], description: 'What it is about (returns, warranty, bundle, cart_recovery…); decisions and templates name themes' }),
}, { additionalProperties: false, default: {} });

export const BlockVariantSchema = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9_-]{1,20}$', description: 'Variant key; "base" is reserved for the block\'s own text' }),
  text: Liquid(2000),
}, { additionalProperties: false });

export const BlockInputSchema = Type.Object({
  id: Id,
  kind: Type.Enum([...BLOCK_KINDS]),
  text: Type.String({ minLength: 1, maxLength: 2000, description: 'Liquid; the "base" variant' }),
  tags: BlockTagsSchema,
  variants: Type.Array(BlockVariantSchema, { default: [], maxItems: 10, description: 'A/B alternatives to the base text, chosen by the bandit' }),
  status: Type.Union([Type.Literal('draft'), Type.Literal('active'), Type.Literal('archived')], { default: 'draft', description: 'Only active blocks are assembled; activation requires passing QA' }),
  note: Type.String({ maxLength: 1000, default: '' }),
}, { additionalProperties: false });

/** Where a submitted version stands (docs/governance.md): held versions answer 202 and are not live. */
export const ApprovalRefSchema = Type.Object({
  id: Type.String(), version: Type.Integer(), tier: Type.String(), status: Type.String(), queue: Type.Union([Type.String(), Type.Null()]), held: Type.Boolean(),
  reasons: Type.Array(Type.Object({ code: Type.String(), tier: Type.String(), message: Type.String() })),
});

export const BlockSchema = Type.Intersect([BlockInputSchema, Type.Object({ createdAt: Type.String(), updatedAt: Type.String(), approval: Type.Optional(ApprovalRefSchema) })]);

export const BlockPatchSchema = Type.Object({
  kind: Type.Optional(Type.Enum([...BLOCK_KINDS])),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  tags: Type.Optional(BlockTagsSchema),
  variants: Type.Optional(Type.Array(BlockVariantSchema, { maxItems: 10 })),
  status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('active'), Type.Literal('archived')])),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
}, { additionalProperties: false });

export const EmailPartSchema = Type.Object({
  subject: Liquid(1000), preheader: Liquid(1000, 'Shown after the subject in inboxes; rendered as a hidden first line of the html'),
  html: Liquid(100_000, 'Liquid; output is HTML-escaped (use | raw deliberately)'), text: Liquid(50_000),
}, { additionalProperties: false });
export const SmsPartSchema = Type.Object({ body: Liquid(2000) }, { additionalProperties: false });
export const PushPartSchema = Type.Object({ title: Liquid(500), body: Liquid(1000), url: Liquid(2000) }, { additionalProperties: false });
export const DataPartSchema = Type.Object({ data: Liquid(50_000, 'Liquid that renders a JSON object') }, { additionalProperties: false });

export const TemplateInputSchema = Type.Object({
  id: Id,
  name: Type.String({ maxLength: 200, default: '' }),
  purpose: Type.Union([Type.Literal('marketing'), Type.Literal('transactional')], { default: 'marketing', description: 'Marketing email must carry the unsubscribe link and postal address; marketing SMS the opt-out' }),
  funnelStage: Type.Optional(Type.Enum([...FUNNEL_STAGES])),
  themes: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { default: [], description: 'Favour blocks with these themes' }),
  email: Type.Optional(EmailPartSchema),
  sms: Type.Optional(SmsPartSchema),
  push: Type.Optional(PushPartSchema),
  in_app: Type.Optional(DataPartSchema),
  webhook: Type.Optional(DataPartSchema),
  status: Type.Union([Type.Literal('active'), Type.Literal('archived')], { default: 'active' }),
}, { additionalProperties: false });

export const TemplateSchema = Type.Intersect([TemplateInputSchema, Type.Object({ createdAt: Type.String(), updatedAt: Type.String(), approval: Type.Optional(ApprovalRefSchema) })]);

export const ClaimSchema = Type.Object({
  id: Name,
  match: Type.String({ minLength: 2, maxLength: 200, description: 'Phrase that makes the claim (case-insensitive, whole words)' }),
  disclosure: Type.String({ minLength: 2, maxLength: 500, description: 'Text that must appear in the same message when the claim does' }),
}, { additionalProperties: false });

export const ContentRulesSchema = Type.Object({
  forbidden: Type.Array(Type.String({ minLength: 2, maxLength: 100 }), { maxItems: 500, description: 'Words and phrases never allowed (case-insensitive, whole words)' }),
  claims: Type.Array(ClaimSchema, { maxItems: 200 }),
  allowedDomains: Type.Array(Type.String({ pattern: '^[a-z0-9.-]{1,253}$' }), { maxItems: 200, description: 'Extra link domains (subdomains included); the store URL, publicUrl and sender domains are always allowed' }),
  smsMaxSegments: Type.Integer({ minimum: 1, maximum: 10 }),
  smsOptOut: Type.Boolean({ description: 'Marketing SMS must say how to opt out (the word STOP)' }),
  pushTitleMax: Type.Integer({ minimum: 10, maximum: 200 }),
  pushBodyMax: Type.Integer({ minimum: 20, maximum: 1000 }),
  subjectMax: Type.Integer({ minimum: 20, maximum: 300 }),
  defaultLocale: Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', description: 'Locale of blocks used when none exists in the shopper\'s language' }),
  store: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), url: Type.String({ pattern: '^https?://', maxLength: 500 }) }, { additionalProperties: false }),
}, { additionalProperties: false });

export const SampleProfileSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  locale: Type.Optional(Type.String({ maxLength: 35 })),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  timezone: Type.Optional(Type.String({ maxLength: 64 })),
  traits: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
  preferences: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean()]), { default: {} }),
  lifecycle: Type.Optional(Type.String({ maxLength: 50 })),
  funnelStage: Type.Optional(Type.Enum([...FUNNEL_STAGES])),
  withOffer: Type.Boolean({ default: false, description: 'Render with the request\'s offer (or a sample 10% off)' }),
}, { additionalProperties: false });

export const QaRequestSchema = Type.Object({
  templateId: Type.Optional(Id),
  template: Type.Optional(TemplateInputSchema),
  blockId: Type.Optional(Id),
  block: Type.Optional(BlockInputSchema),
  channels: Type.Optional(Type.Array(Type.Enum([...CONTENT_CHANNELS]), { minItems: 1 })),
  profiles: Type.Optional(Type.Array(SampleProfileSchema, { minItems: 1, maxItems: 20 })),
  productIds: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10 })),
  offerId: Type.Optional(Type.String({ maxLength: 100 })),
}, { additionalProperties: false });

export const DraftRequestSchema = Type.Object({
  brief: Type.String({ minLength: 3, maxLength: 4000 }),
  kind: Type.Enum([...BLOCK_KINDS]),
  tags: BlockTagsSchema,
  count: Type.Integer({ minimum: 1, maximum: 5, default: 3 }),
  id: Type.Optional(Id),
}, { additionalProperties: false });

export const QaReasonSchema = Type.Object({ rule: Type.String(), field: Type.String(), message: Type.String() });
