import { Type } from 'typebox';
import { ACTION_TYPES } from './decisioning.types.ts';

const Id = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' });
const ActionTypeSchema = Type.Union(ACTION_TYPES.map((t) => Type.Literal(t)));
const Strings = (desc?: string) => Type.Array(Type.String({ maxLength: 200 }), { default: [], maxItems: 500, ...(desc ? { description: desc } : {}) });

export const PlacementSchema = Type.Object({
  id: Id,
  description: Type.String({ maxLength: 500, default: '' }),
  kind: Type.Union([Type.Literal('products'), Type.Literal('modules'), Type.Literal('rerank')], { description: 'products: a ranked list (maybe with an offer); modules: an ordering of page modules; rerank: reorders the given products' }),
  types: Type.Array(ActionTypeSchema, { minItems: 1, uniqueItems: true }),
  defaultCount: Type.Integer({ minimum: 1, maximum: 200, default: 1 }),
  maxCount: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  allowNone: Type.Boolean({ default: true, description: 'Whether staying silent may win' }),
  strategy: Type.Union(['auto', 'similar', 'co_purchase', 'user', 'trending', 'replenishment', 'cross_sell'].map((s) => Type.Literal(s)), { default: 'auto' }),
  contactCost: Type.Number({ minimum: 0, default: 0, description: 'Cost of any non-silent action here (e.g. an SMS)' }),
  cooldownMinutes: Type.Number({ minimum: 0, default: 0, description: 'The same action is not repeated to a shopper here within this time' }),
  maxPerDay: Type.Integer({ minimum: 0, default: 0, description: 'Non-silent decisions per shopper per UTC day here; 0 = no limit' }),
  levers: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 100 }), { default: {}, description: 'Multiplier per action type (business priority), e.g. {"incentivize": 0.8}' }),
  baseRate: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.05, description: 'Prior conversion probability at this moment' }),
  mode: Type.Union([Type.Literal('learn'), Type.Literal('apprentice')], { default: 'learn' }),
  baseline: Type.Object({
    rule: Type.Union([Type.Literal('first_candidate'), Type.Literal('action'), Type.Literal('none')]),
    actionId: Type.Optional(Type.String({ maxLength: 100 })),
  }, { default: { rule: 'first_candidate' }, additionalProperties: false }),
}, { additionalProperties: false });

export const ActionDefSchema = Type.Object({
  id: Id,
  type: Type.Union([Type.Literal('reassure'), Type.Literal('educate'), Type.Literal('loyalty_perk')]),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  theme: Type.String({ minLength: 1, maxLength: 100, description: 'What it is about (returns, warranty, reviews…); ad promises name themes' }),
  placements: Strings('Placements it may appear in; empty = all that take its type'),
  riskReducer: Type.Boolean({ default: false }),
  speaksTo: Strings('Preference variables it serves, e.g. returns_anxiety'),
  blockIds: Strings('Content blocks it implies'),
  priorLift: Type.Number({ minimum: -5, maximum: 5, default: 0, description: 'Prior log-odds lift over the base rate' }),
  cost: Type.Number({ minimum: 0, default: 0, description: 'Cost per conversion' }),
  status: Type.Union([Type.Literal('active'), Type.Literal('paused')], { default: 'active' }),
}, { additionalProperties: false });

export const CreativeSchema = Type.Object({
  id: Id,
  name: Type.String({ maxLength: 200, default: '' }),
  offerIds: Strings('Offers the creative promises'),
  productIds: Strings('Products it shows'),
  themes: Strings('Proof themes it makes (e.g. returns, warranty)'),
}, { additionalProperties: false });

export const ContextSchema = Type.Object({
  time: Type.Optional(Type.String({ format: 'date-time', description: 'When the moment happens (default: now)' })),
  timezone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA zone of the shopper' })),
  device: Type.Optional(Type.String({ maxLength: 40, description: 'mobile, desktop, tablet, app, kiosk…' })),
  store: Type.Optional(Type.String({ maxLength: 200, description: 'Location id: stock is checked there' })),
  location: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  weather: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  source: Type.Optional(Type.Object({
    decisionId: Type.Optional(Type.String({ maxLength: 100, description: 'The decision behind the message or ad that brought the shopper' })),
    creativeId: Type.Optional(Type.String({ maxLength: 100 })),
    campaignId: Type.Optional(Type.String({ maxLength: 200 })),
    channel: Type.Optional(Type.String({ maxLength: 50 })),
    arms: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 40 }), { description: 'A/B/n arms of the journey or campaign that asks (experiment key → arm), logged with the decision' })),
  }, { additionalProperties: false })),
  page: Type.Optional(Type.Object({
    productId: Type.Optional(Type.String({ maxLength: 200 })),
    productIds: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200, description: 'Products to rerank (search results, a category page)' })),
    category: Type.Optional(Type.String({ maxLength: 750 })),
    query: Type.Optional(Type.String({ maxLength: 500 })),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

export const DecideRequestSchema = Type.Object({
  ref: Type.String({ minLength: 1, maxLength: 500, description: 'prf_…, userId:…, anonymousId:…, email:…, or a bare anonymousId of a new visitor' }),
  placement: Type.String({ minLength: 1, maxLength: 100 }),
  context: Type.Optional(ContextSchema),
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  candidates: Type.Optional(Type.Object({
    types: Type.Optional(Type.Array(ActionTypeSchema, { uniqueItems: true })),
    productIds: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200 })),
    excludeProductIds: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 500 })),
    offerIds: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
    actionIds: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
    maxDepth: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Remove offers giving away more than this share of the basket (0.1 = 10%)' })),
    allowNone: Type.Optional(Type.Boolean({ description: 'false: choose a candidate when any survives the guardrails (silence only when none does)' })),
  }, { additionalProperties: false, description: 'Restrictions: only these may be chosen (never a way around a guardrail)' })),
}, { additionalProperties: false });

const Removal = Type.Object({ key: Type.String(), rule: Type.String(), detail: Type.String() });
export const ChosenActionSchema = Type.Object({
  slot: Type.Integer(), type: ActionTypeSchema, key: Type.String(), productIds: Type.Array(Type.String()),
  offerId: Type.Optional(Type.String()), actionId: Type.Optional(Type.String()), blockIds: Type.Array(Type.String()), theme: Type.Optional(Type.String()),
  discount: Type.Optional(Type.Number({ description: 'What the offer gives away if the shopper converts' })),
  propensity: Type.Number({ description: 'Probability the policy chose this action in this slot' }),
  expectedContribution: Type.Number(), pConversion: Type.Number(), why: Type.String(),
});
export const DecisionResultSchema = Type.Object({
  decisionId: Type.String(), placement: Type.String(), profileId: Type.Union([Type.String(), Type.Null()]), at: Type.String(),
  actions: Type.Array(ChosenActionSchema),
  assignment: Type.Object({ group: Type.String(), variant: Type.String(), bucket: Type.Number(), salt: Type.String(), version: Type.String(), personalized: Type.Boolean() }),
  reasons: Type.Object({
    removed: Type.Array(Removal),
    alternatives: Type.Array(Type.Object({ key: Type.String(), type: Type.String(), expectedContribution: Type.Number(), pConversion: Type.Number() })),
    consent: Type.Object({ personalization: Type.Boolean(), basis: Type.String(), recordId: Type.Optional(Type.String()) }),
    continuity: Type.Optional(Type.Object({ source: Type.String(), kept: Type.Array(Type.String()), dropped: Type.Array(Removal) })),
    policy: Type.Array(Type.String()),
  }),
  modelVersion: Type.String(), policyVersion: Type.String(),
  apprentice: Type.Optional(Type.Object({ baselineKey: Type.String(), agreed: Type.Boolean() })),
});
