/**
 * A/B/n arms on worker steps: parsing (`arms` and `experiment` on a step), assignment at entry and
 * the effective step a journey runs. An arm is `{ name, weight, ...overrides }`; its overrides are
 * the step's own fields that vary content, offer or timing, so an arm is parsed as the step with
 * its overrides merged in and checked by the same rules. Steps naming the same `experiment`
 * (default: the step's id) share one assignment per shopper, so one arm can change a decide
 * step's offer and a send step's template together.
 *
 * Assignment is experiments' versioned salted hash, salted per worker and experiment key:
 * bucket = sha256("<version>:<BRAID_HOLDOUT_SALT>:worker:<worker id>:arm:<key>:<profile id>"),
 * split by weight (`assignArm`). Stateless, so every restart and node agrees; independent of the
 * global control group and of the worker holdout (different salts), and held-out shoppers get no
 * arm. The engine records the arms on the journey at entry; reports read them, never the hash.
 */
import { invalid } from '../../core/index.ts';
import { assignArm } from '../experiments/index.ts';
import type { Step, StepArms, WorkerDefinition } from './workers.types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const ARM_NAME = /^[a-z][a-z0-9_]{0,39}$/;
/** Arm names reports use for other groups. */
const RESERVED = ['holdout', 'treated', 'excluded', 'unassigned'];
export const MAX_ARMS = 10;

/** What an arm may vary, per step type: content (send), offer (decide), timing (wait, wait_for_event, send). */
export const ARM_OVERRIDES: Record<Step['type'], readonly string[]> = {
  send: ['template', 'blocks', 'timing', 'maxDelay', 'sendHour'],
  decide: ['placement', 'offer', 'maxDiscountPct'],
  wait: ['duration'],
  wait_for_event: ['timeout'],
  branch: [],
  exit: [],
};

/**
 * The step with its arms: `parse(merged, field)` checks one arm (the step's document with the
 * arm's overrides) and names its fields under `field`.
 */
export function withArms<S extends Step>(step: S, raw: Obj, f: string, parse: (merged: Obj, field: string) => Step): S {
  const allowed = ARM_OVERRIDES[step.type];
  if (allowed.length === 0) throw invalid(`${f}.arms`, `${step.type === 'exit' ? 'an' : 'a'} ${step.type} step cannot have arms (arms go on send, decide, wait and wait_for_event steps)`);
  if (raw.arms === undefined) throw invalid(`${f}.experiment`, 'names the experiment of the step\'s arms: give the step arms too');
  const list = raw.arms;
  if (!Array.isArray(list) || list.length < 2 || list.length > MAX_ARMS) throw invalid(`${f}.arms`, `must be a list of 2 to ${MAX_ARMS} arms ({ name, weight, ...overrides })`);
  let experiment = step.id;
  if (raw.experiment !== undefined) {
    if (typeof raw.experiment !== 'string' || !ARM_NAME.test(raw.experiment)) throw invalid(`${f}.experiment`, 'must be a lower_snake_case key of at most 40 characters');
    experiment = raw.experiment;
  }
  const { arms: _a, experiment: _e, ...base } = raw;
  const names = new Set<string>();
  const arms = list.map((a, j) => {
    const af = `${f}.arms[${j}]`;
    if (!isObj(a)) throw invalid(af, 'must be { name, weight, ...overrides }');
    const { name, weight, ...overrides } = a;
    if (typeof name !== 'string' || !ARM_NAME.test(name)) throw invalid(`${af}.name`, 'must be a lower_snake_case name of at most 40 characters');
    if (RESERVED.includes(name)) throw invalid(`${af}.name`, `"${name}" is reserved (${RESERVED.join(', ')})`);
    if (names.has(name)) throw invalid(`${af}.name`, `"${name}" is used twice`);
    names.add(name);
    const w = weight ?? 1;
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0 || w > 1_000_000) throw invalid(`${af}.weight`, 'must be a positive number (weights are relative: 1 and 3 split 25/75)');
    for (const k of Object.keys(overrides)) {
      if (!allowed.includes(k)) throw invalid(`${af}.${k}`, `cannot be varied by an arm of a ${step.type} step (an arm may set: ${allowed.join(', ')})`);
    }
    const armStep = parse({ ...base, ...overrides }, af) as S;
    return { name, weight: w, step: armStep };
  });
  return { ...step, arms: { experiment, arms } as StepArms<S> };
}

export interface Experiment {
  key: string;
  /** Ids of the steps whose arms it assigns. */
  steps: string[];
  arms: Array<{ name: string; weight: number }>;
}

/** The experiments of a worker, in step order. */
export function experimentsOf(steps: readonly Step[]): Experiment[] {
  const out = new Map<string, Experiment>();
  for (const s of steps) {
    const a = armsOf(s);
    if (!a) continue;
    const e = out.get(a.experiment);
    if (e) e.steps.push(s.id);
    else out.set(a.experiment, { key: a.experiment, steps: [s.id], arms: a.arms.map(({ name, weight }) => ({ name, weight })) });
  }
  return [...out.values()];
}

/** Steps sharing an experiment must list the same arms with the same weights (one assignment serves them all). */
export function checkExperiments(steps: readonly Step[]): void {
  const first = new Map<string, { i: number; sig: string }>();
  steps.forEach((s, i) => {
    const a = armsOf(s);
    if (!a) return;
    const sig = a.arms.map((x) => `${x.name}:${x.weight}`).join(',');
    const f = first.get(a.experiment);
    if (!f) { first.set(a.experiment, { i, sig }); return; }
    if (f.sig !== sig) throw invalid(`steps[${i}].arms`, `must list the same arm names and weights, in the same order, as steps[${f.i}].arms: both are experiment "${a.experiment}"`);
  });
}

function armsOf(s: Step): StepArms<Step> | undefined {
  return (s as { arms?: StepArms<Step> }).arms;
}

/** The arms of a treated shopper, experiment key → arm name (null when the worker has none). */
export function assignArms(def: Pick<WorkerDefinition, 'id' | 'steps'>, profileId: string, salt: string): Record<string, string> | null {
  const exps = experimentsOf(def.steps);
  if (exps.length === 0) return null;
  const out: Record<string, string> = {};
  for (const e of exps) out[e.key] = assignArm(profileId, `${salt}:worker:${def.id}:arm:${e.key}`, e.arms);
  return out;
}

/** The step a journey runs: its arm's version when it has one, else the step as written (held-out shoppers, steps without arms). */
export function armedStep<S extends Step>(step: S, arms: Record<string, string> | null | undefined): S {
  const a = (step as { arms?: StepArms<S> }).arms;
  if (!a || !arms) return step;
  const name = arms[a.experiment];
  return a.arms.find((x) => x.name === name)?.step ?? step;
}

/** The arm a journey runs at this step, for its trail ("" when none). */
export function armLabel(step: Step, arms: Record<string, string> | null | undefined): string {
  const a = armsOf(step);
  const name = a && arms?.[a.experiment];
  return name ? ` [arm ${a.experiment}=${name}]` : '';
}

/**
 * The next start of `hour` (0-23) in `timeZone` from `nowMs`, or undefined when it is that hour
 * now. Walks hour by hour (at most 25 steps) so daylight-saving changes need no special case.
 */
export function nextLocalHour(nowMs: number, hour: number, localHourOf: (ms: number) => number): number | undefined {
  const h = localHourOf(nowMs);
  if (Math.floor(h) === hour) return undefined;
  const top = nowMs + Math.round((Math.ceil(h) - h) * 3_600_000 / 60_000) * 60_000; // next whole local hour
  for (let k = 0; k < 25; k++) {
    const t = top + k * 3_600_000;
    if (Math.floor(localHourOf(t) + 1e-9) === hour) return t;
  }
  return undefined;
}
