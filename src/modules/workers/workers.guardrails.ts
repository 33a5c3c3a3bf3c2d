/**
 * Guardrails every worker's sends pass, centrally and across workers: frequency caps per channel
 * and across channels (rolling 24 h / 7 days), a minimum gap between any two messages, quiet
 * hours in the shopper's time zone (deferred, never dropped), per-worker send rates, channel
 * choice by responsiveness and timing at the shopper's best hour. Pure functions: the engine
 * feeds them the shopper's recent contacts (from the delivery log, plus what the same batch has
 * already planned) so caps hold across every worker at once.
 */
import { invalid, type FrequencyCap } from '../../core/index.ts';
import type { ChannelName, Contact } from '../channels/index.ts';

export interface GuardrailSettings {
  caps: FrequencyCap[];
  quietHours: { start: number; end: number };
  minGapMinutes: number;
  paidSuppressionHours: number;
  defaultTimezone: string;
}

export type Verdict =
  | { kind: 'send' }
  | { kind: 'defer'; until: number; reason: 'quiet_hours' | 'min_gap' | 'rate_limit' | 'best_hour' }
  | { kind: 'skip'; reason: string };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Messages that interrupt a shopper; webhooks and the passive in-app inbox are not counted. */
export const COUNTED_CHANNELS: ReadonlySet<string> = new Set(['email', 'sms', 'push']);

const hourFormats = new Map<string, Intl.DateTimeFormat>();
/** The last answer per zone: a batch of sends asks for the same minute thousands of times, and formatToParts is slow. */
const lastHour = new Map<string, { minute: number; hour: number }>();
/** Local hour (0-23, fractional by minutes) of `ms` in `timeZone`. */
export function localHour(ms: number, timeZone: string): number {
  const minute = Math.floor(ms / 60_000);
  const last = lastHour.get(timeZone);
  if (last?.minute === minute) return last.hour;
  let f = hourFormats.get(timeZone);
  if (!f) { f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric' }); hourFormats.set(timeZone, f); }
  let h = 0, m = 0;
  for (const p of f.formatToParts(ms)) { if (p.type === 'hour') h = Number(p.value); else if (p.type === 'minute') m = Number(p.value); }
  const hour = (h % 24) + m / 60;
  if (lastHour.size > 1000 && !last) lastHour.clear();
  lastHour.set(timeZone, { minute, hour });
  return hour;
}

export function isQuiet(hour: number, q: { start: number; end: number }): boolean {
  if (q.start === q.end) return false;
  return q.start < q.end ? hour >= q.start && hour < q.end : hour >= q.start || hour < q.end;
}

/** The first moment at or after `ms` outside quiet hours in `timeZone` (15-minute resolution). */
export function quietHoursEnd(ms: number, timeZone: string, q: { start: number; end: number }): number {
  let t = ms;
  for (let i = 0; i < 24 * 4 + 1 && isQuiet(localHour(t, timeZone), q); i++) t = Math.floor(t / 900_000) * 900_000 + 900_000;
  return t;
}

/** Is `tz` a time zone Intl knows? Unknown zones fall back to the default. */
export function isTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz === '') return false;
  if (hourFormats.has(tz)) return true;
  try { hourFormats.set(tz, new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', hour: 'numeric', minute: 'numeric' })); return true; } catch { return false; }
}

/**
 * May a message on `channel` go to this shopper now? Caps skip (the moment is gone; a capped
 * message is not queued up to pile onto tomorrow); gaps and quiet hours defer.
 */
export function checkSend(input: { nowMs: number; channel: ChannelName; contacts: readonly Contact[]; settings: GuardrailSettings; timeZone: string }): Verdict {
  const { nowMs, channel, contacts, settings } = input;
  const counted = COUNTED_CHANNELS.has(channel);
  for (const cap of settings.caps) {
    if (cap.channel !== channel && !(cap.channel === 'all' && counted)) continue;
    const since = nowMs - (cap.period === 'day' ? DAY : 7 * DAY);
    let n = 0;
    for (const c of contacts) if (c.at > since && (cap.channel === 'all' ? COUNTED_CHANNELS.has(c.channel) : c.channel === cap.channel)) n++;
    if (n >= cap.max) return { kind: 'skip', reason: `frequency_cap:${cap.channel}:${cap.max}/${cap.period}` };
  }
  if (counted && settings.minGapMinutes > 0) {
    let last = -Infinity;
    for (const c of contacts) if (COUNTED_CHANNELS.has(c.channel) && c.at > last) last = c.at;
    const until = last + settings.minGapMinutes * 60_000;
    if (until > nowMs) return { kind: 'defer', until, reason: 'min_gap' };
  }
  if (counted && isQuiet(localHour(nowMs, input.timeZone), settings.quietHours)) {
    return { kind: 'defer', until: quietHoursEnd(nowMs, input.timeZone, settings.quietHours), reason: 'quiet_hours' };
  }
  return { kind: 'send' };
}

/** The next moment at the shopper's best UTC hour, if it is within `maxDelayMs` and not now. */
export function nextBestHour(nowMs: number, bestHourUtc: number | null | undefined, maxDelayMs: number): number | undefined {
  if (bestHourUtc === null || bestHourUtc === undefined) return undefined;
  const dayStart = Math.floor(nowMs / DAY) * DAY;
  let t = dayStart + bestHourUtc * HOUR;
  if (nowMs >= t && nowMs < t + HOUR) return undefined; // inside the best hour already
  if (t <= nowMs) t += DAY;
  return t - nowMs <= maxDelayMs ? t : undefined;
}

export interface ChannelOption { channel: ChannelName; consented: boolean; reachable: boolean; rate: number }

/** Among consented, reachable channels, the most responsive; ties keep the worker's order. */
export function chooseChannel(options: readonly ChannelOption[]): ChannelName | undefined {
  let best: ChannelOption | undefined;
  for (const o of options) if (o.consented && o.reachable && (!best || o.rate > best.rate)) best = o;
  return best?.channel;
}

/** A per-worker token bucket (sends per minute): returns 0 to send now, else ms to wait. */
export interface Bucket { tokens: number; at: number }
export function takeToken(bucket: Bucket, nowMs: number, perMinute: number): number {
  if (perMinute <= 0) return 0;
  const cap = Math.max(1, perMinute / 6); // bursts of at most 10 s worth
  bucket.tokens = Math.min(cap, bucket.tokens + ((nowMs - bucket.at) / 60_000) * perMinute);
  bucket.at = nowMs;
  if (bucket.tokens >= 1) { bucket.tokens -= 1; return 0; }
  return Math.ceil(((1 - bucket.tokens) / perMinute) * 60_000);
}

/** A PUT /v1/guardrails body over the current settings (omitted fields keep their value). */
export function parseGuardrails(input: unknown, current: GuardrailSettings): GuardrailSettings {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid('body', 'must be an object');
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['caps', 'quietHours', 'minGapMinutes', 'paidSuppressionHours', 'defaultTimezone'].includes(k)) throw invalid(k, 'is not a guardrail setting');
  const next = { ...current };
  if (o.caps !== undefined) {
    if (!Array.isArray(o.caps)) throw invalid('caps', 'must be a list of { channel, max, period }');
    next.caps = o.caps.map((c: unknown, i) => {
      const x = c as Record<string, unknown>;
      if (typeof x?.channel !== 'string' || !['email', 'sms', 'push', 'webhook', 'in_app', 'all'].includes(x.channel)) throw invalid(`caps[${i}].channel`, 'must be email, sms, push, webhook, in_app or all');
      if (typeof x.max !== 'number' || !Number.isInteger(x.max) || x.max < 0) throw invalid(`caps[${i}].max`, 'must be a whole number >= 0');
      if (x.period !== 'day' && x.period !== 'week') throw invalid(`caps[${i}].period`, 'must be day or week');
      return { channel: x.channel, max: x.max, period: x.period };
    });
  }
  if (o.quietHours !== undefined) {
    const q = o.quietHours as Record<string, unknown>;
    for (const k of ['start', 'end'] as const) if (typeof q?.[k] !== 'number' || !Number.isInteger(q[k]) || (q[k] as number) < 0 || (q[k] as number) > 23) throw invalid(`quietHours.${k}`, 'must be a local hour from 0 to 23');
    next.quietHours = { start: q.start as number, end: q.end as number };
  }
  for (const k of ['minGapMinutes', 'paidSuppressionHours'] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== 'number' || !Number.isInteger(o[k]) || (o[k] as number) < 0) throw invalid(k, 'must be a whole number >= 0');
    next[k] = o[k] as number;
  }
  if (o.defaultTimezone !== undefined) {
    if (!isTimeZone(o.defaultTimezone)) throw invalid('defaultTimezone', 'must be an IANA time zone such as Europe/Paris');
    next.defaultTimezone = o.defaultTimezone;
  }
  return next;
}
