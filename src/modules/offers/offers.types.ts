/** Offer menu and the governance policy every incentive in a decision must satisfy. */
import type { Static } from 'typebox';
import type { OfferInputSchema, OfferPolicySchema } from './offers.schemas.ts';

export type OfferInput = Static<typeof OfferInputSchema>;
export type OfferPolicy = Static<typeof OfferPolicySchema>;
export type OfferKind = OfferInput['kind'];

export interface Offer extends OfferInput {
  createdAt: string;
  updatedAt: string;
}

/** Who the shopper is, for eligibility and depth limits. */
export interface ShopperTier {
  customer: 'new' | 'returning';
  value: 'high' | 'low';
}

/** A basket line an offer would apply to, priced from the catalog (never from the client). */
export interface OfferLine {
  productId: string;
  category: string | null;
  price: number;
  cost: number | null;
  quantity: number;
}

export type OfferCheck =
  | { ok: true; discount: number; depth: number; basketValue: number; marginAfter: number }
  | { ok: false; rule: 'offer_paused' | 'offer_placement' | 'offer_tier' | 'max_depth' | 'margin_floor' | 'budget' | 'min_basket' | 'no_lines'; detail: string };
