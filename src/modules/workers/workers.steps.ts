/**
 * The step interpreter: runs one instance forward until it waits, sends, or ends. Side effects
 * are gathered, not performed: sends are returned for the engine to hand to channels in one batch
 * (idempotency key worker:instance:step, so a step re-run after a crash finds its message and
 * never sends twice), and the instance row is written back by the engine afterwards.
 */
import { evaluateCondition } from '../../core/index.ts';
import { CHANNEL_PURPOSE, type ChannelName, type Contact, type OutboundContent, type SendRequest } from '../channels/index.ts';
import type { DecideRequest, DecisionResult } from '../decisioning/index.ts';
import { responseRate } from '../traits/index.ts';
import { armedStep, armLabel, nextLocalHour } from './workers.arms.ts';
import { checkSend, chooseChannel, isTimeZone, localHour, nextBestHour, takeToken, type Bucket, type ChannelOption, type GuardrailSettings } from './workers.guardrails.ts';
import { journeyPaths, journeyScope, type EngagementReader } from './workers.engagement.ts';
import { rankPaths, rankScope, type Ranker } from './workers.rank.ts';
import type { DecideStep, Instance, InstanceContext, SendStep, WorkerDefinition } from './workers.types.ts';

export interface RenderInput {
  templateId: string;
  channel: ChannelName;
  profileId: string;
  /** Profile traits with sensitive keys removed: nothing sensitive reaches content. */
  traits: Record<string, unknown>;
  decision?: Instance['ctx']['decision'];
  event?: Instance['ctx']['event'];
  vars: Record<string, unknown>;
  /** Blocks the step (or its arm) requires, besides those the decision named. */
  blockIds?: string[] | undefined;
}
export interface RenderOutput {
  content: OutboundContent; blockIds?: string[] | undefined; qa?: { ok: boolean; reasons: Array<{ rule: string; message: string }> } | undefined;
  /** The template version and its approver, stored with the message and audited with its outcome. */
  provenance?: Record<string, unknown> | undefined;
}

/** What one shopper looks like to the interpreter in this batch (loaded once per batch). */
export interface ShopperView {
  profileId: string;
  profile: Record<string, unknown> | undefined;
  traits: Record<string, unknown>;
  computed: { bestSendHour?: number | null | undefined; channelResponsiveness?: Record<string, { rate: number; sent?: number; responses?: number }> | undefined; lifecycle?: string | undefined } | undefined;
  timeZone: string;
  /** Recent owned-channel contacts plus those planned earlier in this batch. */
  contacts: Contact[];
  reachable: Set<ChannelName>;
  /** Braid's own messages that went out per channel, ever (loaded for channel choice only). */
  sent?: Partial<Record<ChannelName, number>> | undefined;
}

export interface StepEnv {
  nowMs: number;
  settings: GuardrailSettings;
  buckets: Map<string, Bucket>;
  decide(inst: Instance, placement: string, candidates?: DecideRequest['candidates']): Promise<DecisionResult>;
  consented(profileId: string, purpose: string): Promise<{ allowed: boolean }>;
  render(input: RenderInput): Promise<RenderOutput>;
  unsubscribeUrl(profileId: string, purpose: string): string;
  /** Percentile rank of a trigger property among the worker's recent journeys (workers.rank.ts); absent: `rank.*` paths are missing. */
  rank?: Ranker | undefined;
  /** This journey's messages' engagement (workers.engagement.ts); absent: every `journey.*` path is false. */
  engagement?: EngagementReader | undefined;
}

const MAX_STEPS_PER_RUN = 40;
const TRAIL_KEPT = 30;

function note(inst: Instance, step: string, outcome: string, at: number): void {
  inst.ctx.trail.push({ step, outcome, at });
  if (inst.ctx.trail.length > TRAIL_KEPT) inst.ctx.trail.splice(0, inst.ctx.trail.length - TRAIL_KEPT);
}
function end(inst: Instance, state: 'done' | 'exited', reason: string): void { inst.state = state; inst.exitReason = reason; inst.waitEvent = null; }

function scopeOf(inst: Instance, shopper: ShopperView): Record<string, unknown> {
  return { profile: shopper.profile, traits: { ...shopper.computed, ...shopper.traits }, event: inst.ctx.event, decision: inst.ctx.decision };
}

/**
 * Advances `inst` in place until it waits or ends; the sends it plans are returned, in order (the
 * engine hands them to channels after the batch; their outcomes are added to the trail then).
 */
export async function runSteps(inst: Instance, def: WorkerDefinition, shopper: ShopperView, env: StepEnv): Promise<SendRequest[]> {
  const sends: SendRequest[] = [];
  const now = env.nowMs;
  if (inst.waitEvent !== null) { // woke at a wait_for_event's timeout
    note(inst, def.steps[inst.step - 1]?.id ?? '?', 'timeout', now);
    inst.waitEvent = null;
  }
  for (let guard = 0; guard < MAX_STEPS_PER_RUN; guard++) {
    const written = def.steps[inst.step];
    if (!written) { end(inst, 'done', 'completed'); return sends; }
    const step = armedStep(written, inst.arms); // the journey's arm of the step, if it has arms
    const arm = armLabel(written, inst.arms);
    switch (step.type) {
      case 'wait':
        inst.wakeAt = now + step.durationMs; inst.step++;
        note(inst, step.id, 'waiting', now);
        return sends;
      case 'wait_for_event':
        inst.waitEvent = step.event; inst.wakeAt = now + step.timeoutMs; inst.step++;
        note(inst, step.id, `awaiting ${step.event}`, now);
        return sends;
      case 'exit':
        note(inst, step.id, 'exit', now); end(inst, 'done', 'completed');
        return sends;
      case 'branch': {
        const scope = scopeOf(inst, shopper);
        const ranked = rankPaths(step.if);
        if (ranked.length > 0) scope.rank = await rankScope(env.rank, inst.workerId, ranked, scope, now);
        const engaged = journeyPaths(step.if);
        if (engaged.length > 0) scope.journey = await journeyScope(env.engagement, inst.workerId, inst.id, engaged);
        const yes = evaluateCondition(step.if, scope, now);
        const target = yes ? step.then : step.else;
        note(inst, step.id, yes ? 'then' : 'else', now);
        inst.step = target === undefined ? inst.step + 1 : def.steps.findIndex((s) => s.id === target);
        continue;
      }
      case 'decide': {
        if (inst.holdout) { note(inst, step.id, 'held_out', now); inst.step++; continue; }
        let result: DecisionResult;
        try { result = await env.decide(inst, step.placement, restrictionOf(step)); } catch (err) {
          note(inst, step.id, `error: ${(err as Error).message.slice(0, 200)}`, now); end(inst, 'exited', 'decide_failed');
          return sends;
        }
        const first = result.actions[0];
        if (!first || first.type === 'none') {
          note(inst, step.id, `silent (${result.decisionId})${arm}`, now);
          if (step.onSilent === 'exit') { end(inst, 'exited', 'brain_silent'); return sends; }
          inst.step++; continue;
        }
        inst.ctx.decision = messageDecision(result);
        note(inst, step.id, `${first.type} (${result.decisionId})${arm}`, now);
        inst.step++; continue;
      }
      case 'send': {
        if (inst.holdout) { note(inst, step.id, `held_out (${inst.holdout})`, now); inst.step++; continue; }
        const before = inst.step;
        const send = await planSend(inst, def, step, shopper, env);
        if (send) sends.push(send);
        // Deferred (same step, later), exited, or capped-and-moved-on: a deferral ends the run.
        if (inst.state !== 'waiting' || (inst.step === before && !send)) return sends;
        continue;
      }
    }
  }
  end(inst, 'exited', 'step_loop');
  return sends;
}

/**
 * The shopper's response rate on a channel. Traits count the sends a store reports as events
 * (`Email Delivered`, …); Braid's own sends record none, while their opens and clicks (email
 * tracking) are events. So the denominator is the larger of the two counts: without Braid's own,
 * every tracked open would raise the rate and ignored mail would never lower it.
 */
export function channelRate(shopper: Pick<ShopperView, 'computed' | 'sent'>, channel: ChannelName): number {
  const score = shopper.computed?.channelResponsiveness?.[channel];
  if (!score) return 0;
  const own = shopper.sent?.[channel] ?? 0;
  return score.responses !== undefined && own > (score.sent ?? 0) ? responseRate(score.responses, own) : score.rate;
}

async function planSend(inst: Instance, def: WorkerDefinition, step: SendStep, shopper: ShopperView, env: StepEnv): Promise<SendRequest | undefined> {
  const now = env.nowMs;
  const options: ChannelOption[] = [];
  for (const channel of step.channels) {
    const purpose = CHANNEL_PURPOSE[channel];
    const consented = step.transactional || (await env.consented(inst.profileId, purpose)).allowed;
    options.push({ channel, consented, reachable: shopper.reachable.has(channel), rate: channelRate(shopper, channel) });
  }
  const channel = step.channel === 'auto' ? chooseChannel(options) : options.find((o) => o.channel === step.channel && o.consented && o.reachable)?.channel;
  if (!channel) {
    const why = options.some((o) => o.consented) ? 'unreachable' : 'no_consent';
    note(inst, step.id, `${why}: ${step.channels.join('/')}`, now);
    end(inst, 'exited', why);
    return undefined;
  }
  if (step.sendHour !== undefined && !inst.ctx.trail.some((t) => t.step === step.id && t.outcome === 'deferred: send_hour')) {
    const at = nextLocalHour(now, step.sendHour, (ms) => localHour(ms, shopper.timeZone));
    if (at !== undefined) return defer(inst, step.id, at, 'send_hour', now);
  } else if (step.timing === 'best_hour' && !inst.ctx.trail.some((t) => t.step === step.id && t.outcome === 'deferred: best_hour')) {
    const at = nextBestHour(now, shopper.computed?.bestSendHour, step.maxDelayMs);
    if (at !== undefined) return defer(inst, step.id, at, 'best_hour', now);
  }
  const verdict = checkSend({ nowMs: now, channel, contacts: shopper.contacts, settings: env.settings, timeZone: shopper.timeZone });
  if (verdict.kind === 'skip') { note(inst, step.id, `skipped: ${verdict.reason}`, now); inst.step++; return undefined; }
  if (verdict.kind === 'defer') return defer(inst, step.id, verdict.until, verdict.reason, now);
  const bucketKey = def.id;
  const bucket = env.buckets.get(bucketKey) ?? { tokens: Math.max(1, def.sendsPerMinute / 6), at: now };
  env.buckets.set(bucketKey, bucket);
  const wait = takeToken(bucket, now, def.sendsPerMinute);
  if (wait > 0) return defer(inst, step.id, now + wait, 'rate_limit', now);

  const purpose = CHANNEL_PURPOSE[channel];
  const rendered = await env.render({
    templateId: step.template, channel, profileId: inst.profileId, traits: shopper.traits, decision: inst.ctx.decision, event: inst.ctx.event,
    vars: { unsubscribe_url: env.unsubscribeUrl(inst.profileId, purpose) }, blockIds: step.blocks,
  });
  if (rendered.qa && !rendered.qa.ok) {
    note(inst, step.id, `qa_failed: ${rendered.qa.reasons.map((r) => `${r.rule} (${r.message})`).join('; ').slice(0, 500)}`, now);
    end(inst, 'exited', 'qa_failed');
    return undefined;
  }
  shopper.contacts.push({ channel, at: now, workerId: def.id, status: 'queued' });
  inst.step++;
  return {
    idempotencyKey: `${inst.workerId}:${inst.id}:${step.id}`, profileId: inst.profileId, channel, purpose, content: rendered.content,
    workerId: inst.workerId, workerVersion: inst.version, instanceId: inst.id, stepId: step.id, decisionId: inst.ctx.decision?.id, transactional: step.transactional,
    // The exposure: every message of a journey with arms carries them (deliveries.provenance, and the send's audit entry).
    provenance: inst.arms ? { ...rendered.provenance, arms: inst.arms } : rendered.provenance,
  };
}

/** A decide step's offer settings as candidate restrictions: one offer (and no silence while it is allowed), none, or a depth cap. */
function restrictionOf(step: DecideStep): DecideRequest['candidates'] {
  if (step.offer === null) return { types: ['recommend', 'reassure', 'educate', 'none'] };
  const depth = step.maxDiscountPct === undefined ? {} : { maxDepth: step.maxDiscountPct / 100 };
  if (typeof step.offer === 'string') return { types: ['incentivize', 'loyalty_perk'], offerIds: [step.offer], allowNone: false, ...depth };
  return step.maxDiscountPct === undefined ? undefined : depth;
}

function defer(inst: Instance, stepId: string, until: number, reason: string, now: number): undefined {
  inst.wakeAt = Math.max(until, now + 1);
  inst.ctx.deferrals = (inst.ctx.deferrals ?? 0) + 1;
  note(inst, stepId, `deferred: ${reason}`, now);
  return undefined;
}

/** The shopper's time zone: a valid `timezone` trait, else the operator default. */
export function timeZoneOf(traits: Record<string, unknown>, fallback: string): string {
  const tz = traits.timezone ?? traits.timeZone ?? traits.time_zone;
  return isTimeZone(tz) ? tz : fallback;
}

/**
 * What a message carries of a decision: every chosen action, not only the first (the brain learns
 * each chosen action as shown, so the message must show each): all products, every action's
 * blocks (a reassurance chosen in a later slot fills the message's reassurance block), the first
 * offer, and the theme of the first action that is not a product.
 */
export function messageDecision(result: Pick<DecisionResult, 'decisionId' | 'actions'>): NonNullable<InstanceContext['decision']> {
  const first = result.actions[0]!;
  const lead = result.actions.find((a) => a.type !== 'recommend') ?? first;
  return {
    id: result.decisionId, type: first.type, productIds: result.actions.flatMap((a) => a.productIds),
    offerId: result.actions.find((a) => a.offerId)?.offerId, blockIds: [...new Set(result.actions.flatMap((a) => a.blockIds))], theme: lead.theme,
  };
}
