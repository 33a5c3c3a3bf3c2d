/**
 * `GET /v1/workers/{id}/decisions`: every decision a worker made, newest first, keyset paged on
 * the server (the decision explorer's search by worker). A worker decides with
 * `context.source.campaignId` = its id, at any of its placements; the partial expression index of
 * migration 0141 finds them without reading the other decisions. The items have the shape of
 * `GET /v1/decisions`. The proof layer reads the decision log here and never writes it.
 */
import { Type } from 'typebox';
import { decodeCursor, encodeCursor, type Db, type HttpServer } from '../../core/index.ts';

const Str = Type.String();
const Nul = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Summary = Type.Object({
  decisionId: Str, profileId: Nul(Str), placement: Str, at: Str, group: Str, actionKeys: Type.Array(Str), types: Type.Array(Str), modelVersion: Str,
  viewedAt: Nul(Str), clickedAt: Nul(Str), orderId: Nul(Str), reward: Nul(Type.Number()),
});

interface Row {
  id: string; profile_id: string | null; placement: string; at: Date; grp: string; model_version: string; action_ids: string; types: string;
  viewed_at: Date | null; clicked_at: Date | null; order_id: string | null; reward: string | number | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** The same expression and predicate as the index (0141), so the planner uses it. */
const CAMPAIGN = `(detail::jsonb #>> '{ctx,source,campaignId}')`;

export async function listWorkerDecisions(db: Db, workerId: string, q: { profileId?: string | undefined; placement?: string | undefined; after?: { at: string; id: string } | undefined; limit: number }) {
  const params: unknown[] = [workerId];
  let keyset = '';
  if (q.profileId !== undefined) { params.push(q.profileId); keyset += ` and profile_id = $${params.length}`; }
  if (q.placement !== undefined) { params.push(q.placement); keyset += ` and placement = $${params.length}`; }
  if (q.after) { params.push(q.after.at, q.after.id); keyset += ` and (at, id) < ($${params.length - 1}::timestamptz, $${params.length})`; }
  params.push(q.limit);
  const r = await db.query<Row>(
    `select id, profile_id, placement, at, grp, model_version, action_ids, types, viewed_at, clicked_at, order_id, reward
     from decisions where detail like '%"campaignId"%' and ${CAMPAIGN} = $1 ${keyset}
     order by ${CAMPAIGN} desc, at desc, id desc limit $${params.length}`, params);
  return r.rows.map((x) => ({
    decisionId: x.id, profileId: x.profile_id, placement: x.placement, at: x.at.toISOString(), group: x.grp,
    actionKeys: x.action_ids ? x.action_ids.split(' ') : [], types: x.types ? x.types.split(' ') : [], modelVersion: x.model_version,
    viewedAt: iso(x.viewed_at), clickedAt: iso(x.clicked_at), orderId: x.order_id, reward: x.reward === null ? null : Number(x.reward),
  }));
}

/** `flushDecisions` writes this process's buffered decisions first, so the list has them. */
export function registerWorkerDecisionRoutes(http: HttpServer, d: { db: Db; resolveProfile: (ref: string) => Promise<string>; flushDecisions?: () => Promise<void> }): void {
  http.get('/v1/workers/:id/decisions', {
    schema: {
      tags: ['decisions'], summary: 'A worker\'s decisions (context.source.campaignId = the worker), newest first, at every placement it decides at',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }),
      querystring: Type.Object({
        profile: Type.Optional(Type.String({ maxLength: 500, description: 'Only this shopper\'s (a profile ref)' })),
        placement: Type.Optional(Type.String({ maxLength: 100, description: 'Only at this placement' })),
        cursor: Type.Optional(Type.String({ maxLength: 400, description: 'nextCursor of the previous page' })),
        limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
      }),
      response: { 200: Type.Object({ items: Type.Array(Summary), nextCursor: Nul(Type.String({ description: 'Pass as cursor for the next page; null on the last page' })) }) },
    },
  }, async (req) => {
    const { id } = req.params as { id: string };
    const q = req.query as { profile?: string; placement?: string; cursor?: string; limit: number };
    const profileId = q.profile ? await d.resolveProfile(q.profile) : undefined;
    const [at, did] = q.cursor ? decodeCursor(q.cursor, ['s', 's']) as string[] : [];
    await d.flushDecisions?.();
    // One extra row tells whether another page exists.
    const rows = await listWorkerDecisions(d.db, id, { profileId, placement: q.placement || undefined, after: at !== undefined && did !== undefined ? { at, id: did } : undefined, limit: q.limit + 1 });
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.at, last.decisionId]) : null };
  });
}
