/** Content routes (admin): blocks, templates, QA rules, QA runs, drafting, preview render, outcomes. */
import { Type } from 'typebox';
import { notFound, pageByKey, principalOf, routeValidator, type HttpServer } from '../../core/index.ts';
import {
  BlockInputSchema, BlockPatchSchema, BlockSchema, ContentRulesSchema, DraftRequestSchema, QaReasonSchema, QaRequestSchema,
  TemplateInputSchema, TemplateSchema,
} from './content.schemas.ts';
import type { ContentService } from './content.service.ts';
import type { DraftRequest, RenderInput } from './content.types.ts';

const tags = ['content'];
const Params = Type.Object({ id: Type.String({ maxLength: 100 }) });
const QaReport = Type.Object({
  ok: Type.Boolean(),
  reasons: Type.Array(Type.Intersect([QaReasonSchema, Type.Object({ profile: Type.String(), channel: Type.String(), variant: Type.Optional(Type.String()) })])),
  runs: Type.Array(Type.Object({
    profile: Type.String(), channel: Type.String(), variant: Type.Optional(Type.String()), ok: Type.Boolean(), reasons: Type.Array(QaReasonSchema),
    content: Type.Record(Type.String(), Type.Unknown()), blockIds: Type.Array(Type.String()), arm: Type.String(),
    sms: Type.Optional(Type.Object({ encoding: Type.String(), units: Type.Integer(), segments: Type.Integer(), characters: Type.Integer() })),
  })),
});
const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  cursor: Type.Optional(Type.String({ maxLength: 400, description: 'nextCursor of the previous page' })),
};
const NextCursor = Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page' });
const BlockQuery = Type.Object({
  ...Paging,
  kind: Type.Optional(Type.String({ maxLength: 50 })), status: Type.Optional(Type.String({ maxLength: 20 })), channel: Type.Optional(Type.String({ maxLength: 20 })),
});
const RenderBody = Type.Object({
  templateId: Type.String({ maxLength: 100 }),
  channel: Type.String({ maxLength: 20 }),
  locale: Type.Optional(Type.String({ maxLength: 35 })),
  currency: Type.Optional(Type.String({ maxLength: 3 })),
  timezone: Type.Optional(Type.String({ maxLength: 64 })),
  profile: Type.Object({
    id: Type.String({ minLength: 1, maxLength: 200 }),
    traits: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
    preferences: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Boolean()]), { default: {} }),
    lifecycle: Type.Optional(Type.String({ maxLength: 50 })),
    funnelStage: Type.Optional(Type.String({ maxLength: 50 })),
  }),
  action: Type.Optional(Type.Object({
    type: Type.String(), theme: Type.Optional(Type.String()), productIds: Type.Array(Type.String(), { default: [] }),
    offerId: Type.Optional(Type.String()), blockIds: Type.Array(Type.String(), { default: [] }),
  })),
  products: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
  recommendations: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 50 })),
  offerId: Type.Optional(Type.String({ maxLength: 100 })),
  vars: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
}, { additionalProperties: false });

export function registerContentRoutes(http: HttpServer, content: ContentService, opts: { offer?: (id: string) => RenderInput['offer'] } = {}): void {
  http.get('/v1/content/blocks', {
    schema: { tags, summary: 'The block library in id order, keyset-paged', querystring: BlockQuery, response: { 200: Type.Object({ items: Type.Array(BlockSchema), nextCursor: NextCursor }) } },
  }, async (req) => {
    const { limit, cursor, ...filter } = req.query;
    return pageByKey(content.listBlocks(filter), (b) => b.id, { limit, cursor });
  });

  http.post('/v1/content/blocks', {
    schema: { tags, summary: 'Create a block (status active requires passing QA; 202 when held for approval)', body: BlockInputSchema, response: { 201: BlockSchema, 202: BlockSchema } },
    validatorCompiler: routeValidator,
  }, async (req, reply) => { const b = await content.createBlock(req.body, principalOf(req)); return reply.code(b.approval?.held ? 202 : 201).send(b); });

  http.post('/v1/content/blocks/draft', {
    schema: {
      tags, summary: 'Draft block copy with the configured LLM (503 when none): stored as a draft block, returned with its QA',
      body: DraftRequestSchema, response: { 201: Type.Object({ block: BlockSchema, qa: QaReport }) },
    },
    validatorCompiler: routeValidator,
  }, async (req, reply) => reply.code(201).send(await content.draft(req.body as DraftRequest) as never));

  http.get('/v1/content/blocks/:id', { schema: { tags, summary: 'One block', params: Params, response: { 200: BlockSchema } } }, async (req) => {
    const b = content.getBlock(req.params.id);
    if (!b) throw notFound(`Block ${req.params.id}`);
    return b;
  });

  http.put('/v1/content/blocks/:id', {
    schema: { tags, summary: 'Create or replace a block (status active requires passing QA; 202 when held for approval)', params: Params, body: BlockInputSchema, response: { 200: BlockSchema, 202: BlockSchema } },
    validatorCompiler: routeValidator,
  }, async (req, reply) => { const b = await content.putBlock(req.params.id, req.body, principalOf(req)); return reply.code(b.approval?.held ? 202 : 200).send(b); });

  http.patch('/v1/content/blocks/:id', {
    schema: { tags, summary: 'Change a block; {"status": "active"} activates it, refused with the QA reasons when QA fails (202 when held for approval)', params: Params, body: BlockPatchSchema, response: { 200: BlockSchema, 202: BlockSchema } },
    validatorCompiler: routeValidator,
  }, async (req, reply) => { const b = await content.patchBlock(req.params.id, req.body, principalOf(req)); return reply.code(b.approval?.held ? 202 : 200).send(b); });

  http.delete('/v1/content/blocks/:id', { schema: { tags, summary: 'Delete a block', params: Params } }, async (req, reply) => {
    await content.deleteBlock(req.params.id, principalOf(req));
    return reply.code(204).send();
  });

  http.get('/v1/content/templates', {
    schema: { tags, summary: 'Templates in id order, keyset-paged', querystring: Type.Object(Paging), response: { 200: Type.Object({ items: Type.Array(TemplateSchema), nextCursor: NextCursor }) } },
  }, async (req) => pageByKey(content.listTemplates(), (t) => t.id, req.query));

  http.post('/v1/content/templates', {
    schema: { tags, summary: 'Create or replace a template (202 when the version is held for approval)', body: TemplateInputSchema, response: { 201: TemplateSchema, 202: TemplateSchema } },
    validatorCompiler: routeValidator,
  }, async (req, reply) => {
    const t = await content.putTemplate((req.body as { id: string }).id, req.body, principalOf(req));
    return reply.code(t.approval?.held ? 202 : 201).send(t);
  });

  http.get('/v1/content/templates/:id', { schema: { tags, summary: 'One template', params: Params, response: { 200: TemplateSchema } } }, async (req) => {
    const t = content.getTemplate(req.params.id);
    if (!t) throw notFound(`Template ${req.params.id}`);
    return t;
  });

  http.put('/v1/content/templates/:id', {
    schema: { tags, summary: 'Create or replace a template (202 when the version is held for approval; the previous version stays live)', params: Params, body: TemplateInputSchema, response: { 200: TemplateSchema, 202: TemplateSchema } },
    validatorCompiler: routeValidator,
  }, async (req, reply) => {
    const t = await content.putTemplate(req.params.id, req.body, principalOf(req));
    return reply.code(t.approval?.held ? 202 : 200).send(t);
  });

  http.delete('/v1/content/templates/:id', { schema: { tags, summary: 'Delete a template', params: Params } }, async (req, reply) => {
    await content.deleteTemplate(req.params.id, principalOf(req));
    return reply.code(204).send();
  });

  http.get('/v1/content/rules', { schema: { tags, summary: 'QA rules: forbidden words, claims, link domains, lengths, store', response: { 200: ContentRulesSchema } } }, async () => content.rules());

  http.put('/v1/content/rules', {
    schema: { tags, summary: 'Replace the QA rules', body: ContentRulesSchema, response: { 200: ContentRulesSchema } },
    validatorCompiler: routeValidator,
  }, async (req) => content.setRules(req.body));

  http.post('/v1/content/qa', {
    schema: { tags, summary: 'Check a template or block (stored or inline) against sample profiles', body: QaRequestSchema, response: { 200: QaReport } },
    validatorCompiler: routeValidator,
  }, async (req) => content.qa(req.body) as never);

  http.post('/v1/content/render', {
    schema: { tags, summary: 'Preview: assemble and render one message as a worker would, with its QA', body: RenderBody },
    validatorCompiler: routeValidator,
  }, async (req) => {
    const { offerId, ...rest } = req.body as RenderInput & { offerId?: string };
    const offer = offerId ? opts.offer?.(offerId) : undefined;
    if (offerId && !offer) throw notFound(`Offer ${offerId}`);
    return content.render({ ...rest, offer });
  });

  http.post('/v1/content/outcomes', {
    schema: {
      tags, summary: 'Record a message outcome for the variant bandit (reward 0..1)',
      body: Type.Object({ arm: Type.String({ maxLength: 5000 }), blockIds: Type.Array(Type.String(), { default: [] }), reward: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false }),
    },
    validatorCompiler: routeValidator,
  }, async (req, reply) => {
    const b = req.body as { arm: string; blockIds: string[]; reward: number };
    await content.recordOutcome(b.arm, b.blockIds, b.reward);
    return reply.code(204).send();
  });
}
