/**
 * Parses a worker document (JSON or YAML, as written by a marketer or shipped as a playbook)
 * into a checked WorkerDefinition. Every problem is a 400 naming the field (`steps[2].timeout`),
 * and references between steps are checked here, so a worker that loads can always run.
 */
import { parse as parseYaml } from 'yaml';
import { invalid, parseCondition, type Condition } from '../../core/index.ts';
import { CHANNELS, type ChannelName } from '../channels/index.ts';
import { checkExperiments, withArms } from './workers.arms.ts';
import { checkJourneyPaths } from './workers.engagement.ts';
import { RANK_PATH, rankPaths } from './workers.rank.ts';
import {
  RISK_TIERS, type EntryRules, type RiskTier, type Step, type Trigger, type UpliftSpec, type WorkerDefinition,
} from './workers.types.ts';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** "90s", "30m", "1h", "3d", "2w" (or "1h30m") to milliseconds. */
export function parseDuration(raw: unknown, field: string): number {
  if (typeof raw !== 'string' || !/^(\d+[smhdw])+$/.test(raw.trim())) throw invalid(field, 'must be a duration such as "30m", "1h", "3d" or "2w"');
  let ms = 0;
  for (const m of raw.trim().matchAll(/(\d+)([smhdw])/g)) ms += Number(m[1]) * UNITS[m[2]!]!;
  return ms;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function only(o: Obj, allowed: string[], field: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw invalid(field ? `${field}.${k}` : k, `is not a known setting (known: ${allowed.join(', ')})`);
}
function str(o: Obj, k: string, field: string, opts: { optional?: boolean; max?: number; pattern?: RegExp; hint?: string } = {}): string | undefined {
  const v = o[k];
  const f = field ? `${field}.${k}` : k;
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw invalid(f, 'must be a non-empty string');
  if (v.length > (opts.max ?? 200)) throw invalid(f, `must be at most ${opts.max ?? 200} characters`);
  if (opts.pattern && !opts.pattern.test(v)) throw invalid(f, opts.hint ?? `must match ${opts.pattern.source}`);
  return v;
}
function oneOf<T extends string>(o: Obj, k: string, field: string, values: readonly T[], def?: T): T {
  const v = o[k];
  if (v === undefined && def !== undefined) return def;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw invalid(field ? `${field}.${k}` : k, `must be one of ${values.join(', ')}`);
  return v as T;
}
function num(o: Obj, k: string, field: string, min: number, max: number, def: number): number {
  const v = o[k];
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw invalid(field ? `${field}.${k}` : k, `must be a number from ${min} to ${max}`);
  return v;
}
function cond(o: Obj, k: string, field: string): Condition | undefined {
  return o[k] === undefined ? undefined : parseCondition(o[k], field ? `${field}.${k}` : k);
}

const EVENT = { max: 200 };
const STEP_ID = /^[a-z][a-z0-9_]{0,39}$/;

function parseTrigger(raw: unknown): Trigger {
  const f = 'trigger';
  if (!isObj(raw)) throw invalid(f, 'must be an object with a type (event, segment, schedule or catalog)');
  const type = oneOf(raw, 'type', f, ['event', 'segment', 'schedule', 'catalog'] as const);
  switch (type) {
    case 'event': {
      only(raw, ['type', 'event', 'key', 'where', 'unlessFollowedBy'], f);
      const u = raw.unlessFollowedBy;
      let unlessFollowedBy: { event: string; withinMs: number } | undefined;
      if (u !== undefined) {
        if (!isObj(u)) throw invalid(`${f}.unlessFollowedBy`, 'must be { event, within }');
        only(u, ['event', 'within'], `${f}.unlessFollowedBy`);
        unlessFollowedBy = { event: str(u, 'event', `${f}.unlessFollowedBy`, EVENT)!, withinMs: parseDuration(u.within, `${f}.unlessFollowedBy.within`) };
      }
      return { type, event: str(raw, 'event', f, EVENT)!, key: str(raw, 'key', f, { optional: true, max: 100 }), where: cond(raw, 'where', f), unlessFollowedBy };
    }
    case 'segment':
      only(raw, ['type', 'where', 'sweep'], f);
      if (raw.where === undefined) throw invalid(`${f}.where`, 'is required for a segment trigger');
      return { type, where: cond(raw, 'where', f)!, sweepMs: raw.sweep === undefined ? 3_600_000 : parseDuration(raw.sweep, `${f}.sweep`) };
    case 'schedule': {
      only(raw, ['type', 'every', 'atHour', 'where'], f);
      const everyMs = parseDuration(raw.every, `${f}.every`);
      if (everyMs < 60_000) throw invalid(`${f}.every`, 'must be at least 1m');
      const atHour = raw.atHour === undefined ? undefined : num(raw, 'atHour', f, 0, 23, 0);
      if (atHour !== undefined && !Number.isInteger(atHour)) throw invalid(`${f}.atHour`, 'must be a whole hour (UTC) from 0 to 23');
      return { type, everyMs, atHour, where: cond(raw, 'where', f) ?? { path: 'profile.id', op: 'exists' } };
    }
    case 'catalog': {
      only(raw, ['type', 'change', 'audience', 'minDropPct'], f);
      const audience = raw.audience ?? ['wishlist', 'cart', 'viewed'];
      if (!Array.isArray(audience) || audience.length === 0 || audience.some((a) => !['wishlist', 'cart', 'viewed'].includes(a as string))) {
        throw invalid(`${f}.audience`, 'must be a non-empty list of wishlist, cart, viewed');
      }
      return { type, change: oneOf(raw, 'change', f, ['back_in_stock', 'price_drop'] as const), audience: audience as Array<'wishlist' | 'cart' | 'viewed'>, minDropPct: num(raw, 'minDropPct', f, 0, 90, 5) };
    }
  }
}

function parseStep(raw: unknown, i: number): Step {
  const step = parseStepAt(raw, `steps[${i}]`);
  if (isObj(raw) && (raw.arms !== undefined || raw.experiment !== undefined)) {
    return withArms(step, raw, `steps[${i}]`, (merged, field) => parseStepAt(merged, field, `steps[${i}]`));
  }
  return step;
}

/**
 * One step at `f`. `armOf` is set when parsing an arm (the step with an arm's overrides merged
 * in): the arm's fields are then named `steps[i].arms[j].x`, the step's own `steps[i].x`.
 */
function parseStepAt(raw: unknown, f: string, armOf?: string): Step {
  if (!isObj(raw)) throw invalid(f, 'must be an object with an id and a type');
  const id = str(raw, 'id', armOf ?? f, { pattern: STEP_ID, hint: 'must be a lower_snake_case id of at most 40 characters' })!;
  const type = oneOf(raw, 'type', armOf ?? f, ['wait', 'wait_for_event', 'decide', 'send', 'branch', 'exit'] as const);
  const ARMED = ['arms', 'experiment'];
  switch (type) {
    case 'wait':
      only(raw, ['id', 'type', 'duration', ...ARMED], f);
      return { id, type, durationMs: parseDuration(raw.duration, `${f}.duration`) };
    case 'wait_for_event': {
      only(raw, ['id', 'type', 'event', 'timeout', 'match', 'onEvent', ...ARMED], f);
      const onEventRaw = raw.onEvent ?? 'exit';
      let onEvent: 'exit' | 'next' | { goto: string };
      if (onEventRaw === 'exit' || onEventRaw === 'next') onEvent = onEventRaw;
      else if (isObj(onEventRaw) && typeof onEventRaw.goto === 'string') onEvent = { goto: onEventRaw.goto };
      else throw invalid(`${f}.onEvent`, 'must be "exit", "next" or { goto: stepId }');
      return { id, type, event: str(raw, 'event', f, EVENT)!, timeoutMs: parseDuration(raw.timeout, `${f}.timeout`), match: str(raw, 'match', f, { optional: true, max: 100 }), onEvent };
    }
    case 'decide': {
      only(raw, ['id', 'type', 'placement', 'onSilent', 'offer', 'maxDiscountPct', ...ARMED], f);
      const offer = raw.offer === undefined ? undefined : raw.offer === 'none' || raw.offer === null ? null : str(raw, 'offer', f, { max: 100, hint: 'must be an offer id or "none"' });
      const maxDiscountPct = raw.maxDiscountPct === undefined ? undefined : num(raw, 'maxDiscountPct', f, 0, 100, 0);
      if (offer === null && maxDiscountPct !== undefined) throw invalid(`${f}.maxDiscountPct`, 'cannot be combined with offer "none" (no incentive at all)');
      return {
        id, type, placement: str(raw, 'placement', f, { max: 100 })!, onSilent: oneOf(raw, 'onSilent', f, ['exit', 'continue'] as const, 'exit'),
        ...(offer !== undefined ? { offer } : {}), ...(maxDiscountPct !== undefined ? { maxDiscountPct } : {}),
      };
    }
    case 'send': {
      only(raw, ['id', 'type', 'channel', 'channels', 'template', 'timing', 'maxDelay', 'transactional', 'sendHour', 'blocks', ...ARMED], f);
      const channel = oneOf(raw, 'channel', armOf ?? f, [...CHANNELS, 'auto'] as const);
      const list = raw.channels ?? (channel === 'auto' ? ['email', 'sms', 'push'] : [channel]);
      if (!Array.isArray(list) || list.length === 0 || list.some((c) => !(CHANNELS as readonly string[]).includes(c as string))) {
        throw invalid(`${armOf ?? f}.channels`, `must be a non-empty list of ${CHANNELS.join(', ')}`);
      }
      if (raw.transactional !== undefined && typeof raw.transactional !== 'boolean') throw invalid(`${armOf ?? f}.transactional`, 'must be true or false');
      const sendHour = raw.sendHour === undefined ? undefined : num(raw, 'sendHour', f, 0, 23, 0);
      if (sendHour !== undefined && !Number.isInteger(sendHour)) throw invalid(`${f}.sendHour`, 'must be a whole hour from 0 to 23 (the shopper\'s time zone)');
      const blocks = raw.blocks;
      if (blocks !== undefined && (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 10 || blocks.some((b) => typeof b !== 'string' || b.trim() === '' || b.length > 100))) {
        throw invalid(`${f}.blocks`, 'must be a list of 1 to 10 block ids');
      }
      return {
        id, type, channel, channels: list as ChannelName[], template: str(raw, 'template', f, { max: 100 })!,
        timing: oneOf(raw, 'timing', f, ['now', 'best_hour'] as const, 'now'),
        maxDelayMs: raw.maxDelay === undefined ? 86_400_000 : parseDuration(raw.maxDelay, `${f}.maxDelay`),
        transactional: raw.transactional === true,
        ...(sendHour !== undefined ? { sendHour } : {}), ...(blocks !== undefined ? { blocks: blocks as string[] } : {}),
      };
    }
    case 'branch': {
      only(raw, ['id', 'type', 'if', 'then', 'else', ...ARMED], f);
      if (raw.if === undefined) throw invalid(`${f}.if`, 'is required');
      const cond = parseCondition(raw.if, `${f}.if`);
      for (const p of rankPaths(cond)) if (!RANK_PATH.test(p)) throw invalid(`${f}.if`, `"${p}": a rank is taken of a trigger property only (rank.event.properties.NAME)`);
      return { id, type, if: cond, then: str(raw, 'then', f)!, else: str(raw, 'else', f, { optional: true }) };
    }
    case 'exit':
      only(raw, ['id', 'type', ...ARMED], f);
      return { id, type };
  }
}

/** `entry.uplift`: admit only shoppers whose predicted incremental response is at least minScore (workers.uplift.ts). */
function parseUplift(raw: unknown): UpliftSpec | undefined {
  if (raw === undefined) return undefined;
  const f = 'entry.uplift';
  if (!isObj(raw)) throw invalid(f, 'must be { minScore, outcome?, model?, explorePct?, minUnits?, retrain? }');
  only(raw, ['minScore', 'outcome', 'model', 'explorePct', 'minUnits', 'retrain'], f);
  if (raw.minScore === undefined) throw invalid(`${f}.minScore`, 'is required: the predicted incremental response a shopper needs to enter (conversion: probability points, e.g. 0.01; revenue: dollars per shopper)');
  const minUnits = num(raw, 'minUnits', f, 20, 1_000_000, 200);
  if (!Number.isInteger(minUnits)) throw invalid(`${f}.minUnits`, 'must be a whole number of journeys');
  const retrainMs = raw.retrain === undefined ? 86_400_000 : parseDuration(raw.retrain, `${f}.retrain`);
  if (retrainMs < 3_600_000) throw invalid(`${f}.retrain`, 'must be at least 1h');
  return {
    minScore: num(raw, 'minScore', f, -1_000_000, 1_000_000, 0),
    outcome: oneOf(raw, 'outcome', f, ['conversion', 'revenue'] as const, 'conversion'),
    model: oneOf(raw, 'model', f, ['two_model', 'transformed_outcome'] as const, 'two_model'),
    explorePct: num(raw, 'explorePct', f, 0, 50, 10), minUnits, retrainMs,
  };
}

function parseEntry(raw: unknown): EntryRules {
  if (raw === undefined) return { reentry: 'after_exit', cooldownMs: 0 };
  if (!isObj(raw)) throw invalid('entry', 'must be an object');
  only(raw, ['reentry', 'cooldown', 'where', 'uplift'], 'entry');
  const reentry = oneOf(raw, 'reentry', 'entry', ['never', 'after_exit', 'cooldown', 'after_order'] as const, 'after_exit');
  if (reentry === 'cooldown' && raw.cooldown === undefined) throw invalid('entry.cooldown', 'is required when reentry is "cooldown"');
  const uplift = parseUplift(raw.uplift);
  return { reentry, cooldownMs: raw.cooldown === undefined ? 0 : parseDuration(raw.cooldown, 'entry.cooldown'), where: cond(raw, 'where', 'entry'), ...(uplift ? { uplift } : {}) };
}

export const WORKER_ID = /^wkr_[a-z0-9_]{2,60}$/;

/** A worker document (object, JSON text or YAML text) to a checked definition. */
export function parseWorkerDefinition(input: unknown): WorkerDefinition {
  let raw = input;
  if (typeof input === 'string') {
    try { raw = parseYaml(input); } catch (err) { throw invalid('body', `is not valid JSON or YAML: ${(err as Error).message.split('\n')[0]}`); }
  }
  if (!isObj(raw)) throw invalid('body', 'must be a worker definition object');
  only(raw, ['id', 'name', 'description', 'owner', 'riskTier', 'goal', 'trigger', 'entry', 'holdoutPct', 'sendsPerMinute', 'steps', 'playbook', 'status'], '');
  const id = str(raw, 'id', '', { pattern: WORKER_ID, hint: 'must look like wkr_cart_recovery (wkr_ then lower_snake_case)' })!;
  const goalRaw = raw.goal ?? { event: 'Order Completed' };
  if (!isObj(goalRaw)) throw invalid('goal', 'must be { event, matchKey?, metric? }');
  only(goalRaw, ['event', 'matchKey', 'metric'], 'goal');
  if (goalRaw.matchKey !== undefined && typeof goalRaw.matchKey !== 'boolean') throw invalid('goal.matchKey', 'must be true or false');
  const stepsRaw = raw.steps;
  if (!Array.isArray(stepsRaw) || stepsRaw.length === 0 || stepsRaw.length > 50) throw invalid('steps', 'must be a list of 1 to 50 steps');
  const steps = stepsRaw.map((s, i) => parseStep(s, i));
  const ids = new Set<string>();
  steps.forEach((s, i) => { if (ids.has(s.id)) throw invalid(`steps[${i}].id`, `"${s.id}" is used twice`); ids.add(s.id); });
  steps.forEach((s, i) => {
    const refs: Array<[string, string | undefined]> = s.type === 'branch' ? [['then', s.then], ['else', s.else]]
      : s.type === 'wait_for_event' && typeof s.onEvent === 'object' ? [['onEvent.goto', s.onEvent.goto]] : [];
    for (const [k, ref] of refs) if (ref !== undefined && !ids.has(ref)) throw invalid(`steps[${i}].${k}`, `names no step ("${ref}")`);
    // journey.steps.X.opened: X must be a send step earlier in the list (its message exists by then).
    if (s.type === 'branch') {
      const problem = checkJourneyPaths(s.if, new Set(steps.slice(0, i).filter((x) => x.type === 'send').map((x) => x.id)));
      if (problem) throw invalid(`steps[${i}].if`, problem);
    }
  });
  checkExperiments(steps);
  const trigger = parseTrigger(raw.trigger);
  // "Not followed by X within T on the same key" is a wait for X that exits when X comes.
  if (trigger.type === 'event' && trigger.unlessFollowedBy) {
    steps.unshift({ id: 'unless_followed', type: 'wait_for_event', event: trigger.unlessFollowedBy.event, timeoutMs: trigger.unlessFollowedBy.withinMs, match: trigger.key, onEvent: 'exit' });
    if (steps.filter((s) => s.id === 'unless_followed').length > 1) throw invalid('steps', '"unless_followed" is reserved for the trigger\'s unlessFollowedBy wait');
  }
  const def: WorkerDefinition = {
    id,
    name: str(raw, 'name', '', { max: 200 })!,
    description: str(raw, 'description', '', { optional: true, max: 2000 }) ?? '',
    owner: str(raw, 'owner', '', { optional: true, max: 200 }) ?? 'unassigned',
    riskTier: oneOf<RiskTier>(raw, 'riskTier', '', RISK_TIERS, 'low'),
    goal: {
      event: str(goalRaw, 'event', 'goal', EVENT)!,
      matchKey: goalRaw.matchKey === true,
      metric: oneOf(goalRaw, 'metric', 'goal', ['contribution', 'revenue', 'conversion'] as const, 'contribution'),
    },
    trigger,
    entry: parseEntry(raw.entry),
    holdoutPct: num(raw, 'holdoutPct', '', 0, 50, 10),
    sendsPerMinute: num(raw, 'sendsPerMinute', '', 0, 1_000_000, 0),
    steps,
    playbook: str(raw, 'playbook', '', { optional: true, max: 100 }),
  };
  if (def.goal.matchKey && !(trigger.type === 'event' && trigger.key)) throw invalid('goal.matchKey', 'needs an event trigger with a key');
  if (def.entry.uplift && def.holdoutPct === 0) throw invalid('entry.uplift', 'needs a worker holdout to learn from: set holdoutPct above 0');
  return def;
}

/**
 * What the approval queue weighs in a worker version: its declared tier (the floor), whether it
 * enters everyone matching a condition on a schedule (a broadcast), and whether a decide step's
 * placement may choose an incentive (`incentivePlacement`, from decisioning's placement config).
 */
export function workerFacts(def: WorkerDefinition, incentivePlacement?: (placementId: string) => boolean): { declared: WorkerDefinition['riskTier']; broadcast: boolean; sendsIncentive: boolean } {
  const decides = def.steps.filter((s): s is Extract<WorkerDefinition['steps'][number], { type: 'decide' }> => s.type === 'decide')
    .flatMap((s) => [s, ...(s.arms?.arms.map((a) => a.step) ?? [])]);
  // An arm that names an offer sends an incentive whatever its placement's types say.
  const incentive = (s: (typeof decides)[number]) => typeof s.offer === 'string' || (!!incentivePlacement && incentivePlacement(s.placement));
  return { declared: def.riskTier, broadcast: def.trigger.type === 'schedule', sendsIncentive: decides.some(incentive) };
}
