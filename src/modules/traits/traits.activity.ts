/**
 * Event-derived counters per profile (what the timeline says, folded), and the traits read from
 * them: channel responsiveness and best send hour. Pure, no I/O.
 */
import type { Channel, ChannelScore } from './traits.types.ts';

/** Per event name: [count, last time in epoch ms]. */
export interface Activity {
  /** Highest event seq folded in: events at or below it are skipped (folding is idempotent). */
  lastSeq: number;
  counts: Record<string, [number, number]>;
  /** UTC-hour histogram of responses (opens, clicks) and purchases. */
  responseHours: number[];
  /** UTC-hour histogram of all events. */
  activeHours: number[];
}

export interface ActivityEvent { seq: number; name: string; at: string }

/**
 * Which event names count, per channel. `sent`: the largest of these counts is the number of
 * messages that reached the shopper; `responses`: the largest of these is the number responded
 * to (an opened message is usually also clicked, so taking the largest avoids counting it twice,
 * and still works when opens are not tracked).
 */
export const CHANNEL_EVENTS: Record<Channel, { sent: string[]; responses: string[] }> = {
  email: { sent: ['Email Sent', 'Email Delivered'], responses: ['Email Opened', 'Email Link Clicked', 'Email Clicked'] },
  sms: { sent: ['SMS Sent', 'SMS Delivered'], responses: ['SMS Link Clicked', 'SMS Clicked', 'SMS Replied'] },
  push: { sent: ['Push Notification Sent', 'Push Sent', 'Push Delivered', 'Push Notification Received'], responses: ['Push Opened', 'Push Notification Opened', 'Push Notification Tapped'] },
  onsite: { sent: ['Decision Shown', 'Decision Viewed', 'Promotion Viewed'], responses: ['Decision Clicked', 'Promotion Clicked'] },
};
export const CHANNELS = Object.keys(CHANNEL_EVENTS) as Channel[];

const RESPONSE_NAMES = new Set([...CHANNELS.flatMap((c) => CHANNEL_EVENTS[c].responses), 'Order Completed']);

/** Distinct names kept per profile; names listed here or in CHANNEL_EVENTS are always kept. */
export const MAX_NAMES = 100;

export function emptyActivity(): Activity {
  return { lastSeq: 0, counts: {}, responseHours: new Array<number>(24).fill(0), activeHours: new Array<number>(24).fill(0) };
}

const ALWAYS_KEPT = new Set([...CHANNELS.flatMap((c) => [...CHANNEL_EVENTS[c].sent, ...CHANNEL_EVENTS[c].responses]), 'Order Completed']);

/** Folds events (any order within the call) into a copy of `a`; events with seq ≤ a.lastSeq are skipped. */
export function foldActivity(a: Activity, events: readonly ActivityEvent[], keepAlso: ReadonlySet<string> = new Set()): Activity {
  const out: Activity = { lastSeq: a.lastSeq, counts: { ...a.counts }, responseHours: [...a.responseHours], activeHours: [...a.activeHours] };
  let names = Object.keys(out.counts).length;
  for (const e of events) {
    if (e.seq <= a.lastSeq) continue;
    const at = Date.parse(e.at);
    if (!Number.isFinite(at)) continue;
    out.lastSeq = Math.max(out.lastSeq, e.seq);
    const hour = new Date(at).getUTCHours();
    out.activeHours[hour]!++;
    if (RESPONSE_NAMES.has(e.name)) out.responseHours[hour]!++;
    const cur = out.counts[e.name];
    if (cur) out.counts[e.name] = [cur[0] + 1, Math.max(cur[1], at)];
    else if (names < MAX_NAMES || ALWAYS_KEPT.has(e.name) || keepAlso.has(e.name)) { out.counts[e.name] = [1, at]; names++; }
  }
  return out;
}

/** The survivor's activity after a merge: sums, the later last-times, the higher seq. */
export function mergeActivity(into: Activity, from: Activity): Activity {
  const counts = { ...into.counts };
  for (const [k, [n, at]] of Object.entries(from.counts)) {
    const cur = counts[k];
    counts[k] = cur ? [cur[0] + n, Math.max(cur[1], at)] : [n, at];
  }
  return {
    lastSeq: Math.max(into.lastSeq, from.lastSeq), counts,
    responseHours: into.responseHours.map((v, i) => v + (from.responseHours[i] ?? 0)),
    activeHours: into.activeHours.map((v, i) => v + (from.activeHours[i] ?? 0)),
  };
}

export function countOf(a: Activity, names: readonly string[]): number {
  return names.reduce((s, n) => s + (a.counts[n]?.[0] ?? 0), 0);
}

export function lastAtOf(a: Activity, names: readonly string[]): number | undefined {
  const ts = names.map((n) => a.counts[n]?.[1]).filter((t): t is number => t !== undefined);
  return ts.length > 0 ? Math.max(...ts) : undefined;
}

const PRIOR_RESPONSES = 1, PRIOR_TOTAL = 10;

/** The Beta(1, 9) posterior mean of a response rate (0.1 with no evidence), to three decimals. */
export function responseRate(responses: number, sent: number): number {
  return Math.round(((responses + PRIOR_RESPONSES) / (Math.max(sent, responses) + PRIOR_TOTAL)) * 1000) / 1000;
}

const largestCount = (a: Activity, names: readonly string[]): number => {
  let n = 0;
  for (const name of names) { const c = a.counts[name]?.[0] ?? 0; if (c > n) n = c; }
  return n;
};

/** Per channel: messages reached, responded to, and the Beta(1, 9) posterior mean response rate. */
export function channelResponsiveness(a: Activity): Record<Channel, ChannelScore> {
  const out = {} as Record<Channel, ChannelScore>;
  for (const c of CHANNELS) {
    const responses = largestCount(a, CHANNEL_EVENTS[c].responses);
    const sent = Math.max(responses, largestCount(a, CHANNEL_EVENTS[c].sent));
    out[c] = { sent, responses, rate: responseRate(responses, sent) };
  }
  return out;
}

/** Responses and purchases count 3, any other event 1. */
const RESPONSE_WEIGHT = 3;
/** Fewer weighted observations than this: no best hour. */
export const MIN_HOUR_EVIDENCE = 6;

/**
 * The UTC hour with the most weight after smoothing each hour with half of its two neighbours
 * (people who open at 9 often open at 8 or 10); ties go to the earlier hour. Null when the
 * weighted evidence is below MIN_HOUR_EVIDENCE.
 */
export function bestSendHour(a: Activity): number | null {
  const w = a.activeHours.map((v, i) => v - (a.responseHours[i] ?? 0) + RESPONSE_WEIGHT * (a.responseHours[i] ?? 0));
  if (w.reduce((s, v) => s + v, 0) < MIN_HOUR_EVIDENCE) return null;
  let best = 0, bestScore = -1;
  for (let h = 0; h < 24; h++) {
    const score = w[h]! + 0.5 * (w[(h + 23) % 24]! + w[(h + 1) % 24]!);
    if (score > bestScore) { best = h; bestScore = score; }
  }
  return best;
}
