/**
 * The store associate's next-best: who the customer in front of them is, what to talk about, and
 * what to show from THIS store's shelves. Personal only with `personalization` consent; without
 * it the answer is generic (the store's popular in-stock products) and says so.
 */
import { BraidError, invalid, type CoreDeps } from '../../core/index.ts';
import type { CatalogCache, CatalogService } from '../catalog/index.ts';
import type { ConsentService } from '../consent/index.ts';
import type { IdentityService } from '../identity/index.ts';
import type { ProfileService } from '../profiles/index.ts';
import type { RecItem, RecommendationService, RecSource } from '../recommendations/index.ts';
import type { TraitsService } from '../traits/index.ts';
import { buildStarters, firstNameOf } from './associates.starters.ts';
import type { AssociatesService, CustomerSummary, NextBest, StoreRecommendation } from './associates.types.ts';

export interface AssociateCollaborators {
  profiles: Pick<ProfileService, 'get' | 'orders' | 'waitForProjection'>;
  identity: Pick<IdentityService, 'resolveRef'>;
  consent: Pick<ConsentService, 'check'>;
  traits: Pick<TraitsService, 'peek' | 'get' | 'peekPreferences' | 'preferences'>;
  recommendations: Pick<RecommendationService, 'recommend'>;
  /** Locations (is `store` one?). */
  catalog: Pick<CatalogService, 'listLocations'>;
  /** Products and stock per location, from memory. */
  catalogCache: Pick<CatalogCache, 'get' | 'inStock'>;
}

const DEFAULT_COUNT = 5;

/** Why, told to the associate about the shopper (the recommender's own reasons address the shopper). */
const WHY: Partial<Record<RecSource, string>> = {
  user: 'fits what they have bought and viewed',
  co_purchase: 'often bought together with what they bought',
  co_view: 'often looked at alongside what they viewed',
  replenishment: 'they buy it regularly and are due',
  cross_sell: 'goes with their recent order',
  starter_kit: 'completes what they started buying',
  trending: 'selling well right now',
  seasonal: 'in season now',
  popular: 'a popular choice',
};

export function createAssociates(deps: CoreDeps, c: AssociateCollaborators): AssociatesService {
  const { clock } = deps;
  const title = (productId: string) => c.catalogCache.get(productId)?.product.title;

  /** Recommendations the shopper can take home today: in stock at this store, with why. */
  function inStoreRecs(req: { profileId?: string; personalized: boolean; exclude: string[] }, storeId: string, count: number): StoreRecommendation[] {
    const items: RecItem[] = c.recommendations.recommend({
      ...(req.profileId ? { profileId: req.profileId } : {}), storeId, count: count * 3, personalized: req.personalized,
      placement: 'associate', exclude: req.exclude, ...(req.personalized ? {} : { strategy: 'trending' as const }),
    });
    return items.filter((r) => c.catalogCache.inStock(r.productId, storeId)).slice(0, count)
      .map((r) => ({ productId: r.productId, title: title(r.productId) ?? null, price: r.price, why: `${WHY[r.source] ?? r.reason}; in stock at this store` }));
  }

  return {
    async nextBest(ref, storeId, opts = {}) {
      const count = opts.count ?? DEFAULT_COUNT;
      const store = (await c.catalog.listLocations()).find((l) => l.id === storeId);
      if (!store) throw invalid('store', `"${storeId}" is not a known location (see GET /v1/catalog/locations)`);
      await c.profiles.waitForProjection(2000); // read-your-writes for a shopper who just identified at the till
      const profileId = await c.identity.resolveRef(ref);
      const profile = profileId ? await c.profiles.get(profileId) : undefined;
      if (!profileId || !profile) throw new BraidError('not_found', `Profile ${ref} not found`, { field: 'ref' });
      const storeView = { id: store.id, name: store.name };

      const consent = await c.consent.check(profileId, 'personalization');
      if (!consent.allowed) {
        return {
          store: storeView, personalized: false, customer: null,
          note: `No personalization consent (${consent.reason}): showing what sells at ${store.name}, nothing personal.`,
          conversationStarters: [{ basis: 'generic', text: `Ask what brings them to ${store.name} today.` }],
          recommendations: inStoreRecs({ personalized: false, exclude: [] }, storeId, count),
        };
      }

      const nowMs = clock.now();
      const [traits, preferences, orders] = await Promise.all([
        c.traits.peek(profileId) ?? c.traits.get(profileId).catch(() => undefined),
        c.traits.peekPreferences(profileId) ?? c.traits.preferences(profileId).catch(() => undefined),
        c.profiles.orders(profileId, 5),
      ]);
      const last = orders.find((o) => o.kind === 'order');
      const customer: CustomerSummary = {
        profileId, firstName: firstNameOf(profile.traits), valueTier: traits?.valueTier ?? null, lifecycle: traits?.lifecycle ?? null,
        clv: traits ? Math.round(traits.clv.expectedValue * 100) / 100 : null,
        lastOrder: last ? { orderId: last.orderId, at: last.at, revenue: last.revenue, currency: last.currency, items: last.items.length } : null,
      };
      const conversationStarters = buildStarters({
        profile, traits, preferences, storeName: store.name, nowMs, title, inStockHere: (id) => c.catalogCache.inStock(id, storeId),
      });
      const inCart = profile.cart.items.map((i) => i.productId).filter((x): x is string => !!x);
      const result: NextBest = {
        store: storeView, personalized: true, customer, conversationStarters,
        note: `Personalized from their profile (personalization consent: ${consent.basis}).`,
        recommendations: inStoreRecs({ profileId, personalized: true, exclude: inCart }, storeId, count),
      };
      return result;
    },
  };
}
