/**
 * Engagement with this journey's own messages: `journey.steps.<stepId>.sent | opened | clicked`
 * in a branch's condition is whether the message that send step `<stepId>` of this same journey
 * queued went out, was opened (its open pixel loaded or a link clicked) or was clicked (a tracked
 * link followed). Read from the channels' delivery log (its status, moved by tracking and provider
 * receipts: channels.tracking.routes.ts, channels.receipts.ts) only when a branch asks, by the
 * message's idempotency key (worker:instance:step, unique and indexed), so sends and branches that
 * do not ask pay nothing.
 *
 * A message not (yet) sent, held out, suppressed or never planned is none of the three. Opens are
 * a floor, not a census: a mail client that blocks images loads no pixel, so "not opened" means
 * "not seen opened" (docs/workers.md).
 */
import { conditionPaths, type Condition } from '../../core/index.ts';
import { WENT_OUT, type ChannelService } from '../channels/index.ts';

export const JOURNEY_PREFIX = 'journey.';
export const JOURNEY_PATH = /^journey\.steps\.([a-z][a-z0-9_]{0,39})\.(sent|opened|clicked)$/;
export interface Engagement { sent: boolean; opened: boolean; clicked: boolean }
/** Per step id, what became of its message; steps without a message are absent. */
export type EngagementReader = (workerId: string, instanceId: string, stepIds: readonly string[]) => Promise<Record<string, Engagement>>;

const SENT = new Set<string>(WENT_OUT);
const OPENED = new Set(['opened', 'clicked']);

/** Paths under `journey.` that a condition reads. */
export function journeyPaths(c: Condition): string[] {
  return conditionPaths(c, JOURNEY_PREFIX);
}

/** What a status says. A complaint after an open loses the open (the status holds one value): rare, and it only makes a branch more cautious. */
export function engagementOf(status: string): Engagement {
  return { sent: SENT.has(status), opened: OPENED.has(status), clicked: status === 'clicked' };
}

export function createEngagementReader(channels: Pick<ChannelService, 'statusesByKey'>): EngagementReader {
  return async (workerId, instanceId, stepIds) => {
    const keys = [...new Set(stepIds)].map((s) => `${workerId}:${instanceId}:${s}`);
    if (keys.length === 0) return {};
    const out: Record<string, Engagement> = {};
    for (const [key, status] of await channels.statusesByKey(keys)) out[key.slice(key.lastIndexOf(':') + 1)] = engagementOf(status);
    return out;
  };
}

/** The `journey` scope a condition sees: every asked step, false where it has no message. */
export async function journeyScope(read: EngagementReader | undefined, workerId: string, instanceId: string, paths: readonly string[]): Promise<Record<string, unknown>> {
  const stepIds = paths.map((p) => JOURNEY_PATH.exec(p)?.[1]).filter((s): s is string => s !== undefined);
  const got = read ? await read(workerId, instanceId, stepIds) : {};
  const steps: Record<string, Engagement> = {};
  for (const s of stepIds) steps[s] = got[s] ?? { sent: false, opened: false, clicked: false };
  return { steps };
}

/**
 * Definition check: each `journey.*` path names a send step that comes before the branch. Returns
 * the problem (naming the path), or undefined.
 */
export function checkJourneyPaths(cond: Condition, sendStepsBefore: ReadonlySet<string>): string | undefined {
  for (const p of journeyPaths(cond)) {
    const m = JOURNEY_PATH.exec(p);
    if (!m) return `"${p}": journey engagement is read as journey.steps.STEP_ID.sent, .opened or .clicked`;
    if (!sendStepsBefore.has(m[1]!)) return `"${p}": "${m[1]}" is not a send step before this branch`;
  }
  return undefined;
}
