/**
 * The shopper simulator's vocabulary. Hidden traits live only here: Braid never sees them (it sees
 * events, and messages come back to the simulator's own receivers). See docs/simulator.md.
 */

/** How contact changes a shopper's behaviour on a channel (the four uplift quadrants). */
export type UpliftType = 'sure_thing' | 'persuadable' | 'lost_cause' | 'sleeping_dog';
export const UPLIFT_TYPES: readonly UpliftType[] = ['sure_thing', 'persuadable', 'lost_cause', 'sleeping_dog'];

export interface SimConfig {
  shoppers: number;
  /** Days the policies run (after the warm-up). */
  days: number;
  /** Days of organic history before any policy contacts anyone (every policy shares them). */
  warmupDays: number;
  seeds: number;
  /** The first seed; seed k of a run is firstSeed + k. */
  firstSeed: number;
  products: number;
  /** Simulated start (ISO, midnight UTC). */
  start: string;
  /** Share of shoppers who consented to marketing email. */
  emailConsent: number;
  /** Share of shoppers with the store's app: a push token and push consent (push reaches them through Braid; the baselines are email only). */
  appShare: number;
  /** Mix of uplift types for email (sums to 1). */
  upliftMix: Record<UpliftType, number>;
  /** Mean sessions per shopper per day (gamma-distributed across shoppers). */
  visitRate: number;
  /** Cost of handling one returned order (shipping, restocking), in the currency. */
  returnCost: number;
  /**
   * Promotion conditioning: how much a shopper trained by recent offers holds back from a
   * full-price order (waiting for the next deal), at full conditioning and deal_seeking 1.
   * 0 turns it off. See docs/simulator.md.
   */
  promoConditioning: number;
  /**
   * Pull-forward: the share of offer-induced orders (a shopper with no open cart persuaded by a
   * discount) that would have happened within 30 days anyway; that later full-price order is then
   * not placed. 0 turns it off.
   */
  pullForward: number;
}

export const DEFAULT_SIM_CONFIG: SimConfig = {
  shoppers: 2000, days: 90, warmupDays: 30, seeds: 3, firstSeed: 1, products: 120, start: '2026-01-05T00:00:00Z',
  emailConsent: 0.7, appShare: 0,
  upliftMix: { sure_thing: 0.3, persuadable: 0.3, lost_cause: 0.3, sleeping_dog: 0.1 },
  visitRate: 0.08, returnCost: 6, promoConditioning: 0.5, pullForward: 0.33,
};

export interface Product {
  id: string;
  title: string;
  category: string;
  /** Index into CATEGORIES. */
  cat: number;
  price: number;
  cost: number;
  /** Rebought on a cycle (replenishment). */
  consumable: boolean;
}

/** The hidden truth about one shopper. Nothing in Braid reads it. */
export interface Shopper {
  idx: number;
  userId: string;
  email: string;
  emailConsent: boolean;
  /** Has the app: a push token (`push_token` trait) and push consent. */
  app: boolean;
  pushToken: string;
  /** Category weights (sum 1). */
  catWeights: number[];
  /** Preferred price level: a product at this price fits best (log-distance penalty). */
  priceLevel: number;
  visitRate: number;
  /** Probability a session with a cart ends in an order (before offers and boosts). */
  buyPropensity: number;
  /** Discount sensitivity, Braid's `deal_seeking` preference: how much an offer moves them. */
  dealSeeking: number;
  /** Braid's `returns_anxiety`: reassurance (free returns) moves them; they return more. */
  returnsAnxiety: number;
  /** Braid's `quality_over_price`: price matters less. */
  qualityOverPrice: number;
  /** Braid's `novelty_seeking`: recommendations of new products are more relevant. */
  noveltySeeking: number;
  uplift: { email: UpliftType; push: UpliftType };
  /** Probability of opening a message on a channel when not fatigued. */
  responsiveness: { email: number; push: number };
  preferredHour: number;
  /** Days between rebuys of consumables; null: not a consumables buyer. */
  replenishDays: number | null;
  /** Per-message unsubscribe base probability (rises with volume). */
  unsubBase: number;
  /** Per-day probability of lapsing for good (rises when soured). */
  churnHazard: number;
  returnRate: number;
}

/** A message as the shopper sees it (parsed from what reached the simulator's receivers). */
export interface SimMessage {
  channel: 'email' | 'push';
  /** Percent off offered (0: none). */
  offerPct: number;
  /** Carries reassurance (free returns, delivery promise). */
  reassurance: boolean;
  /** Products shown. */
  productIds: string[];
  /** One-click unsubscribe URL, when the message has one. */
  unsubscribeUrl?: string | undefined;
  /** Braid's open pixel (an email client with images on loads it when the shopper opens the email). */
  pixelUrl?: string | undefined;
  /** Braid's click-tracked links, in the order they appear (a shopper who acts on the email follows the first). */
  trackedLinks?: string[] | undefined;
  /** Who sent it (policy / worker), for the record. */
  source: string;
}

/** A Segment-shaped event the world emits (posted to /v1/batch, or read by a baseline policy). */
export interface SimEvent {
  type: 'identify' | 'track';
  userId: string;
  event?: string;
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  timestamp: string;
  /** Not sent: the shopper index and simulated hour. */
  shopper: number;
  hour: number;
}

export interface ShopperState {
  lapsed: boolean;
  /** Unsubscribed from marketing email. */
  unsubscribed: boolean;
  /** Turned push notifications off. */
  pushOff: boolean;
  cart: { orderId: string; productIds: string[]; value: number; hour: number } | null;
  /** Hour a consumable rebuy falls due (null: none pending). */
  dueHour: number | null;
  consumableId: string | null;
  /** Hours at which messages arrived (fatigue window). */
  received: number[];
  /** Sleeping-dog reaction: visits fall and churn rises until this hour. */
  souredUntil: number;
  /** A message persuaded them: a session at this hour that ends in an order. */
  persuadedAt: number | null;
  offer: { pct: number; expiresHour: number } | null;
  /** A session already planned for this hour (organic return to an abandoned cart). */
  returnAt: number | null;
  orders: number;
  seq: number;
  /** Offers the shopper saw (opened), by hour and depth: promotion conditioning reads the last 28 days. */
  offersSeen: Array<{ hour: number; pct: number }>;
  /** An offer-induced order was pulled forward: the next organic order before this hour is not placed (null: none owed). */
  pulledForwardUntil: number | null;
  /** Held back from a full-price order by conditioning: the next offer they open before this hour brings them back for it. */
  waitingForDealUntil: number | null;
}

/** What one shopper did to the retailer's books (per policy run). */
export interface Ledger {
  revenue: number;
  cogs: number;
  discount: number;
  returnsCost: number;
  orders: number;
  messages: number;
  unsubscribed: boolean;
}

export const contributionOf = (l: Ledger): number => l.revenue - l.cogs - l.discount - l.returnsCost;
