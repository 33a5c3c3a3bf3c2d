/** Shapes of the decision engine. Wire schemas are in decisioning.schemas.ts. */
import type { Assignment } from '../experiments/index.ts';

export const ACTION_TYPES = ['recommend', 'reassure', 'educate', 'incentivize', 'loyalty_perk', 'none'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** A moment a decision is made for. Configurable over the API; defaults in decisioning.defaults.ts. */
export interface PlacementDef {
  id: string;
  description: string;
  /** products: a ranked list (with optional offer); modules: an ordering of page modules; rerank: reorders given products. */
  kind: 'products' | 'modules' | 'rerank';
  types: ActionType[];
  defaultCount: number;
  maxCount: number;
  /** Whether "stay silent" may win (not for sorts and reranks, which must return an order). */
  allowNone: boolean;
  /** Recommendation strategy feeding product candidates. */
  strategy: 'auto' | 'similar' | 'co_purchase' | 'user' | 'trending' | 'replenishment' | 'cross_sell';
  /** Cost of making contact at all (e.g. an email or SMS), charged to every non-silent action. */
  contactCost: number;
  /** The same action is not repeated to one shopper here within this many minutes. */
  cooldownMinutes: number;
  /** At most this many non-silent decisions per shopper per UTC day here (0 = no limit). */
  maxPerDay: number;
  /** Pega-style business levers: multiply an action type's expected contribution. */
  levers: Partial<Record<ActionType, number>>;
  /** Prior conversion probability of a shopper at this moment (within the attribution window). */
  baseRate: number;
  /** learn: the bandit chooses; apprentice: a baseline rule chooses while the bandit learns. */
  mode: 'learn' | 'apprentice';
  /** The apprentice baseline: the first candidate in source order, an action id, or silence. */
  baseline: { rule: 'first_candidate' | 'action' | 'none'; actionId?: string | undefined };
}

/** A non-product action: a page module or a risk reducer, implying content blocks. */
export interface ActionDef {
  id: string;
  type: Exclude<ActionType, 'recommend' | 'incentivize' | 'none'>;
  name: string;
  theme: string;
  /** Placements it may appear in (empty = every placement whose types include its type). */
  placements: string[];
  /** Free returns, warranty, shipping reassurance, sizing help: favoured when the shopper hesitates. */
  riskReducer: boolean;
  /** Preference variables it speaks to (e.g. returns_anxiety); their values feed the model. */
  speaksTo: string[];
  blockIds: string[];
  /** Prior lift in log-odds over the moment's base rate, before anything is learned. */
  priorLift: number;
  /** What the action costs per conversion (e.g. a warranty's expected claims). */
  cost: number;
  status: 'active' | 'paused';
}

/** What an ad, email or creative promised; landing placements keep it when still allowed. */
export interface CampaignPromise {
  offerIds: string[];
  productIds: string[];
  themes: string[];
}

export interface DecideContext {
  time?: string | undefined;
  timezone?: string | undefined;
  device?: string | undefined;
  store?: string | undefined;
  location?: Record<string, unknown> | undefined;
  weather?: Record<string, unknown> | undefined;
  source?: {
    decisionId?: string | undefined; creativeId?: string | undefined; campaignId?: string | undefined; channel?: string | undefined;
    /** A/B/n arms of the journey that asks (experiment key → arm), logged with the decision as its exposure. */
    arms?: Record<string, string> | undefined;
  } | undefined;
  page?: { productId?: string | undefined; productIds?: string[] | undefined; category?: string | undefined; query?: string | undefined } | undefined;
}

export interface CandidateRestriction {
  types?: ActionType[] | undefined;
  productIds?: string[] | undefined;
  excludeProductIds?: string[] | undefined;
  offerIds?: string[] | undefined;
  actionIds?: string[] | undefined;
  /** Offers giving away more than this share of the basket (0..1) are removed (an arm's discount depth). */
  maxDepth?: number | undefined;
  /** false: the brain must choose a candidate when any survives the guardrails (an arm that tests an offer); silence only when none does. */
  allowNone?: boolean | undefined;
}

export interface DecideRequest {
  ref: string;
  placement: string;
  context: DecideContext;
  count?: number | undefined;
  candidates?: CandidateRestriction | undefined;
}

export interface Candidate {
  key: string;
  type: ActionType;
  /**
   * The model arm that predicts its conversion: `<key>@<placement>` (silence at checkout and
   * silence in a cart email are different outcomes), except the recommender, one arm everywhere.
   */
  arm: string;
  productIds: string[];
  offerId?: string | undefined;
  actionId?: string | undefined;
  blockIds: string[];
  theme?: string | undefined;
  /** Contribution margin of the likely basket if the shopper converts, before any discount. */
  margin: number;
  /** What the retailer gives away if the shopper converts (discount, points, shipping, action cost). */
  cost: number;
  /** Discount as a share of the basket (incentives), for "smallest depth that pays". */
  depth: number;
  relevance: number;
  riskReducer: boolean;
  prefMatch: number;
  source: string;
  /** Set when it keeps an ad or message's promise. */
  promised?: boolean | undefined;
  /** Where its feature vector starts in the decision's feature matrix. */
  row?: number | undefined;
}

export interface Removal { key: string; rule: string; detail: string }

export interface Scored {
  c: Candidate;
  p: number;
  /** Expected contribution with the posterior mean (what we believe). */
  value: number;
  /** Optimistic expected contribution (UCB: what the incentive gate compares). */
  ucb: number;
  /** What the policy's own choice ranks by: `ucb`, but `value` for incentives (conservative). */
  rank: number;
}

export interface ChosenAction {
  slot: number;
  type: ActionType;
  key: string;
  productIds: string[];
  offerId?: string | undefined;
  actionId?: string | undefined;
  blockIds: string[];
  theme?: string | undefined;
  /** What the offer gives away if the shopper converts (reserved against its daily budget). */
  discount?: number | undefined;
  propensity: number;
  expectedContribution: number;
  pConversion: number;
  why: string;
}

export interface DecisionResult {
  decisionId: string;
  placement: string;
  profileId: string | null;
  at: string;
  actions: ChosenAction[];
  assignment: Assignment & { personalized: boolean };
  reasons: {
    removed: Removal[];
    alternatives: Array<{ key: string; type: ActionType; expectedContribution: number; pConversion: number }>;
    consent: { personalization: boolean; basis: string; recordId?: string | undefined };
    continuity?: { source: string; kept: string[]; dropped: Removal[] } | undefined;
    policy: string[];
  };
  modelVersion: string;
  policyVersion: string;
  apprentice?: { baselineKey: string; agreed: boolean } | undefined;
}
