/**
 * The placements and page/reassurance actions Braid starts with. All of them can be replaced or
 * extended over the API (PUT /v1/placements/{id}, PUT /v1/decision-actions/{id}); these are only
 * seeds, so a retailer's own moments are first-class.
 */
import type { ActionDef, PlacementDef } from './decisioning.types.ts';

const base = {
  defaultCount: 1, maxCount: 10, allowNone: true, strategy: 'auto', contactCost: 0, cooldownMinutes: 0, maxPerDay: 0,
  levers: {}, baseRate: 0.05, mode: 'learn', baseline: { rule: 'first_candidate' },
} satisfies Partial<PlacementDef>;

export const DEFAULT_PLACEMENTS: PlacementDef[] = [
  { ...base, id: 'home_hero', description: 'Home page hero: one product story or offer', kind: 'products', types: ['recommend', 'incentivize', 'loyalty_perk', 'none'], strategy: 'user', baseRate: 0.03 },
  { ...base, id: 'pdp_modules', description: 'Product page: the order of modules (reviews, specs, guarantee, FAQ, fit help, bundle)', kind: 'modules', types: ['educate', 'reassure'], defaultCount: 6, allowNone: false, baseRate: 0.06 },
  { ...base, id: 'pdp_recs', description: 'Product page: similar and bought-together products', kind: 'products', types: ['recommend', 'none'], defaultCount: 4, strategy: 'similar', baseRate: 0.06 },
  { ...base, id: 'cart_nudge', description: 'Cart page: one nudge: a risk reducer, an add-on or an incentive', kind: 'products', types: ['reassure', 'recommend', 'incentivize', 'loyalty_perk', 'none'], strategy: 'cross_sell', baseRate: 0.3, cooldownMinutes: 10 },
  { ...base, id: 'checkout_assist', description: 'Checkout: reassurance (returns, warranty, shipping, sizing) or a last incentive', kind: 'products', types: ['reassure', 'incentivize', 'loyalty_perk', 'none'], baseRate: 0.5, cooldownMinutes: 10 },
  { ...base, id: 'search_rerank', description: 'Search results re-ranked by expected contribution', kind: 'rerank', types: ['recommend'], defaultCount: 20, maxCount: 200, allowNone: false, strategy: 'auto', baseRate: 0.04 },
  { ...base, id: 'plp_sort', description: 'Category page sort by expected contribution', kind: 'rerank', types: ['recommend'], defaultCount: 24, maxCount: 200, allowNone: false, strategy: 'auto', baseRate: 0.03 },
  { ...base, id: 'email_cart_recovery', description: 'Cart recovery email content: products, reassurance, maybe an incentive', kind: 'products', types: ['recommend', 'reassure', 'incentivize', 'loyalty_perk', 'none'], defaultCount: 3, strategy: 'cross_sell', contactCost: 0.01, cooldownMinutes: 60 * 24, maxPerDay: 1, baseRate: 0.08 },
  // What the shipped playbook workers decide at (content of the message they send).
  { ...base, id: 'email_browse_abandonment', description: 'Browse abandonment message: the viewed product, similar ones, or reassurance', kind: 'products', types: ['recommend', 'reassure', 'none'], defaultCount: 3, strategy: 'similar', contactCost: 0.01, cooldownMinutes: 60 * 24 * 3, maxPerDay: 1, baseRate: 0.03 },
  { ...base, id: 'email_cross_sell', description: 'Post-purchase cross-sell: complements of what was bought', kind: 'products', types: ['recommend', 'loyalty_perk', 'none'], defaultCount: 3, strategy: 'cross_sell', contactCost: 0.01, cooldownMinutes: 60 * 24 * 7, maxPerDay: 1, baseRate: 0.04 },
  { ...base, id: 'email_replenishment', description: 'Replenishment reminder: what the shopper is due to rebuy', kind: 'products', types: ['recommend', 'incentivize', 'none'], defaultCount: 3, strategy: 'replenishment', contactCost: 0.01, cooldownMinutes: 60 * 24 * 7, maxPerDay: 1, baseRate: 0.1 },
  { ...base, id: 'email_win_back', description: 'Win-back for lapsing shoppers: favourites, news, maybe an incentive', kind: 'products', types: ['recommend', 'incentivize', 'loyalty_perk', 'none'], defaultCount: 3, strategy: 'user', contactCost: 0.01, cooldownMinutes: 60 * 24 * 14, maxPerDay: 1, baseRate: 0.03 },
  { ...base, id: 'email_welcome', description: 'Welcome and education after a first purchase or sign-up', kind: 'products', types: ['recommend', 'reassure', 'loyalty_perk', 'none'], defaultCount: 3, strategy: 'trending', contactCost: 0.01, cooldownMinutes: 60 * 24, maxPerDay: 1, baseRate: 0.05 },
  { ...base, id: 'store_associate', description: 'Store associate: what to show a loyalty customer in this store', kind: 'products', types: ['recommend', 'educate', 'loyalty_perk', 'none'], defaultCount: 3, strategy: 'user', baseRate: 0.2 },
];

const action = (a: Partial<ActionDef> & Pick<ActionDef, 'id' | 'type' | 'name' | 'theme'>): ActionDef => ({
  placements: [], riskReducer: false, speaksTo: [], blockIds: [], priorLift: 0, cost: 0, status: 'active', ...a,
});

export const DEFAULT_ACTIONS: ActionDef[] = [
  // product page modules
  action({ id: 'mod_reviews', type: 'educate', name: 'Customer reviews', theme: 'reviews', placements: ['pdp_modules'], speaksTo: ['trusts_reviews', 'trusts_experts'], priorLift: 0.1 }),
  action({ id: 'mod_specs', type: 'educate', name: 'Specifications', theme: 'specs', placements: ['pdp_modules'], speaksTo: ['quality_over_price', 'trusts_experts'], priorLift: 0.05 }),
  action({ id: 'mod_guarantee', type: 'reassure', name: 'Satisfaction guarantee', theme: 'guarantee', placements: ['pdp_modules'], riskReducer: true, speaksTo: ['returns_anxiety'], priorLift: 0.05 }),
  action({ id: 'mod_faq', type: 'educate', name: 'Questions and answers', theme: 'faq', placements: ['pdp_modules'], speaksTo: ['novelty_seeking'], priorLift: 0 }),
  action({ id: 'mod_fit', type: 'reassure', name: 'Fit and size help', theme: 'sizing', placements: ['pdp_modules'], riskReducer: true, speaksTo: ['fit_concerns'], priorLift: 0.02 }),
  action({ id: 'mod_bundle', type: 'educate', name: 'Complete the set (bundle)', theme: 'bundle', placements: ['pdp_modules'], speaksTo: ['bundle_affinity'], priorLift: 0.02 }),
  // risk reducers for cart, checkout and messages
  action({ id: 'rr_free_returns', type: 'reassure', name: 'Free 30-day returns', theme: 'returns', placements: ['cart_nudge', 'checkout_assist', 'email_cart_recovery'], riskReducer: true, speaksTo: ['returns_anxiety'], priorLift: 0.1, cost: 0.5 }),
  action({ id: 'rr_warranty', type: 'reassure', name: '2-year warranty', theme: 'warranty', placements: ['cart_nudge', 'checkout_assist'], riskReducer: true, speaksTo: ['quality_over_price'], priorLift: 0.05, cost: 0.3 }),
  action({ id: 'rr_shipping', type: 'reassure', name: 'Delivery date promise', theme: 'shipping', placements: ['cart_nudge', 'checkout_assist', 'email_cart_recovery'], riskReducer: true, speaksTo: ['shipping_speed'], priorLift: 0.08 }),
  action({ id: 'rr_sizing', type: 'reassure', name: 'Size advice', theme: 'sizing', placements: ['cart_nudge', 'checkout_assist'], riskReducer: true, speaksTo: ['fit_concerns'], priorLift: 0.02 }),
  // store associates
  action({ id: 'assoc_new_arrivals', type: 'educate', name: 'Show new arrivals in their categories', theme: 'novelty', placements: ['store_associate'], speaksTo: ['novelty_seeking'], priorLift: 0 }),
];
