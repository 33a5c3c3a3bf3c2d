/**
 * Offers: the incentive menu (percent/amount off, free shipping, bundle, loyalty points, gift)
 * and the governance policy that bounds every decision: eligibility by tier, maximum depth per
 * tier, margin floors, daily budgets and stacking. `checkOffer` is the single gate.
 */
export { createOffers, parseOffer, parsePolicy, type OfferService } from './offers.service.ts';
export { registerOfferRoutes } from './offers.routes.ts';
export { checkOffer, stackOffers, marginFloorFor, maxDepthFor, discountAmount, linesInScope } from './offers.rules.ts';
export { DEFAULT_POLICY } from './offers.schemas.ts';
export type { Offer, OfferInput, OfferPolicy, OfferKind, OfferLine, OfferCheck, ShopperTier } from './offers.types.ts';
