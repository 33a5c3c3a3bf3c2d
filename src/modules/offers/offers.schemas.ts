import { Type } from 'typebox';

const Id = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' });
const Fraction = Type.Number({ minimum: 0, maximum: 1 });

export const OfferInputSchema = Type.Object({
  id: Id,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: Type.Union([
    Type.Literal('percent_off'), Type.Literal('amount_off'), Type.Literal('free_shipping'),
    Type.Literal('bundle'), Type.Literal('loyalty_points'), Type.Literal('gift'),
  ]),
  value: Type.Number({ minimum: 0, description: 'percent_off/bundle: percent (0-100); amount_off: amount in the currency; loyalty_points: points; gift: the gift\'s cost; free_shipping: ignored (policy.shippingCost)' }),
  eligibility: Type.Object({
    customer: Type.Union([Type.Literal('any'), Type.Literal('new'), Type.Literal('returning')], { default: 'any' }),
    value: Type.Union([Type.Literal('any'), Type.Literal('high'), Type.Literal('low')], { default: 'any' }),
  }, { default: { customer: 'any', value: 'any' } }),
  scope: Type.Object({
    categories: Type.Array(Type.String({ maxLength: 750 }), { default: [], description: 'Applies to lines in these categories (prefix match); empty = every line' }),
    productIds: Type.Array(Type.String({ maxLength: 200 }), { default: [] }),
  }, { default: { categories: [], productIds: [] } }),
  minBasket: Type.Number({ minimum: 0, default: 0 }),
  dailyBudget: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { default: null, description: 'Most discount money the offer may commit per UTC day; null = no budget' }),
  stackable: Type.Boolean({ default: false, description: 'May combine with other stackable offers (policy.maxOffersPerDecision)' }),
  placements: Type.Array(Type.String({ maxLength: 100 }), { default: [], description: 'Placements it may appear in; empty = all' }),
  cooldownDays: Type.Number({ minimum: 0, maximum: 365, default: 7, description: 'Least days between two decisions offering it to one shopper' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('paused')], { default: 'active' }),
}, { additionalProperties: false });

export const OfferSchema = Type.Intersect([OfferInputSchema, Type.Object({
  createdAt: Type.String(), updatedAt: Type.String(),
  approval: Type.Optional(Type.Object({
    id: Type.String(), version: Type.Integer(), tier: Type.String(), status: Type.String(), queue: Type.Union([Type.String(), Type.Null()]), held: Type.Boolean(),
    reasons: Type.Array(Type.Object({ code: Type.String(), tier: Type.String(), message: Type.String() })),
  }, { description: 'Where the submitted version stands (docs/governance.md); held = not live until accepted' })),
})]);

export const OfferPolicySchema = Type.Object({
  maxDepth: Type.Object({
    new: Fraction, returning: Fraction, high: Fraction, low: Fraction,
  }, { description: 'Greatest discount as a share of the basket, per tier; a shopper gets the lower of their two tiers' }),
  marginFloor: Type.Object({
    default: Fraction,
    categories: Type.Record(Type.String(), Fraction, { default: {} }),
    products: Type.Record(Type.String(), Fraction, { default: {} }),
  }, { description: 'Least margin rate ((price - discount - cost) / price) a line may sell at; most specific wins (product, longest category prefix, default)' }),
  maxOffersPerDecision: Type.Integer({ minimum: 0, maximum: 5, description: 'Stacking: at most this many offers in one decision, all stackable when more than one' }),
  shippingCost: Type.Number({ minimum: 0, description: 'What free shipping costs the retailer per order' }),
  pointValue: Type.Number({ minimum: 0, description: 'What one loyalty point costs the retailer' }),
}, { additionalProperties: false });

export const DEFAULT_POLICY = {
  maxDepth: { new: 0.15, returning: 0.2, high: 0.1, low: 0.2 },
  marginFloor: { default: 0.15, categories: {}, products: {} },
  maxOffersPerDecision: 1,
  shippingCost: 6,
  pointValue: 0.01,
};
