/** Offer menu and governance policy routes (admin). */
import { Type } from 'typebox';
import { invalid, pageByKey, principalOf, routeValidator, type HttpServer } from '../../core/index.ts';
import { OfferInputSchema, OfferPolicySchema, OfferSchema } from './offers.schemas.ts';
import type { OfferService } from './offers.service.ts';

const tags = ['offers'];
const Params = Type.Object({ id: Type.String({ maxLength: 100 }) });
const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  cursor: Type.Optional(Type.String({ maxLength: 400, description: 'nextCursor of the previous page' })),
});

export function registerOfferRoutes(http: HttpServer, offers: OfferService): void {
  http.get('/v1/offers', {
    schema: {
      tags, summary: 'The offer menu in id order, keyset-paged, with today\'s committed spend per offer', querystring: PageQuery,
      response: { 200: Type.Object({ items: Type.Array(Type.Intersect([OfferSchema, Type.Object({ spentToday: Type.Number() })])), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
    },
  }, async (req) => {
    const page = pageByKey(offers.list(), (o) => o.id, req.query);
    return { items: page.items.map((o) => ({ ...o, spentToday: offers.spentToday(o.id) })), nextCursor: page.nextCursor };
  });

  http.put('/v1/offers/:id', {
    schema: { tags, summary: 'Create or replace an offer (202 when held for approval: not on the menu until accepted)', params: Params, body: OfferInputSchema, response: { 200: OfferSchema, 202: OfferSchema } },
    validatorCompiler: routeValidator,
  }, async (req, reply) => {
    const body = req.body as { id: string };
    if (body.id !== req.params.id) throw invalid('id', `must equal the path id "${req.params.id}"`);
    const o = await offers.upsert(body, principalOf(req));
    return reply.code(o.approval?.held ? 202 : 200).send(o);
  });

  http.delete('/v1/offers/:id', { schema: { tags, summary: 'Retire an offer: off the menu; audited as offer.delete', params: Params } }, async (req, reply) => {
    await offers.remove(req.params.id, principalOf(req));
    return reply.code(204).send();
  });

  http.get('/v1/offer-policy', {
    schema: { tags, summary: 'Governance every incentive must meet: depth per tier, margin floors, stacking, costs', response: { 200: OfferPolicySchema } },
  }, async () => offers.policy());

  http.put('/v1/offer-policy', {
    schema: { tags, summary: 'Replace the governance policy', body: OfferPolicySchema, response: { 200: OfferPolicySchema } },
    validatorCompiler: routeValidator,
  }, async (req) => offers.setPolicy(req.body, principalOf(req)));
}
