import { Type } from 'typebox';
import { decodeCursor, encodeCursor, invalid, type HttpServer } from '../../core/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { ProfileService } from './profiles.service.ts';

const Ref = Type.Object({ ref: Type.String({ description: 'prf_…, userId:…, anonymousId:…, email:…, phone:…, externalId:TYPE:… (a bare value is read as an anonymousId)' }) });

const Hit = Type.Object({
  profileId: Type.String(), userId: Type.Union([Type.String(), Type.Null()]), email: Type.Union([Type.String(), Type.Null()]), name: Type.Union([Type.String(), Type.Null()]),
  matched: Type.Union([Type.Object({ type: Type.String(), value: Type.String() }), Type.Null()]),
  lastSeenAt: Type.String(), eventCount: Type.Integer(), orderCount: Type.Integer(), revenue: Type.Number(),
});

export function registerProfileRoutes(app: HttpServer, profiles: ProfileService, identity: IdentityService): void {
  app.get('/v1/profiles', {
    schema: {
      tags: ['profiles'], summary: 'Search shoppers: keyset pages of profiles, or of identities (email, user id, phone, external id) starting with q', security: [{ adminKey: [] }],
      querystring: Type.Object({
        q: Type.Optional(Type.String({ maxLength: 300, description: 'Prefix of an identity value, or a prf_ id; empty: all profiles in id order' })),
        cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'nextCursor of the previous page' })),
        limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
      }),
      response: { 200: Type.Object({ items: Type.Array(Hit), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
    },
  }, async (req) => profiles.search(req.query as { q?: string; cursor?: string; limit: number }));

  app.get('/v1/profiles/:ref', {
    schema: { tags: ['profiles'], summary: 'Shopper 360: identities, traits with sources, consent, cart, recent views, orders, merges', security: [{ adminKey: [] }], params: Ref },
  }, async (req) => profiles.view((req.params as { ref: string }).ref));

  app.get('/v1/profiles/:ref/events', {
    schema: {
      tags: ['profiles'], summary: 'Timeline of a profile\'s events, newest first (including events of merged profiles), keyset paged by `cursor` (or `before` a seq)', security: [{ adminKey: [] }], params: Ref,
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), before: Type.Optional(Type.Integer({ minimum: 1, description: 'Only events with a smaller seq' })),
        cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })), expand: Type.Optional(Type.Boolean({ default: false })),
      }),
    },
  }, async (req) => {
    const q = req.query as { limit?: number; before?: number; cursor?: string; expand?: boolean };
    if (q.cursor !== undefined && q.before !== undefined) throw invalid('cursor', 'give cursor or before, not both');
    const limit = q.limit ?? 50;
    // One extra row tells whether an older page exists.
    const opts: { limit: number; before?: number; expand?: boolean } = { limit: limit + 1, expand: q.expand ?? false };
    const before = q.cursor !== undefined ? decodeCursor(q.cursor, ['n'])[0] as number : q.before;
    if (before !== undefined) opts.before = before;
    const rows = await profiles.timeline((req.params as { ref: string }).ref, opts) as Array<{ seq: number }>;
    const events = rows.slice(0, limit);
    const last = events[events.length - 1];
    return { events, nextCursor: rows.length > limit && last ? encodeCursor([last.seq]) : null };
  });

  app.get('/v1/profiles/:ref/identities', {
    schema: {
      tags: ['profiles'], summary: 'A profile\'s identities (email, user id, phone, anonymous and external ids), first seen first, keyset paged', security: [{ adminKey: [] }], params: Ref,
      querystring: Type.Object({
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
        cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'nextCursor of the previous page' })),
      }),
      response: {
        200: Type.Object({
          profileId: Type.String(),
          items: Type.Array(Type.Object({ type: Type.String(), value: Type.String(), firstSeenAt: Type.String(), sourceMessageId: Type.Optional(Type.String()) })),
          nextCursor: Type.Union([Type.String(), Type.Null()]),
        }),
      },
    },
  }, async (req) => {
    const profileId = await profiles.resolve((req.params as { ref: string }).ref);
    const page = await identity.identitiesPage(profileId, req.query as { cursor?: string; limit: number });
    return { profileId, items: page.items.map(({ profileId: _p, ...rest }) => rest), nextCursor: page.nextCursor };
  });

  app.get('/v1/profiles/:ref/merges', {
    schema: { tags: ['profiles'], summary: 'Every merge into or out of this profile, and links refused by the merge rules', security: [{ adminKey: [] }], params: Ref },
  }, async (req) => {
    const id = await profiles.resolve((req.params as { ref: string }).ref);
    return { profileId: id, merges: await identity.merges(id), conflicts: await identity.conflicts(id) };
  });
}
