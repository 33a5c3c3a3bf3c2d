/** Audience routes (admin): definitions, refresh, status and hashed members. */
import { Type } from 'typebox';
import { routeValidator, type HttpServer } from '../../core/index.ts';
import { AudienceInputSchema, AudienceViewSchema, StatusSchema } from './audiences.schemas.ts';
import type { AudiencesService } from './audiences.types.ts';

const tags = ['audiences'];
const Params = Type.Object({ id: Type.String({ maxLength: 100 }) });

export function registerAudienceRoutes(http: HttpServer, audiences: AudiencesService): void {
  // routeValidator names unknown or bad fields; the service then checks the condition itself
  // (validateAudienceInput), naming nested fields such as `where.all[1].op`.
  http.get('/v1/audiences', {
    schema: { tags, summary: 'Paid-media audiences', response: { 200: Type.Object({ items: Type.Array(AudienceViewSchema) }) } },
  }, async () => ({ items: (await audiences.list()).map((a) => audiences.view(a)) }));

  http.post('/v1/audiences', {
    schema: { tags, summary: 'Create an audience (exported hashed to Meta or Google Customer Match format)', body: AudienceInputSchema, response: { 201: AudienceViewSchema } },
    validatorCompiler: routeValidator,
  }, async (req, reply) => reply.code(201).send(audiences.view(await audiences.create(req.body))));

  http.get('/v1/audiences/:id', {
    schema: { tags, summary: 'One audience with its refresh status', params: Params, response: { 200: Type.Intersect([AudienceViewSchema, Type.Object({ refresh: StatusSchema })]) } },
  }, async (req) => {
    const [a, refresh] = await Promise.all([audiences.get(req.params.id), audiences.status(req.params.id)]);
    return { ...audiences.view(a), refresh };
  });

  http.put('/v1/audiences/:id', {
    schema: { tags, summary: 'Replace an audience definition', params: Params, body: AudienceInputSchema, response: { 200: AudienceViewSchema } },
    validatorCompiler: routeValidator,
  }, async (req) => audiences.view(await audiences.update(req.params.id, req.body)));

  http.delete('/v1/audiences/:id', { schema: { tags, summary: 'Delete an audience (and its export file)', params: Params } }, async (req, reply) => {
    await audiences.remove(req.params.id);
    return reply.code(204).send();
  });

  http.post('/v1/audiences/:id/refresh', {
    schema: {
      tags, summary: 'Recompute the membership now and export the adds and removes', params: Params,
      response: { 200: Type.Object({ audienceId: Type.String(), at: Type.String(), profiles: Type.Integer(), adds: Type.Integer(), removes: Type.Integer(), ran: Type.Boolean() }) },
    },
  }, async (req) => audiences.refresh(req.params.id));

  http.get('/v1/audiences/:id/status', {
    schema: { tags, summary: 'Last refresh, counts and last error', params: Params, response: { 200: StatusSchema } },
  }, async (req) => audiences.status(req.params.id));

  http.get('/v1/audiences/:id/members', {
    schema: {
      tags, summary: 'The exported members: hashed identifiers only, paged', params: Params,
      querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }), after: Type.Optional(Type.String({ maxLength: 80 })) }),
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ type: Type.String(), hash: Type.String() })), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
    },
  }, async (req) => {
    const q = req.query as { limit: number; after?: string };
    return audiences.members(req.params.id, { limit: q.limit, after: q.after });
  });
}
