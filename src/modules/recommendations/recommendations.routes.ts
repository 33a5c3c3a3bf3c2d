/**
 * Recommendation HTTP routes (admin scope). A `ref` resolves to a profile; personalization is
 * used only when that profile's `personalization` consent allows it (otherwise the answer is the
 * non-personal one: context items, trending, best-sellers).
 */
import { Type } from 'typebox';
import { invalid, type HttpServer } from '../../core/index.ts';
import type { ProfileService } from '../profiles/index.ts';
import type { RecommendationService } from './recommendations.service.ts';
import { STRATEGIES, type RecItem, type Strategy } from './recommendations.serve.ts';

const tags = ['recommendations'];
const MAX_IDS = 1000;
const RERANK_PLACEMENTS = ['search_rerank', 'plp_sort'];

const RecItemSchema = Type.Object({
  productId: Type.String(),
  variantId: Type.Optional(Type.String()),
  score: Type.Number(),
  source: Type.String({ description: 'Which recommender contributed most: co_purchase, co_view, user, trending, seasonal, replenishment, starter_kit, cross_sell, popular, pinned, search' }),
  price: Type.Number(),
  margin: Type.Union([Type.Number(), Type.Null()], { description: 'Unit margin (price - cost) of the lead variant; null without a cost' }),
  reason: Type.String(),
});
const ListSchema = Type.Object({
  modelVersion: Type.Union([Type.String(), Type.Null()]),
  profileId: Type.Union([Type.String(), Type.Null()]),
  personalized: Type.Boolean(),
  items: Type.Array(RecItemSchema),
});
const StatsSchema = Type.Object({
  purchases: Type.Integer(), orders: Type.Integer(), shoppers: Type.Integer(), items: Type.Integer(), views: Type.Integer(), sessions: Type.Integer(),
  replenishableItems: Type.Integer(), rules: Type.Integer(), easeItems: Type.Integer(), trainMs: Type.Integer(),
});
const ErrorSchema = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema };
const IdList = (description: string) => Type.Optional(Type.String({ maxLength: 20_000, description }));
const Ref = Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'prf_…, userId:…, email:…, … (omit for an anonymous, non-personal answer)' }));

/** A comma-separated id list from a query string, trimmed, empty parts dropped. */
export function parseIdList(field: string, raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const ids = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (ids.length > MAX_IDS) throw invalid(field, `at most ${MAX_IDS} ids`);
  if (ids.some((id) => id.length > 200)) throw invalid(field, 'ids are at most 200 characters');
  return ids;
}

export function registerRecommendationRoutes(app: HttpServer, recs: RecommendationService, profiles: ProfileService): void {
  const who = async (ref: string | undefined) => {
    if (ref === undefined) return { profileId: undefined, personalized: false };
    const profileId = await profiles.resolve(ref);
    return { profileId, personalized: await recs.checkPersonalization(profileId) };
  };

  app.get('/v1/recommendations', {
    schema: {
      tags, summary: 'Recommended products for a shopper, a page or a cart, with every business rule applied',
      description: 'placement pdp|cart|home|post_purchase|email|… picks a strategy when strategy is auto; search_rerank and plp_sort re-rank productIds instead.',
      querystring: Type.Object({
        ref: Ref,
        placement: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' })),
        strategy: Type.Optional(Type.Union(STRATEGIES.map((s) => Type.Literal(s)))),
        productIds: IdList('Context items, comma-separated: the product on the page, the cart, the order just placed'),
        store: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only items in stock at this location' })),
        count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
        exclude: IdList('Never recommend these, comma-separated'),
        pinned: IdList('Put these first when in stock, comma-separated'),
        segment: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Trending/seasonal segment (default: the profile\'s segment or country trait)' })),
      }, { additionalProperties: false }),
      response: { 200: ListSchema, ...errors },
    },
  }, async (req) => {
    const q = req.query as { ref?: string; placement?: string; strategy?: Strategy; productIds?: string; store?: string; count?: number; exclude?: string; pinned?: string; segment?: string };
    const productIds = parseIdList('productIds', q.productIds);
    const { profileId, personalized } = await who(q.ref);
    let items: RecItem[];
    if (q.placement && RERANK_PLACEMENTS.includes(q.placement)) {
      if (!productIds || productIds.length === 0) throw invalid('productIds', `is required for placement ${q.placement}`);
      items = recs.rerank({ profileId, productIds, storeId: q.store, personalized, placement: q.placement }).slice(0, q.count ?? productIds.length);
    } else {
      const exclude = parseIdList('exclude', q.exclude);
      const pinned = parseIdList('pinned', q.pinned);
      items = recs.recommend({
        profileId, placement: q.placement, strategy: q.strategy, productIds, storeId: q.store, count: q.count ?? 10,
        exclude, pinned, personalized, segment: q.segment,
      });
    }
    return { modelVersion: recs.modelVersion(), profileId: profileId ?? null, personalized, items };
  });

  app.post('/v1/recommendations/rerank', {
    schema: {
      tags, summary: 'Re-rank search results or a category page (placements search_rerank, plp_sort)',
      description: 'Out-of-stock items (at `store` when given) and durable goods the shopper already bought sink to the end; ids the catalog does not know are left out.',
      body: Type.Object({
        ref: Ref,
        productIds: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: MAX_IDS }),
        store: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        placement: Type.Optional(Type.Union([Type.Literal('search_rerank'), Type.Literal('plp_sort')])),
      }, { additionalProperties: false }),
      response: { 200: ListSchema, ...errors },
    },
  }, async (req) => {
    const b = req.body as { ref?: string; productIds: string[]; store?: string; placement?: string };
    const { profileId, personalized } = await who(b.ref);
    const items = recs.rerank({ profileId, productIds: b.productIds, storeId: b.store, personalized, placement: b.placement ?? 'search_rerank' });
    return { modelVersion: recs.modelVersion(), profileId: profileId ?? null, personalized, items };
  });

  app.post('/v1/recommendations/retrain', {
    schema: {
      tags, summary: 'Retrain every recommender now from the orders and views Braid holds',
      response: {
        200: Type.Object({
          version: Type.String(), trainedAt: Type.String(), trained: Type.Boolean(), readMs: Type.Number(), saveMs: Type.Number(), modelBytes: Type.Number(),
          stats: StatsSchema,
        }),
        401: ErrorSchema,
      },
    },
  }, async () => recs.retrain());

  app.get('/v1/recommendations/status', {
    schema: {
      tags, summary: 'The model in memory: version, when trained, on how much data',
      response: {
        200: Type.Object({
          version: Type.Union([Type.String(), Type.Null()]), trainedAt: Type.Union([Type.String(), Type.Null()]),
          stats: Type.Union([StatsSchema, Type.Null()]), shoppers: Type.Integer(), retraining: Type.Boolean(),
        }),
        401: ErrorSchema,
      },
    },
  }, async () => recs.status());
}
