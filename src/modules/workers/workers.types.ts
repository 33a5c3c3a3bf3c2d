/**
 * Shapes of AI Workers: a versioned definition (trigger, entry rules, steps, guardrail limits)
 * and the durable instances that run it, one per shopper journey. Definitions are parsed and
 * checked in workers.definition.ts; the wire schema is documented in docs/workers.md.
 */
import type { Condition } from '../../core/index.ts';
import type { ChannelName } from '../channels/index.ts';

export const WORKER_STATUSES = ['on', 'off', 'paused'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];
export const RISK_TIERS = ['low', 'medium', 'high'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** An event; or an event not followed by another on the same key within a time (cart abandonment). */
export interface EventTrigger {
  type: 'event';
  event: string;
  /** Event property that keys the instance (cart_id, order_id, product_id); waits match on it. */
  key?: string | undefined;
  where?: Condition | undefined;
  unlessFollowedBy?: { event: string; withinMs: number } | undefined;
}
/** Entry when a profile comes to satisfy `where` (checked on profile changes and on a sweep). */
export interface SegmentTrigger { type: 'segment'; where: Condition; sweepMs: number }
/** Every `everyMs` (at `atHour` UTC when given), everyone satisfying `where` enters. */
export interface ScheduleTrigger { type: 'schedule'; everyMs: number; atHour?: number | undefined; where: Condition }
/** Catalog changes for shoppers who showed interest in the product. */
export interface CatalogTrigger { type: 'catalog'; change: 'back_in_stock' | 'price_drop'; audience: Array<'wishlist' | 'cart' | 'viewed'>; minDropPct: number }
export type Trigger = EventTrigger | SegmentTrigger | ScheduleTrigger | CatalogTrigger;

/**
 * A/B/n arms of a step (workers.arms.ts): each arm is the step with its overrides applied. Steps
 * naming the same `experiment` (default: their own id) share one assignment per shopper.
 */
export interface StepArms<S> { experiment: string; arms: Array<{ name: string; weight: number; step: S }> }

export interface WaitStep { id: string; type: 'wait'; durationMs: number; arms?: StepArms<WaitStep> | undefined }
export interface WaitForEventStep {
  id: string; type: 'wait_for_event'; event: string; timeoutMs: number; arms?: StepArms<WaitForEventStep> | undefined;
  /** Trigger-event property the awaited event must carry with the same value (same cart). */
  match?: string | undefined;
  /** What to do when the event arrives: exit, or continue at a step. Timeout continues with the next step. */
  onEvent: 'exit' | 'next' | { goto: string };
}
export interface DecideStep {
  id: string; type: 'decide'; placement: string;
  /** When the brain says stay silent: exit (default) or continue anyway. */
  onSilent: 'exit' | 'continue';
  /** An offer id: the brain must choose that incentive when the offer policy allows it; null: no incentive at all. */
  offer?: string | null | undefined;
  /** Offers deeper than this percent of the basket are left out. */
  maxDiscountPct?: number | undefined;
  arms?: StepArms<DecideStep> | undefined;
}
export interface SendStep {
  id: string; type: 'send';
  /** A channel, or `auto`: among `channels` the shopper consented to, the most responsive. */
  channel: ChannelName | 'auto';
  channels: ChannelName[];
  template: string;
  /** now, or at the shopper's best hour when it is within `maxDelayMs`. */
  timing: 'now' | 'best_hour';
  maxDelayMs: number;
  /** Send at this hour (0-23) of the shopper's time zone: waits up to a day for it (quiet hours still apply). */
  sendHour?: number | undefined;
  /** Blocks the message must use where the template has a slot of their kind (as if the decision named them). */
  blocks?: string[] | undefined;
  transactional: boolean;
  arms?: StepArms<SendStep> | undefined;
}
export interface BranchStep { id: string; type: 'branch'; if: Condition; then: string; else?: string | undefined }
export interface ExitStep { id: string; type: 'exit' }
export type Step = WaitStep | WaitForEventStep | DecideStep | SendStep | BranchStep | ExitStep;

/** Uplift targeting (`entry.uplift`, workers.uplift.ts): who enters at all, decided before the holdout split. */
export interface UpliftSpec {
  /** Admit when the predicted uplift is at least this (probability points for conversion, dollars per shopper for revenue). */
  minScore: number;
  outcome: 'conversion' | 'revenue';
  model: 'two_model' | 'transformed_outcome';
  /** Share (percent) of shoppers below the threshold admitted anyway, so training data keep covering everyone. */
  explorePct: number;
  /** Closed journeys needed per arm (treated, holdout) in each half before a model is trained and used. */
  minUnits: number;
  /** How often the model is retrained (Braid's clock). */
  retrainMs: number;
}

/** What a journey records at entry (ctx.uplift). */
export interface UpliftStamp {
  set: string;
  features: number[];
  score: number | null;
  /** Why it was admitted: the score cleared the threshold, exploration, or no model yet (everyone enters). */
  admitted: 'score' | 'explore' | 'no_model';
  /** trainedAt of the model that scored it. */
  modelAt: number | null;
}

export interface EntryRules {
  /**
   * never: once per shopper ever; after_exit: again once the previous instance ended; cooldown: not
   * within cooldownMs of the last entry; after_order: again only once the shopper has ordered since
   * the last entry (and not within cooldownMs of it, when set): once per purchase cycle.
   */
  reentry: 'never' | 'after_exit' | 'cooldown' | 'after_order';
  cooldownMs: number;
  where?: Condition | undefined;
  uplift?: UpliftSpec | undefined;
}

export interface WorkerDefinition {
  id: string;
  name: string;
  description: string;
  owner: string;
  riskTier: RiskTier;
  /** The outcome it owns; the goal event ends an instance (matched on the trigger key when `matchKey`). */
  goal: { event: string; matchKey: boolean; metric: 'contribution' | 'revenue' | 'conversion' };
  trigger: Trigger;
  entry: EntryRules;
  /** Share of entrants (percent) held out: they enter and are logged but receive nothing. */
  holdoutPct: number;
  /** Sends per minute across all of this worker's instances (0 = no limit). */
  sendsPerMinute: number;
  steps: Step[];
  playbook?: string | undefined;
}

export interface WorkerRecord {
  id: string;
  status: WorkerStatus;
  /** The newest version. */
  version: number;
  /** The version new journeys start on: the newest accepted (or not needing approval); null = none yet. */
  liveVersion: number | null;
  definition: WorkerDefinition;
  createdAt: string;
  updatedAt: string;
  updatedBy: string | null;
}

export const INSTANCE_STATES = ['waiting', 'done', 'exited'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** One shopper's journey through one worker version. */
export interface Instance {
  id: string;
  workerId: string;
  version: number;
  profileId: string;
  key: string | null;
  state: InstanceState;
  /** Index of the step to run next. */
  step: number;
  /** When the instance is due (a wait, a timeout, a deferred send). */
  wakeAt: number;
  /** The event a wait_for_event step awaits. */
  waitEvent: string | null;
  /** Why it is held out (global_control, worker_holdout) or null when treated. */
  holdout: string | null;
  /** Version of the hash that assigned `holdout` (experiments' ASSIGNMENT_VERSION); null on journeys logged before it was recorded. */
  assignment: string | null;
  /** A/B/n arms assigned at entry, experiment key → arm name (same hash version); null when held out or the version has no arms. */
  arms: Record<string, string> | null;
  exitReason: string | null;
  enteredAt: number;
  ctx: InstanceContext;
}

export interface InstanceContext {
  /** The trigger event's properties (and name), for keys, branches and content. */
  event?: { name: string; properties: Record<string, unknown> } | undefined;
  decision?: { id: string; type: string; productIds: string[]; offerId?: string | undefined; blockIds: string[]; theme?: string | undefined } | undefined;
  /** Steps that ran, newest last (bounded): step id, outcome, at. */
  trail: Array<{ step: string; outcome: string; at: number }>;
  /** How often the current step was deferred (quiet hours, gaps, rate). */
  deferrals?: number | undefined;
  /** Uplift targeting at entry: the features, the score and why the shopper was admitted (workers.uplift.ts). */
  uplift?: UpliftStamp | undefined;
}
