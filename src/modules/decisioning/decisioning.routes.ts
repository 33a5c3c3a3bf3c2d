/**
 * Decision routes. POST /v1/decide takes the decide key (storefronts) or the admin key; the
 * explanation, listing and configuration routes are admin-only.
 */
import { Type } from 'typebox';
import { decodeCursor, encodeCursor, notFound, routeValidator, type HttpServer } from '../../core/index.ts';
import type { ProfileService } from '../profiles/index.ts';
import { ActionDefSchema, CreativeSchema, DecideRequestSchema, DecisionResultSchema, PlacementSchema } from './decisioning.schemas.ts';
import type { DecisionService } from './decisioning.service.ts';
import type { DecideRequest } from './decisioning.types.ts';

const tags = ['decisions'];
const Summary = Type.Object({
  decisionId: Type.String(), profileId: Type.Union([Type.String(), Type.Null()]), placement: Type.String(), at: Type.String(), group: Type.String(),
  actionKeys: Type.Array(Type.String()), types: Type.Array(Type.String()), modelVersion: Type.String(),
  viewedAt: Type.Union([Type.String(), Type.Null()]), clickedAt: Type.Union([Type.String(), Type.Null()]),
  orderId: Type.Union([Type.String(), Type.Null()]), reward: Type.Union([Type.Number(), Type.Null()]),
});
const ListQuery = Type.Object({
  profile: Type.Optional(Type.String({ maxLength: 500, description: 'A profile ref' })),
  placement: Type.Optional(Type.String({ maxLength: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 400, description: 'nextCursor of the previous page' })),
  before: Type.Optional(Type.String({ format: 'date-time', description: 'Decisions strictly before this time' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
});
const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
const ListReply = Type.Object({ items: Type.Array(Summary), nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as cursor for the next page; null on the last page' }) });

export function registerDecisionRoutes(http: HttpServer, svc: DecisionService, profiles: ProfileService): void {
  http.post('/v1/decide', {
    config: { scope: 'decide' },
    schema: {
      tags, summary: 'Choose the next best actions for one shopper at one moment',
      description: 'Candidates pass consent, stock, offer governance, cool-downs and caps; survivors are scored by expected contribution margin; `none` (stay silent) wins when nothing pays. Every decision is logged with its propensities.',
      body: DecideRequestSchema, response: { 200: DecisionResultSchema },
    },
  }, async (req, reply) => {
    // Already serialized once by the service (the log row reuses the same text).
    const { json } = await svc.decideJson(req.body as DecideRequest);
    return reply.type('application/json; charset=utf-8').send(json as never);
  });

  http.get('/v1/decisions/:id', {
    schema: { tags, summary: 'Explain one decision: features, every candidate and score, removals, consent basis, outcome', params: IdParams },
  }, async (req) => {
    const d = await svc.log.get(req.params.id);
    if (!d) throw notFound(`Decision ${req.params.id}`);
    return { ...d.result, ref: d.ref, explanation: d.detail, outcome: d.outcome };
  });

  const list = async (q: { profile?: string | undefined; placement?: string | undefined; cursor?: string | undefined; before?: string | undefined; limit: number }) => {
    const profileId = q.profile ? await profiles.resolve(q.profile) : undefined;
    const [at, id] = q.cursor ? decodeCursor(q.cursor, ['s', 's']) as string[] : [];
    // One extra row tells whether another page exists.
    const rows = await svc.log.list({ profileId, placement: q.placement, before: q.before, after: at !== undefined && id !== undefined ? { at, id } : undefined, limit: q.limit + 1 });
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.at, last.decisionId]) : null };
  };
  http.get('/v1/decisions', {
    schema: { tags, summary: 'List decisions, newest first, by profile and/or placement', querystring: ListQuery, response: { 200: ListReply } },
  }, async (req) => list(req.query));
  http.get('/v1/profiles/:ref/decisions', {
    schema: {
      tags: ['profiles', ...tags], summary: 'A shopper\'s decisions, newest first', params: Type.Object({ ref: Type.String({ maxLength: 500 }) }),
      querystring: Type.Omit(ListQuery, ['profile']), response: { 200: ListReply },
    },
  }, async (req) => list({ ...req.query, profile: req.params.ref }));

  http.get('/v1/models', { schema: { tags, summary: 'The conversion model: version, updates, weights per arm, open decisions, apprentice agreement' } }, async () => svc.learner.stats());

  const crud = (path: string, kind: 'placement' | 'action' | 'creative', schema: object, listOf: () => unknown[]) => {
    http.get(path, { schema: { tags: ['decision config'], summary: `List ${kind}s` } }, async () => ({ items: listOf() }));
    http.put(`${path}/:id`, {
      schema: { tags: ['decision config'], summary: `Create or replace a ${kind}`, params: IdParams, body: schema },
      validatorCompiler: routeValidator,
    }, async (req) => svc.config.put(kind, { ...(req.body as object), id: req.params.id }));
    http.delete(`${path}/:id`, { schema: { tags: ['decision config'], summary: `Delete a ${kind} (defaults come back)`, params: IdParams } }, async (req, reply) => {
      await svc.config.remove(kind, req.params.id);
      return reply.code(204).send();
    });
  };
  crud('/v1/placements', 'placement', Type.Omit(PlacementSchema, ['id']), () => svc.config.placements());
  crud('/v1/decision-actions', 'action', Type.Omit(ActionDefSchema, ['id']), () => svc.config.actions());
  crud('/v1/creatives', 'creative', Type.Omit(CreativeSchema, ['id']), () => svc.config.creatives());
}
