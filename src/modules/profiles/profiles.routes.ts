import { Type } from 'typebox';
import type { HttpServer } from '../../core/index.ts';
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
      tags: ['profiles'], summary: 'Timeline of a profile\'s events, newest first (including events of merged profiles)', security: [{ adminKey: [] }], params: Ref,
      querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), before: Type.Optional(Type.Integer({ minimum: 1 })), expand: Type.Optional(Type.Boolean({ default: false })) }),
    },
  }, async (req) => {
    const q = req.query as { limit?: number; before?: number; expand?: boolean };
    const opts: { limit: number; before?: number; expand?: boolean } = { limit: q.limit ?? 50, expand: q.expand ?? false };
    if (q.before !== undefined) opts.before = q.before;
    return { events: await profiles.timeline((req.params as { ref: string }).ref, opts) };
  });

  app.get('/v1/profiles/:ref/merges', {
    schema: { tags: ['profiles'], summary: 'Every merge into or out of this profile, and links refused by the merge rules', security: [{ adminKey: [] }], params: Ref },
  }, async (req) => {
    const id = await profiles.resolve((req.params as { ref: string }).ref);
    return { profileId: id, merges: await identity.merges(id), conflicts: await identity.conflicts(id) };
  });
}
