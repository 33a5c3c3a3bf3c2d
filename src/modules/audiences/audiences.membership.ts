/**
 * Who belongs to a paid-media audience, as pure functions: the scope a definition's condition is
 * evaluated against, the paid-media suppression rule, and the difference between the membership
 * last exported and the one computed now. No I/O.
 */
import { invalid, type Condition } from '../../core/index.ts';
import type { ComputedTraits, PreferenceView } from '../traits/index.ts';
import type { ProfileState } from '../profiles/index.ts';
import type { IdentifierKind, OwnedContact } from './audiences.types.ts';

const HOUR = 3_600_000;

/**
 * Contact statuses that mean the email reached (or is about to reach) the shopper. Suppressed,
 * failed, bounced and dead sends did not reach anyone, so they do not suppress paid media.
 */
const REACHING = new Set(['queued', 'sending', 'retrying', 'sent', 'delivered', 'opened', 'clicked', 'complained']);

/** The scope of a definition's `where`: `profile.*`, `traits.*` and `preferences.<name>` (the effective value). */
export function scopeOf(profile: ProfileState, traits: ComputedTraits | undefined, prefs: Record<string, PreferenceView> | undefined, sensitive: readonly string[]): Record<string, unknown> {
  const deny = new Set(sensitive.map((s) => s.toLowerCase()));
  const safeTraits = Object.fromEntries(Object.entries(profile.traits).filter(([k]) => !deny.has(k.toLowerCase())));
  const preferences: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(prefs ?? {})) if (v.value !== null) preferences[name] = v.value;
  return { profile: { ...profile, traits: safeTraits }, traits: traits ?? {}, preferences };
}

/**
 * Refuses a condition that reads a sensitive trait (config.brain.sensitiveTraits): health,
 * religion, ... must never decide who is handed to an ad network. Throws the 400 naming the path.
 */
export function assertNoSensitivePaths(cond: Condition, field: string, sensitive: readonly string[]): void {
  const deny = new Set(sensitive.map((s) => s.toLowerCase()));
  const walk = (c: Condition, f: string): void => {
    if ('all' in c) { c.all.forEach((x, i) => walk(x, `${f}.all[${i}]`)); return; }
    if ('any' in c) { c.any.forEach((x, i) => walk(x, `${f}.any[${i}]`)); return; }
    if ('not' in c) { walk(c.not, `${f}.not`); return; }
    if (c.path.split('.').some((p) => deny.has(p.toLowerCase()))) throw invalid(`${f}.path`, `reads a sensitive trait ("${c.path}"), which never decides a paid-media audience`);
  };
  walk(cond, field);
}

/**
 * Paid-media suppression: a shopper who converted (an order) or was reached by owned email within
 * the last `hours` leaves paid audiences, so ad money is not spent on who was just won or just
 * reached. Returns why, or undefined when the shopper stays.
 */
export function suppressionReason(profile: ProfileState, contacts: readonly OwnedContact[], nowMs: number, hours: number): 'converted' | 'emailed' | undefined {
  if (hours <= 0) return undefined;
  const since = nowMs - hours * HOUR;
  const lastOrder = profile.orders.lastOrderAt === null ? NaN : Date.parse(profile.orders.lastOrderAt);
  if (lastOrder >= since) return 'converted';
  if (contacts.some((c) => c.channel === 'email' && c.at >= since && REACHING.has(c.status))) return 'emailed';
  return undefined;
}

export const memberKey = (kind: IdentifierKind, hash: string): string => `${kind}:${hash}`;

export interface MemberDiff {
  adds: Array<{ kind: IdentifierKind; hash: string; profileId: string }>;
  removes: Array<{ kind: IdentifierKind; hash: string }>;
  /** Identifiers that stay but now belong to another profile (after a merge). */
  moved: Array<{ kind: IdentifierKind; hash: string; profileId: string }>;
}

/** Keys are memberKey(kind, hash); values the owning profile id. */
export function diffMembers(previous: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>): MemberDiff {
  const split = (k: string) => { const i = k.indexOf(':'); return { kind: k.slice(0, i) as IdentifierKind, hash: k.slice(i + 1) }; };
  const out: MemberDiff = { adds: [], removes: [], moved: [] };
  for (const [k, pid] of next) {
    const before = previous.get(k);
    if (before === undefined) out.adds.push({ ...split(k), profileId: pid });
    else if (before !== pid) out.moved.push({ ...split(k), profileId: pid });
  }
  for (const k of previous.keys()) if (!next.has(k)) out.removes.push(split(k));
  return out;
}
