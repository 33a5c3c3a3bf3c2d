/**
 * Public types of the traits module: computed traits (RFM, lifecycle, CLV, replenishment, ...),
 * shopper preferences, and the service.
 */
import type { BgNbdParams } from './traits.bgnbd.ts';
import type { GammaGammaParams } from './traits.gamma-gamma.ts';

export type LifecycleStage = 'prospect' | 'new' | 'active' | 'at_risk' | 'lapsed' | 'won_back';
export type Channel = 'email' | 'sms' | 'push' | 'onsite';

export interface RfmScores {
  /** Whole days since the last purchase; null without one. */
  recencyDays: number | null;
  /** Purchases (orders not fully refunded). */
  frequency: number;
  /** Net revenue of those purchases. */
  monetary: number;
  /** Scores 1 (worst) to 5 (best) against the store's quintiles; 0 for someone who never bought. */
  r: number; f: number; m: number;
  /** r + f + m: 3 to 15 (0 without purchases). */
  score: number;
  /** The classic RFM cell, e.g. "545" ("000" without purchases). */
  cell: string;
}

export interface ClvTraits {
  /** Expected purchases (distinct purchase days) over the horizon (BG/NBD). */
  expectedPurchases: number;
  /** Expected value of one future purchase (Gamma-Gamma; the own mean without a fitted model). */
  expectedSpend: number;
  /** Discounted expected revenue over the horizon: the predicted CLV. */
  expectedValue: number;
  /** Probability the customer is still "alive" (BG/NBD); 1 for someone who bought once. Null without purchases. */
  pAlive: number | null;
  /** Version of the model used; 0 is the built-in prior (the published CDNOW fit). */
  modelVersion: number;
  horizonWeeks: number;
}

export interface Replenishment {
  /** `product:<id>` or `category:<name>`. */
  key: string;
  /** Typical days between purchases of it. */
  intervalDays: number;
  lastPurchasedAt: string;
  nextDueAt: string;
  /** Distinct days it was bought on. */
  purchases: number;
  /** `own`: the shopper's median gap (2+ purchase days); `store`: all shoppers' median gap for the key. */
  basis: 'own' | 'store';
}

export interface ChannelScore {
  /** Messages sent or delivered (at least the number responded to). */
  sent: number;
  /** Messages responded to (opened or clicked). */
  responses: number;
  /** Posterior mean response rate, Beta(1, 9) prior: 0.1 with no evidence. */
  rate: number;
}

export interface ComputedTraits {
  profileId: string;
  rfm: RfmScores;
  lifecycle: LifecycleStage;
  customerType: 'new' | 'returning';
  valueTier: 'high' | 'low';
  clv: ClvTraits;
  replenishment: Replenishment[];
  /** 0..1: share of discounted orders, coupon hunting and response to incentives. */
  discountSensitivity: number;
  /** Mean unit price paid (or viewed) against the store's tertiles; null when unknown. */
  priceTier: 'low' | 'mid' | 'high' | null;
  preferredCategories: Array<{ category: string; share: number }>;
  /** UTC hour (0-23) the shopper most often responds or buys at; null with too little evidence. */
  bestSendHour: number | null;
  channelResponsiveness: Record<Channel, ChannelScore>;
  computedAt: string;
}

export type PreferenceKind = 'scale' | 'boolean' | 'choice';
/** scale: a number from 0 to 1; boolean; choice: one of the variable's options. */
export type PreferenceValue = number | boolean | string;

export interface PreferenceVariable {
  name: string;
  kind: PreferenceKind;
  options?: string[];
  description: string;
}

export type PreferenceOrigin = 'declared' | 'inferred';

export interface PreferenceSource {
  origin: PreferenceOrigin;
  /** declared: what carried it (quiz, post_purchase, support, identify, api, ...); inferred: the rule. */
  source: string;
  value: PreferenceValue;
  /** 0..1 after decay. */
  confidence: number;
  at: string;
}

export interface PreferenceView {
  variable: string;
  kind: PreferenceKind;
  options?: string[];
  /** The effective value: the latest declared one, else the inferred one, else null. */
  value: PreferenceValue | null;
  confidence: number;
  origin: PreferenceOrigin | null;
  sources: PreferenceSource[];
}

export interface TraitModel {
  /** 0: the built-in prior; fitted models count up from 1. */
  version: number;
  fittedAt: string | null;
  /** BG/NBD in weeks. */
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams | null;
  customers: number;
  repeatCustomers: number;
  /** Breakpoints (20/40/60/80th percentiles) for the RFM scores. */
  rfm: { recencyDays: number[]; frequency: number[]; monetary: number[] };
  /** Tertiles of shoppers' mean unit price: [low/mid, mid/high]; null before a fit. */
  priceCutoffs: [number, number] | null;
  /** Predicted CLV at or above which valueTier is high (the fitted 80th percentile). */
  highValueCutoff: number;
  /** The store's typical days between purchases (median over repeat customers). */
  cadenceDays: number;
  /** Store-wide median days between purchases per replenishment key. */
  replenishment: Record<string, number>;
}

export interface TraitsService {
  /** The cached traits, synchronously, or undefined (a miss schedules a load). For hot paths. */
  peek(profileId: string): ComputedTraits | undefined;
  /** The traits, computed if needed; 404 for an unknown profile. */
  get(profileId: string): Promise<ComputedTraits>;
  /** Every configured preference variable with its effective value and sources. */
  preferences(profileId: string): Promise<Record<string, PreferenceView>>;
  peekPreferences(profileId: string): Record<string, PreferenceView> | undefined;
  /**
   * Declares values (null removes a declared value). `replace` removes declared values of the
   * variables not given. Throws 400 naming `values.<name>` for an unknown variable or bad value.
   */
  setPreferences(profileId: string, values: Record<string, PreferenceValue | null>, source: string, opts?: { replace?: boolean; at?: string }): Promise<Record<string, PreferenceView>>;
  /** The configured preference variables. */
  variables(): PreferenceVariable[];
  /** Rebuilds every profile's traits from orders and timelines (after imports, or to repair). */
  recompute(): Promise<{ profiles: number }>;
  /** Fits BG/NBD, Gamma-Gamma and the store statistics on all customers; stores a new model version. */
  refit(): Promise<TraitModel>;
  /** The model in use. */
  model(): TraitModel;
  /** Resolves when every batch the projection has handed over so far is reflected. */
  settle(timeoutMs?: number): Promise<boolean>;
  start(): void;
  stop(): Promise<void>;
}
