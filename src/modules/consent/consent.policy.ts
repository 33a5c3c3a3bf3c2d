/**
 * Pure consent logic, no I/O: the built-in defaults, country -> region mapping, policy lookup,
 * the boolean -> status rule, latest-wins ordering and the reason sentences. The service feeds it
 * rows; keeping it pure keeps check() cheap and makes a future in-memory cache a drop-in.
 */
import type { ConsentDecision, ConsentMode, ConsentRecord, ConsentStatus, PolicyRule } from './consent.types.ts';

/** Stands for "no jurisdiction known" and for the catch-all rule. */
export const ANY = '*';

/**
 * Built-in defaults, used when nothing is recorded for a purpose. The posture is conservative:
 * where the law is unclear or the country unknown we ask first (opt-in), because sending without
 * consent is the costly mistake and an operator can relax a rule with PUT /v1/consent/policy.
 */
export const BUILTIN_RULES: readonly PolicyRule[] = Object.freeze([
  // Anywhere without a rule of its own. Marketing messages and handing data to ad networks need
  // permission in most of the world (GDPR, UK PECR, Canada's CASL, Australia's Spam Act, LGPD),
  // so they are opt-in. Using data inside the shop to personalize and to build segments is
  // treated as part of the service the shopper asked for (legitimate interest), so opt-out.
  { jurisdiction: ANY, purpose: 'email_marketing', mode: 'opt_in' },
  { jurisdiction: ANY, purpose: 'sms_marketing', mode: 'opt_in' },
  { jurisdiction: ANY, purpose: 'push_marketing', mode: 'opt_in' },
  { jurisdiction: ANY, purpose: 'ad_audience_sharing', mode: 'opt_in' },
  { jurisdiction: ANY, purpose: 'personalization', mode: 'opt_out' },
  { jurisdiction: ANY, purpose: 'profiling', mode: 'opt_out' },
  // A purpose nobody wrote a rule for is new and unknown: ask first.
  { jurisdiction: ANY, purpose: ANY, mode: 'opt_in' },
  // United States. CAN-SPAM lets commercial email be sent until the person unsubscribes.
  { jurisdiction: 'US', purpose: 'email_marketing', mode: 'opt_out' },
  // TCPA: marketing texts need prior express written consent.
  { jurisdiction: 'US', purpose: 'sms_marketing', mode: 'opt_in' },
  // Push needs the OS-level permission prompt anyway; we mirror it.
  { jurisdiction: 'US', purpose: 'push_marketing', mode: 'opt_in' },
  // CCPA/CPRA: "sharing" for cross-context behavioural advertising is an opt-out right
  // ("Do Not Sell or Share"); the stricter states are handled by recording the opt-out.
  { jurisdiction: 'US', purpose: 'ad_audience_sharing', mode: 'opt_out' },
  // EU/EEA (GDPR + ePrivacy) and the UK (UK GDPR + PECR): consent must be given before
  // processing beyond what is strictly necessary, profiling and personalization included.
  { jurisdiction: 'EU', purpose: ANY, mode: 'opt_in' },
  { jurisdiction: 'GB', purpose: ANY, mode: 'opt_in' },
]);

/** EU member states plus the EEA (IS, LI, NO); `EL` is the EU's own code for Greece. */
const EU_COUNTRIES = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'EL', 'HU', 'IE', 'IT', 'LV',
  'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO',
]);

/** The region a country's rules come from when it has none of its own, if any. */
export function regionOf(country: string): string | undefined {
  return EU_COUNTRIES.has(country) ? 'EU' : undefined;
}

/** Common spellings seen in address traits that are not ISO alpha-2 codes. */
const COUNTRY_ALIASES: Record<string, string> = {
  'USA': 'US', 'UNITED STATES': 'US', 'UNITED STATES OF AMERICA': 'US',
  'UK': 'GB', 'UNITED KINGDOM': 'GB', 'GREAT BRITAIN': 'GB',
};

/** An ISO 3166 alpha-2 code (upper case) from user-supplied text, or undefined. */
export function normalizeCountry(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toUpperCase().replace(/\s+/g, ' ');
  const code = COUNTRY_ALIASES[s] ?? s;
  return /^[A-Z]{2}$/.test(code) ? code : undefined;
}

/** A jurisdiction as used in policy rules and checks: a country or region code, or '*'. */
export function normalizeJurisdiction(v: unknown): string | undefined {
  if (v === ANY) return ANY;
  return normalizeCountry(v);
}

export type RuleSource = 'builtin' | 'override';
export interface MatchedRule { rule: PolicyRule; source: RuleSource }

const ruleKey = (jurisdiction: string, purpose: string) => `${jurisdiction}\u0000${purpose}`;
const BUILTIN_INDEX = new Map(BUILTIN_RULES.map((r) => [ruleKey(r.jurisdiction, r.purpose), r]));

/**
 * The rule that decides `purpose` in `jurisdiction` when nothing is recorded. Jurisdictions are
 * tried most specific first (the country, its region, then '*'); within one, the purpose's own
 * rule before that jurisdiction's '*' rule. An override replaces the built-in rule with the same
 * (jurisdiction, purpose) key; it does not outrank a more specific built-in rule.
 */
export function lookupPolicy(jurisdiction: string, purpose: string, overrides: readonly PolicyRule[]): MatchedRule {
  const over = new Map(overrides.map((r) => [ruleKey(r.jurisdiction, r.purpose), r]));
  const chain = [jurisdiction];
  const region = regionOf(jurisdiction);
  if (region) chain.push(region);
  if (jurisdiction !== ANY) chain.push(ANY);
  for (const j of chain) {
    for (const p of purpose === ANY ? [ANY] : [purpose, ANY]) {
      const o = over.get(ruleKey(j, p));
      if (o) return { rule: o, source: 'override' };
      const b = BUILTIN_INDEX.get(ruleKey(j, p));
      if (b) return { rule: b, source: 'builtin' };
    }
  }
  // Unreachable while BUILTIN_RULES holds ('*', '*'); kept so the function is total.
  return { rule: { jurisdiction: ANY, purpose: ANY, mode: 'opt_in' }, source: 'builtin' };
}

/** `true` is granted; `false` is revoked if the previous state was granted, else denied. */
export function statusFromValue(value: ConsentStatus | boolean, previous: ConsentStatus | undefined): ConsentStatus {
  if (value === true) return 'granted';
  if (value === false) return previous === 'granted' ? 'revoked' : 'denied';
  return value;
}

export interface PendingInput { key: string; atMs: number; value: ConsentStatus | boolean }
export interface PriorState { status: ConsentStatus; atMs: number }

/**
 * Resolves the statuses of a batch. `prior[i]` is the latest stored record for input i's key
 * with `at` not after input i's (stored rows were recorded earlier, so they lose ties). Earlier
 * inputs of the batch with the same key count too, the later one winning a tie of `at`, which
 * matches the ids the service hands out in input order.
 */
export function resolveStatuses(inputs: readonly PendingInput[], prior: ReadonlyArray<PriorState | undefined>): ConsentStatus[] {
  const out: ConsentStatus[] = [];
  inputs.forEach((input, i) => {
    let prev = prior[i];
    for (let j = 0; j < i; j++) {
      const e = inputs[j]!;
      if (e.key === input.key && e.atMs <= input.atMs && (!prev || e.atMs >= prev.atMs)) prev = { status: out[j]!, atMs: e.atMs };
    }
    out.push(statusFromValue(input.value, prev?.status));
  });
  return out;
}

/** Ledger order: by `at`, then `recordedAt`, then id. The greatest is the current state. */
export function compareRecords(a: Pick<ConsentRecord, 'at' | 'recordedAt' | 'id'>, b: Pick<ConsentRecord, 'at' | 'recordedAt' | 'id'>): number {
  return Date.parse(a.at) - Date.parse(b.at) || Date.parse(a.recordedAt) - Date.parse(b.recordedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The record that holds the current state, per purpose. */
export function latestPerPurpose<R extends Pick<ConsentRecord, 'purpose' | 'at' | 'recordedAt' | 'id'>>(records: readonly R[]): Map<string, R> {
  const out = new Map<string, R>();
  for (const r of records) {
    const cur = out.get(r.purpose);
    if (!cur || compareRecords(r, cur) > 0) out.set(r.purpose, r);
  }
  return out;
}

const modeWord = (m: ConsentMode) => (m === 'opt_in' ? 'opt-in' : 'opt-out');

/** "granted on 2026-01-02T03:04:05.000Z via identify (message m-1)". */
export function recordedReason(r: ConsentRecord): string {
  const messageId = r.evidence.messageId;
  const msg = typeof messageId === 'string' || typeof messageId === 'number' ? ` (message ${messageId})` : '';
  return `${r.status} on ${r.at} via ${r.source}${msg}`;
}

/** "no record; EU default is opt-in, so not allowed". */
export function defaultReason(jurisdiction: string, matched: MatchedRule): string {
  const j = matched.rule.jurisdiction;
  const configured = matched.source === 'override' ? ' (configured)' : '';
  let which: string;
  if (jurisdiction === ANY) which = `default for an unknown jurisdiction${configured}`;
  else if (j === ANY) which = `no rule for ${jurisdiction}; global default${configured}`;
  else if (j !== jurisdiction) which = `${j} default${configured} (${jurisdiction})`;
  else which = `${j} default${configured}`;
  return `no record; ${which} is ${modeWord(matched.rule.mode)}, so ${matched.rule.mode === 'opt_out' ? 'allowed' : 'not allowed'}`;
}

/**
 * The answer for one purpose. A record always decides (granted allows; denied and revoked do
 * not), whatever the mode; without one, opt-out allows and opt-in does not.
 */
export function decide(purpose: string, jurisdiction: string, record: ConsentRecord | undefined, overrides: readonly PolicyRule[]): ConsentDecision {
  if (record) {
    return { allowed: record.status === 'granted', purpose, status: record.status, basis: 'recorded', jurisdiction, reason: recordedReason(record), record };
  }
  const matched = lookupPolicy(jurisdiction, purpose, overrides);
  return { allowed: matched.rule.mode === 'opt_out', purpose, status: null, basis: 'default', jurisdiction, reason: defaultReason(jurisdiction, matched) };
}
